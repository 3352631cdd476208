import { CreateVpcCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, DescribeClusterCommand, EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsEmulator, DEFAULT_EMULATOR_CREDENTIALS } from './index.js';

let emu: AwsEmulator;
let eks: EKSClient;
let ec2: EC2Client;
let iam: IAMClient;
let sm: SecretsManagerClient;
let sts: STSClient;

beforeAll(async () => {
  emu = await AwsEmulator.start();
  const cfg = { region: emu.region, endpoint: emu.endpoint, credentials: DEFAULT_EMULATOR_CREDENTIALS, maxAttempts: 1 };
  eks = new EKSClient(cfg);
  ec2 = new EC2Client(cfg);
  iam = new IAMClient(cfg);
  sm = new SecretsManagerClient(cfg);
  sts = new STSClient(cfg);
});
beforeEach(() => {
  emu.faults.reset();
  emu.clearRequestLog();
});
afterAll(async () => {
  for (const c of [eks, ec2, iam, sm, sts]) c.destroy();
  await emu.close();
});

describe('neutral faults on the AWS wire', () => {
  it('Throttle: each service its own throttling error, as the SDK sees it', async () => {
    emu.faults.addRule({ match: /./, error: 'Throttle', times: 5 });
    await expect(eks.send(new ListClustersCommand({}))).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    await expect(sm.send(new GetSecretValueCommand({ SecretId: 'x' }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    await expect(ec2.send(new DescribeVpcsCommand({}))).rejects.toMatchObject({ name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 503 } });
    await expect(iam.send(new GetRoleCommand({ RoleName: 'r' }))).rejects.toMatchObject({ name: 'Throttling' });
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'Throttling' });
    expect(emu.faults.injected.throttle).toBe(5);
    expect(emu.requests().map((e) => e.fault)).toEqual(['throttle', 'throttle', 'throttle', 'throttle', 'throttle']);
  });

  it('ServerError: a 500 with the service code, nothing carried out', async () => {
    emu.faults.addRule({ match: /^eks:CreateCluster$/, error: 'ServerError', times: 1 });
    emu.faults.addRule({ match: /^ec2:/, error: 'ServerError', times: 1 });
    await expect(eks.send(new CreateClusterCommand({ name: 'c', roleArn: 'arn:aws:iam::123456789012:role/r', resourcesVpcConfig: { subnetIds: [] } }))).rejects.toMatchObject({
      name: 'ServerException',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });
    await expect(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).rejects.toMatchObject({ name: 'InternalError', $metadata: { httpStatusCode: 500 } });
    expect(emu.inventory().vpcs).toEqual([]);
    expect(emu.faults.injected.serverError).toBe(2);
  });

  it('LostResponse: the change is made, the answer is a 500', async () => {
    emu.faults.addRule({ match: /^ec2:CreateVpc$/, error: 'LostResponse', times: 1 });
    await expect(ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).rejects.toMatchObject({ name: 'InternalError', $metadata: { httpStatusCode: 500 } });
    expect(emu.inventory().vpcs).toHaveLength(1);
    expect(emu.requests({ action: 'CreateVpc' })).toMatchObject([{ status: 500, errorCode: 'InternalError', fault: 'lost-response' }]);
  });

  it('PermissionDenied (and its old name AccessDenied): the service access-denied error naming the caller', async () => {
    emu.faults.addRule({ match: /^eks:DescribeCluster$/, error: 'PermissionDenied', times: 1 });
    emu.faults.addRule({ match: /^iam:/, error: 'AccessDenied', times: 1 });
    emu.faults.addRule({ match: /^ec2:/, error: 'PermissionDenied', times: 1 });
    const denied = eks.send(new DescribeClusterCommand({ name: 'c' }));
    await expect(denied).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    await expect(denied).rejects.toThrow('User: arn:aws:iam::123456789012:user/gati-emulator is not authorized to perform: eks:DescribeCluster');
    await expect(iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: '{}' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(ec2.send(new DescribeVpcsCommand({}))).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
    expect(emu.faults.injected).toMatchObject({ permissionDenied: 3, accessDenied: 3 });
    expect(emu.requests().map((e) => e.fault)).toEqual(['permission-denied', 'permission-denied', 'permission-denied']);
  });

  it('Quota: the service limit-exceeded error', async () => {
    const vpcsBefore = emu.inventory().vpcs;
    emu.faults.addRule({ match: /:Create/, error: 'Quota', times: 4 });
    await expect(eks.send(new CreateClusterCommand({ name: 'c', roleArn: 'arn:aws:iam::123456789012:role/r', resourcesVpcConfig: { subnetIds: [] } }))).rejects.toMatchObject({
      name: 'ResourceLimitExceededException',
    });
    await expect(ec2.send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16' }))).rejects.toMatchObject({ name: 'VpcLimitExceeded' });
    await expect(sm.send(new CreateSecretCommand({ Name: 's', SecretString: 'v' }))).rejects.toMatchObject({ name: 'LimitExceededException' });
    await expect(iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: '{}' }))).rejects.toMatchObject({ name: 'LimitExceededException', $metadata: { httpStatusCode: 409 } });
    expect(emu.faults.injected.quota).toBe(4);
    expect(emu.inventory()).toMatchObject({ vpcs: vpcsBefore, roles: [], secrets: [] });
  });

  it('latency: every request waits the drawn delay before it is answered', async () => {
    emu.faults.configure({ seed: 3, latencyMs: { min: 60, max: 80 } });
    const started = performance.now();
    await sts.send(new GetCallerIdentityCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(emu.requests({ action: 'GetCallerIdentity' })[0]?.durationMs).toBeGreaterThanOrEqual(55);
  });

  it('a custom AWS code with its status', async () => {
    emu.faults.addRule({ match: /^eks:ListClusters$/, error: 'ServiceUnavailableException', status: 503, times: 1 });
    await expect(eks.send(new ListClustersCommand({}))).rejects.toMatchObject({ name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } });
    expect(emu.requests()[0]).toMatchObject({ fault: 'custom', errorCode: 'ServiceUnavailableException' });
  });
});
