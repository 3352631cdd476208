import type { Cluster, Nodegroup } from '@aws-sdk/client-eks';
import {
  ClusterConfigSchema,
  GatiError,
  noopLogger,
  parseConfig,
  Provisioning,
  renderKubeconfig,
  SecretConfigSchema,
  SecretNameSchema,
  validateWithSchema,
  type BaseProviderConfig,
  type ClusterConfig,
  type ClusterConfigInput,
  type ClusterInfo,
  type DeleteSecretOptions,
  type ICloudProvider,
  type KubeconfigOptions,
  type LoadBalancerConfigInput,
  type LoadBalancerInfo,
  type LoadBalancerRef,
  type Logger,
  type Operation,
  type OperationOptions,
  type ProvisioningPlan,
  type SecretConfig,
  type SecretRef,
  type ValidationResult,
} from '@gati-framework/core';
import { mintEksToken, type EksToken } from '../auth/eks-token.js';
import { deleteEks, describeCluster, describeNodegroup, ensureCluster, ensureNodegroup, listNodegroups, planEks, toClusterInfo } from '../eks/cluster.js';
import { mapAwsError, redact } from '../errors/map-error.js';
import { deleteOwnedRole, ensureRole, planRole } from '../iam/roles.js';
import { deleteOwnedNetwork, ensureNetwork, planNetwork } from '../network/network.js';
import { deleteSecret, retrieveSecret, storeSecret } from '../secrets/secrets.js';
import { createClients, destroyClients, type AwsClients } from './clients.js';
import { AwsProviderConfigSchema, resolveAwsConfig, type AwsProviderConfig, type ResolvedAwsConfig } from './config.js';
import { awsOperation, QUICK_OPERATION_TIMEOUT_MS } from './operation.js';
import { awsLoadBalancerAnnotations } from '../load-balancer/aws-annotations.js';
import { createLoadBalancer, deleteAllLoadBalancers, deleteLoadBalancer, KubeClient } from '@gati-framework/kubernetes';

/**
 * The AWS provider: EKS clusters with their IAM roles, VPC and managed node
 * groups; kubeconfigs with in-process tokens; load balancers through the
 * AWS Load Balancer Controller; Secrets Manager.
 */
export class AWSCloudProvider implements ICloudProvider {
  readonly name = 'aws';
  private config: ResolvedAwsConfig | undefined;
  private clients: AwsClients | undefined;
  private logger: Logger = noopLogger;

  /** Resolves region, endpoint and credentials; the credentials themselves are read lazily by the SDK. */
  async initialize(input: BaseProviderConfig | AwsProviderConfig = {}): Promise<void> {
    const parsed = parseConfig(AwsProviderConfigSchema, input, 'AWS provider config');
    const resolved = resolveAwsConfig(parsed);
    if (!resolved.region) {
      throw new GatiError('INVALID_CONFIG', 'No AWS region: pass { region } to initialize() or set AWS_REGION.', { provider: 'aws', details: { issues: [{ path: 'region', message: 'required', code: 'custom' }] } });
    }
    if (this.clients) destroyClients(this.clients);
    this.config = { ...resolved, region: resolved.region };
    this.logger = (input as { logger?: Logger }).logger?.child({ provider: 'aws' }) ?? noopLogger;
    this.clients = createClients(this.config);
    this.logger.debug('initialized', { region: this.config.region, endpoint: this.config.endpoint ?? 'default' });
  }

  async validateConfig(config: unknown): Promise<ValidationResult> {
    return validateWithSchema(ClusterConfigSchema, config);
  }

  async planCluster(input: ClusterConfigInput): Promise<ProvisioningPlan> {
    const { clients, config: aws } = this.ready();
    const config = this.parseCluster(input);
    const op = this.operation('planCluster', {}, QUICK_OPERATION_TIMEOUT_MS);
    try {
      const cluster = { name: config.name, region: aws.region };
      const steps = [
        await planRole(op, clients.iam, cluster, 'cluster'),
        await planRole(op, clients.iam, cluster, 'node'),
        ...(await planNetwork(op, clients.ec2, config)),
        ...(await planEks(op, clients.eks, config)),
      ];
      return { provider: this.name, clusterName: config.name, steps };
    } catch (error) {
      throw mapAwsError(error, `planning cluster ${config.name}`);
    }
  }

  async createCluster(input: ClusterConfigInput, options: OperationOptions = {}): Promise<ClusterInfo> {
    const { clients, config: aws } = this.ready();
    const config = this.parseCluster(input);
    const op = this.operation('createCluster', options);
    const job = new Provisioning(op, { resource: `cluster/${config.name}`, what: `creating cluster ${config.name}`, resume: 'call createCluster again to resume' });
    return job.run(
      `creating EKS cluster ${config.name} in ${aws.region}`,
      async (p) => {
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
          config.nodePools.map((pool) =>
            p.step(() => ensureNodegroup(op, clients.eks, config, pool, { nodeRoleArn, subnetIds: network.nodeSubnetIds }), () => `node group ${pool.name} (ACTIVE)`),
          ),
        );
        return toClusterInfo(cluster, groups, aws.region);
      },
      (info) => `cluster ${config.name} is ACTIVE with ${info.nodePools.length} node group(s)`,
    );
  }

  async deleteCluster(name: string, options: OperationOptions = {}): Promise<void> {
    const { clients, config: aws } = this.ready();
    const op = this.operation('deleteCluster', options);
    const top = `cluster/${name}`;
    op.step(top, 'started', `deleting EKS cluster ${name} and what Gati created for it`);
    try {
      await this.deleteLoadBalancersOf(op, clients, name);
      const hadCluster = await deleteEks(op, clients.eks, name);
      const owner = { name, region: aws.region };
      const hadClusterRole = await deleteOwnedRole(op, clients.iam, owner, 'cluster');
      const hadNodeRole = await deleteOwnedRole(op, clients.iam, owner, 'node');
      const hadNetwork = await deleteOwnedNetwork(op, clients.ec2, name);
      if (!hadCluster && !hadClusterRole && !hadNodeRole && !hadNetwork) {
        throw new GatiError('NOT_FOUND', `Cluster "${name}" does not exist in ${aws.region} (nor any role or VPC Gati created for it).`, { provider: 'aws' });
      }
      op.step(top, 'succeeded', `cluster ${name} deleted`);
    } catch (error) {
      const mapped = mapAwsError(error, `deleting cluster ${name}`);
      op.step(top, 'failed', mapped.message);
      throw mapped;
    }
  }

  /**
   * Load balancers first: their ELBs live in the VPC and would block its deletion.
   * An unreachable API server (private endpoint, revoked access) is logged and skipped.
   */
  private async deleteLoadBalancersOf(op: Operation, clients: AwsClients, name: string): Promise<void> {
    const cluster = await op.call(`describing cluster ${name}`, () => describeCluster(clients.eks, name, op.signal));
    if (cluster?.status !== 'ACTIVE') return;
    let kube: KubeClient | undefined;
    try {
      kube = await this.kubeClient(name);
      // Progress relayed through the cluster's operation: its name and elapsed time, not a nested one's.
      const count = await deleteAllLoadBalancers(name, { kube, provider: 'aws', signal: op.signal, timeoutMs: op.remainingMs(), onProgress: (e) => op.step(e.resource, e.phase, e.message) });
      if (count > 0) this.logger.info('deleted load balancers before the cluster', { cluster: name, count });
    } catch (error) {
      const mapped = mapAwsError(error, `deleting the load balancers of ${name}`);
      if (mapped.code === 'ABORTED' || mapped.code === 'TIMEOUT' || mapped.code === 'PERMISSION_DENIED') throw mapped;
      this.logger.warn('could not reach the cluster to delete its load balancers; continuing', { cluster: name, code: mapped.code, error: mapped.message });
    } finally {
      kube?.close();
    }
  }

  async getCluster(name: string): Promise<ClusterInfo> {
    const { clients, config: aws } = this.ready();
    const op = this.operation('getCluster', {}, QUICK_OPERATION_TIMEOUT_MS);
    try {
      const cluster = await op.call(`describing cluster ${name}`, () => describeCluster(clients.eks, name));
      if (!cluster) throw new GatiError('NOT_FOUND', `Cluster "${name}" does not exist in ${aws.region}.`, { provider: 'aws' });
      const names = await listNodegroups(op, clients.eks, name);
      const groups = (await Promise.all(names.map((g) => op.call(`describing node group ${g}`, () => describeNodegroup(clients.eks, name, g))))).filter((g): g is Nodegroup => g !== undefined);
      return toClusterInfo(cluster, groups, aws.region);
    } catch (error) {
      throw mapAwsError(error, `reading cluster ${name}`);
    }
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

  async createLoadBalancer(input: LoadBalancerConfigInput, options: OperationOptions = {}): Promise<LoadBalancerInfo> {
    const { config: aws } = this.ready();
    const kube = (clusterName: string): Promise<KubeClient> => this.kubeClient(clusterName);
    return createLoadBalancer(input, { ...options, timeoutMs: options.timeoutMs ?? aws.operationTimeoutMs, kube, annotations: awsLoadBalancerAnnotations, provider: 'aws' });
  }

  async deleteLoadBalancer(ref: LoadBalancerRef, options: OperationOptions = {}): Promise<void> {
    const { config: aws } = this.ready();
    const kube = (clusterName: string): Promise<KubeClient> => this.kubeClient(clusterName);
    return deleteLoadBalancer(ref, { ...options, timeoutMs: options.timeoutMs ?? aws.operationTimeoutMs, kube, provider: 'aws' });
  }

  async storeSecret(input: SecretConfig): Promise<SecretRef> {
    const { clients, config: aws } = this.ready();
    const config = parseConfig(SecretConfigSchema, input, 'secret config');
    try {
      return await storeSecret(this.operation('storeSecret', {}, QUICK_OPERATION_TIMEOUT_MS), clients.secrets, config, aws.restoreDeletedSecrets);
    } catch (error) {
      throw mapAwsError(error, `storing secret ${config.name}`);
    }
  }

  async retrieveSecret(name: string): Promise<Record<string, string>> {
    const { clients } = this.ready();
    parseConfig(SecretNameSchema, name, 'secret name');
    try {
      return await retrieveSecret(this.operation('retrieveSecret', {}, QUICK_OPERATION_TIMEOUT_MS), clients.secrets, name);
    } catch (error) {
      throw mapAwsError(error, `reading secret ${name}`);
    }
  }

  async deleteSecret(name: string, options: DeleteSecretOptions = {}): Promise<void> {
    const { clients } = this.ready();
    parseConfig(SecretNameSchema, name, 'secret name');
    try {
      await deleteSecret(this.operation('deleteSecret', {}, QUICK_OPERATION_TIMEOUT_MS), clients.secrets, name, options);
    } catch (error) {
      throw mapAwsError(error, `deleting secret ${name}`);
    }
  }

  async close(): Promise<void> {
    if (this.clients) destroyClients(this.clients);
    this.clients = undefined;
    this.config = undefined;
  }

  /** A Kubernetes client for the cluster, authenticated with a freshly minted EKS token (~14 minutes); `close()` it after use. */
  private async kubeClient(clusterName: string): Promise<KubeClient> {
    return KubeClient.fromKubeconfig(await this.getKubeconfig(clusterName, { auth: 'token' }), { logger: this.logger });
  }

  /** The ACTIVE cluster's description (endpoint and CA), or NOT_FOUND / CONFLICT. */
  private async activeCluster(clients: AwsClients, name: string): Promise<Cluster> {
    const op = this.operation('describeCluster', {}, QUICK_OPERATION_TIMEOUT_MS);
    const cluster = await op.call(`describing cluster ${name}`, () => describeCluster(clients.eks, name)).catch((e: unknown) => {
      throw mapAwsError(e, `reading cluster ${name}`);
    });
    if (!cluster) throw new GatiError('NOT_FOUND', `Cluster "${name}" does not exist in ${this.config?.region ?? 'this region'}.`, { provider: 'aws' });
    if (cluster.status !== 'ACTIVE' || !cluster.endpoint || !cluster.certificateAuthority?.data) {
      throw new GatiError('CONFLICT', `Cluster "${name}" is ${cluster.status ?? 'not ready'}; its API server is available once it is ACTIVE.`, { provider: 'aws' });
    }
    return cluster;
  }

  /** The initialized clients and config, or NOT_INITIALIZED. */
  private ready(): { clients: AwsClients; config: ResolvedAwsConfig } {
    if (!this.clients || !this.config) {
      throw new GatiError('NOT_INITIALIZED', 'The aws provider is not initialized (or was closed): call initialize(config) first.', { provider: 'aws' });
    }
    return { clients: this.clients, config: this.config };
  }

  /** An operation with this provider's error model and delays; quick calls pass a shorter default deadline. */
  private operation(name: string, options: OperationOptions, defaultTimeoutMs?: number): Operation {
    const { config } = this.ready();
    return awsOperation(name, options, config, defaultTimeoutMs);
  }

  private parseCluster(input: ClusterConfigInput): ClusterConfig {
    const config = parseConfig(ClusterConfigSchema, input, 'cluster config');
    if (config.region && this.config && config.region !== this.config.region) {
      throw new GatiError('INVALID_CONFIG', `The cluster config names region ${config.region}, but this provider works in ${this.config.region}: initialize a provider for ${config.region}.`, {
        provider: 'aws',
        details: { issues: [{ path: 'region', message: `must be ${this.config.region} for this provider`, code: 'custom' }] },
      });
    }
    return config;
  }
}
