import type { Cluster, Nodegroup } from '@aws-sdk/client-eks';
import {
  GatiError,
  ManagedCloudProvider,
  parseConfig,
  QUICK_OPERATION_TIMEOUT_MS,
  renderKubeconfig,
  type BaseProviderConfig,
  type ClusterConfig,
  type ClusterInfo,
  type DeleteSecretOptions,
  type KubeconfigOptions,
  type Operation,
  type PlanStep,
  type Provisioning,
  type SecretConfig,
  type SecretRef,
} from '@gati-framework/core';
import { kubernetesLoadBalancing } from '@gati-framework/kubernetes';
import { mintEksToken, type EksToken } from '../auth/eks-token.js';
import { deleteEks, describeCluster, describeNodegroup, ensureCluster, ensureNodegroup, listNodegroups, planEks, toClusterInfo } from '../eks/cluster.js';
import { awsErrors } from '../errors/aws-errors.js';
import { mapAwsError, redact } from '../errors/map-error.js';
import { deleteOwnedRole, ensureRole, planRole } from '../iam/roles.js';
import { awsLoadBalancerAnnotations } from '../load-balancer/aws-annotations.js';
import { deleteOwnedNetwork, ensureNetwork, planNetwork } from '../network/network.js';
import { deleteSecret, retrieveSecret, storeSecret } from '../secrets/secrets.js';
import { createClients, destroyClients, type AwsClients } from './clients.js';
import { AwsProviderConfigSchema, resolveAwsConfig, type AwsProviderConfig, type ResolvedAwsConfig } from './config.js';

/** Options (and AWS_REGION) → the resolved config; a region is required. */
function resolveConfig(input: BaseProviderConfig): ResolvedAwsConfig {
  const resolved = resolveAwsConfig(parseConfig(AwsProviderConfigSchema, input, 'AWS provider config'));
  if (!resolved.region) {
    throw new GatiError('INVALID_CONFIG', 'No AWS region: pass { region } to initialize() or set AWS_REGION.', { provider: 'aws', details: { issues: [{ path: 'region', message: 'required', code: 'custom' }] } });
  }
  return { ...resolved, region: resolved.region };
}

/**
 * The AWS provider: EKS clusters with their IAM roles, VPC and managed node
 * groups; kubeconfigs with in-process tokens; load balancers through the
 * AWS Load Balancer Controller; Secrets Manager.
 */
export class AWSCloudProvider extends ManagedCloudProvider<ResolvedAwsConfig, AwsClients> {
  protected readonly kind = 'EKS';

  constructor() {
    super(
      {
        name: 'aws',
        errors: awsErrors,
        resolveConfig,
        openClients: (config) => createClients(config),
        closeClients: (clients) => destroyClients(clients),
        region: (aws) => aws.region,
        scope: (aws) => aws.region,
        describe: (aws) => ({ region: aws.region, endpoint: aws.endpoint ?? 'default' }),
      },
      kubernetesLoadBalancing({ provider: 'aws', annotations: awsLoadBalancerAnnotations, kubeconfig: (name) => this.getKubeconfig(name, { auth: 'token' }), logger: () => this.logger }),
    );
  }

  /** Resolves region, endpoint and credentials; the credentials themselves are read lazily by the SDK. */
  override async initialize(input: BaseProviderConfig | AwsProviderConfig = {}): Promise<void> {
    return super.initialize(input);
  }

  protected async planSteps(op: Operation, config: ClusterConfig, aws: ResolvedAwsConfig): Promise<PlanStep[]> {
    const { clients } = this.ready();
    const cluster = { name: config.name, region: aws.region };
    return [
      await planRole(op, clients.iam, cluster, 'cluster'),
      await planRole(op, clients.iam, cluster, 'node'),
      ...(await planNetwork(op, clients.ec2, config)),
      ...(await planEks(op, clients.eks, config)),
    ];
  }

  protected async provision(p: Provisioning, op: Operation, config: ClusterConfig, aws: ResolvedAwsConfig): Promise<ClusterInfo> {
    const { clients } = this.ready();
    const owner = { name: config.name, region: aws.region, tags: config.tags ?? {} };
    const clusterRoleArn = await p.step(() => ensureRole(op, clients.iam, owner, 'cluster'), (arn) => `cluster role ${arn}`);
    const nodeRoleArn = await p.step(() => ensureRole(op, clients.iam, owner, 'node'), (arn) => `node role ${arn}`);
    const network = await p.step(
      () => ensureNetwork(op, clients.ec2, clients.ec2Once, config, aws.zoneCount),
      (n) => `network ${n.vpcId} (${n.subnetIds.length} subnets in ${n.zones.join(', ')})`,
    );
    const settings = { roleArn: clusterRoleArn, subnetIds: network.subnetIds, logging: aws.clusterLogging, rolePropagationTimeoutMs: aws.rolePropagationTimeoutMs };
    const cluster = await p.step(() => ensureCluster(op, clients.eks, config, settings), () => `EKS cluster ${config.name} (ACTIVE)`);
    const groups = await Promise.all(
      config.nodePools.map((pool) => p.step(() => ensureNodegroup(op, clients.eks, config, pool, { nodeRoleArn, subnetIds: network.nodeSubnetIds }), () => `node group ${pool.name} (ACTIVE)`)),
    );
    return toClusterInfo(cluster, groups, aws.region);
  }

  /** Load balancers first (their ELBs live in the VPC and would block its deletion), then the cluster, roles and VPC Gati made. */
  protected async deprovision(op: Operation, name: string, aws: ResolvedAwsConfig): Promise<boolean> {
    const { clients } = this.ready();
    const cluster = await op.call(`describing cluster ${name}`, () => describeCluster(clients.eks, name, op.signal));
    if (cluster?.status === 'ACTIVE') await this.loadBalancing.deleteAll(name, op);
    const hadCluster = await deleteEks(op, clients.eks, name);
    const owner = { name, region: aws.region };
    const hadClusterRole = await deleteOwnedRole(op, clients.iam, owner, 'cluster');
    const hadNodeRole = await deleteOwnedRole(op, clients.iam, owner, 'node');
    const hadNetwork = await deleteOwnedNetwork(op, clients.ec2, name);
    return hadCluster || hadClusterRole || hadNodeRole || hadNetwork;
  }

  protected async readCluster(op: Operation, name: string, aws: ResolvedAwsConfig): Promise<ClusterInfo | undefined> {
    const { clients } = this.ready();
    const cluster = await op.call(`describing cluster ${name}`, () => describeCluster(clients.eks, name));
    if (!cluster) return undefined;
    const names = await listNodegroups(op, clients.eks, name);
    const groups = (await Promise.all(names.map((g) => op.call(`describing node group ${g}`, () => describeNodegroup(clients.eks, name, g))))).filter((g): g is Nodegroup => g !== undefined);
    return toClusterInfo(cluster, groups, aws.region);
  }

  /** A fresh EKS token for the cluster, minted in-process from the provider's credentials. */
  async getToken(clusterName: string): Promise<EksToken> {
    const { clients, config: aws } = this.ready();
    let credentials;
    try {
      credentials = await clients.eks.config.credentials();
    } catch (error) {
      throw new GatiError('UNAUTHENTICATED', redact(`No AWS credentials to sign an EKS token: ${(error as Error).message}`), { provider: 'aws', cause: error });
    }
    return mintEksToken({ clusterName, region: aws.region, credentials });
  }

  async getKubeconfig(clusterName: string, options: KubeconfigOptions = {}): Promise<string> {
    const { clients, config: aws } = this.ready();
    const cluster = await this.activeCluster(clients, clusterName);
    const user =
      options.auth === 'token'
        ? { token: (await this.getToken(clusterName)).token }
        : {
            exec: {
              command: 'aws',
              args: ['--region', aws.region, 'eks', 'get-token', '--cluster-name', clusterName, '--output', 'json'],
              ...(aws.profile ? { env: [{ name: 'AWS_PROFILE', value: aws.profile }] } : {}),
            },
          };
    return renderKubeconfig({
      name: cluster.arn ?? clusterName,
      server: cluster.endpoint ?? '',
      caPem: Buffer.from(cluster.certificateAuthority?.data ?? '', 'base64').toString('utf8'),
      user,
    });
  }

  protected putSecret(op: Operation, config: SecretConfig): Promise<SecretRef> {
    const { clients, config: aws } = this.ready();
    return storeSecret(op, clients.secrets, config, aws.restoreDeletedSecrets);
  }

  protected getSecret(op: Operation, name: string): Promise<Record<string, string>> {
    return retrieveSecret(op, this.ready().clients.secrets, name);
  }

  protected removeSecret(op: Operation, name: string, options: DeleteSecretOptions): Promise<void> {
    return deleteSecret(op, this.ready().clients.secrets, name, options);
  }

  /** The ACTIVE cluster's description (endpoint and CA), or NOT_FOUND / CONFLICT. */
  private async activeCluster(clients: AwsClients, name: string): Promise<Cluster> {
    const op = this.operation('describeCluster', {}, QUICK_OPERATION_TIMEOUT_MS);
    const cluster = await op.call(`describing cluster ${name}`, () => describeCluster(clients.eks, name)).catch((e: unknown) => {
      throw mapAwsError(e, `reading cluster ${name}`);
    });
    if (!cluster) throw this.notFound(name);
    if (cluster.status !== 'ACTIVE' || !cluster.endpoint || !cluster.certificateAuthority?.data) {
      throw new GatiError('CONFLICT', `Cluster "${name}" is ${cluster.status ?? 'not ready'}; its API server is available once it is ACTIVE.`, { provider: 'aws' });
    }
    return cluster;
  }
}
