import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import type { ResolvedAwsConfig } from './config.js';

/** The SDK clients the provider uses, built once from the resolved config. */
export interface AwsClients {
  eks: EKSClient;
  iam: IAMClient;
  ec2: EC2Client;
  /**
   * EC2 without SDK retries, for creates that have no idempotency token
   * (CreateVpc, CreateInternetGateway, CreateRouteTable): a retried request whose
   * first answer was lost would create a second resource. Gati's own retry looks
   * the resource up before creating again.
   */
  ec2Once: EC2Client;
  secrets: SecretsManagerClient;
  sts: STSClient;
}

export function createClients(config: ResolvedAwsConfig): AwsClients {
  const common = {
    region: config.region,
    maxAttempts: config.maxAttempts,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
    ...(config.profile ? { profile: config.profile } : {}),
  };
  return {
    eks: new EKSClient(common),
    iam: new IAMClient(common),
    ec2: new EC2Client(common),
    ec2Once: new EC2Client({ ...common, maxAttempts: 1 }),
    secrets: new SecretsManagerClient(common),
    sts: new STSClient(common),
  };
}

export function destroyClients(clients: AwsClients): void {
  for (const client of Object.values(clients)) client.destroy();
}
