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
import { createLoadBalancer, deleteAllLoadBalancers, deleteLoadBalancer, KubeClient } from '@gati-framework/kubernetes';
import type { AuthClient } from 'google-auth-library';
import { mapGcpError, redact } from '../errors/gcp-errors.js';
import { deleteGke, ensureCluster, ensureNodePool, planGke, readCluster, toClusterInfo } from '../gke/cluster.js';
import { gcpLoadBalancerAnnotations } from '../load-balancer/gcp-annotations.js';
import { deleteNetwork, ensureNetwork, planNetwork } from '../network/network.js';
import { deleteSecret, retrieveSecret, storeSecret, type SecretStoreOptions } from '../secrets/secrets.js';
import { closeClients, createClients, type GcpClients } from './clients.js';
import { GcpProviderConfigSchema, resolveGcpConfig, type GcpProviderConfig, type ResolvedGcpConfig } from './config.js';
import { checkClusterConfig } from './validate.js';
import { gcpOperation, QUICK_OPERATION_TIMEOUT_MS } from './operation.js';

/**
 * The GCP provider: regional (or zonal) VPC-native GKE clusters with one node pool per config
 * pool; kubeconfigs with gke-gcloud-auth-plugin or an in-process access token; load balancers
 * through GKE's own controllers; Secret Manager.
 */
export class GCPCloudProvider implements ICloudProvider {
  readonly name = 'gcp';
  private config: ResolvedGcpConfig | undefined;
  private clients: GcpClients | undefined;
  private secretOptions: SecretStoreOptions = {};
  private logger: Logger = noopLogger;

  /** Resolves project, region, endpoints and credentials; nothing is written to process.env. */
  async initialize(input: BaseProviderConfig | GcpProviderConfig = {}): Promise<void> {
    const { authClient, logger, ...rest } = input as GcpProviderConfig;
    const parsed = parseConfig(GcpProviderConfigSchema, rest, 'GCP provider config');
    const secrets: SecretStoreOptions = { ...(parsed.secrets?.replicaLocations ? { replicaLocations: parsed.secrets.replicaLocations } : {}), ...(parsed.secrets?.keepVersions ? { keepVersions: parsed.secrets.keepVersions } : {}) };
    const resolved = resolveGcpConfig(parsed);
    if (this.clients) await closeClients(this.clients);
    this.config = resolved;
    this.secretOptions = secrets;
    this.logger = logger?.child({ provider: 'gcp' }) ?? noopLogger;
    this.clients = await createClients(resolved, authClient as AuthClient | undefined);
    this.logger.debug('initialized', { project: resolved.projectId, location: resolved.location, transport: resolved.transport });
  }

  async validateConfig(config: unknown): Promise<ValidationResult> {
    const result = validateWithSchema(ClusterConfigSchema, config);
    if (!result.valid) return result;
    const issues = checkClusterConfig(config as ClusterConfig, this.config?.masterIpv4CidrBlock ?? '172.16.0.0/28');
    return { ...result, valid: issues.length === 0, errors: issues };
  }

  async planCluster(input: ClusterConfigInput): Promise<ProvisioningPlan> {
    const { clients, config: gcp } = this.ready();
    const config = this.parseCluster(input);
    try {
      const op = this.operation('planCluster', {}, QUICK_OPERATION_TIMEOUT_MS);
      const steps = [...(await planNetwork(op, clients.compute, gcp, config)), ...(await planGke(op, clients.container, gcp, config))];
      return { provider: this.name, clusterName: config.name, steps };
    } catch (error) {
      throw mapGcpError(error, `planning cluster ${config.name}`);
    }
  }

  async createCluster(input: ClusterConfigInput, options: OperationOptions = {}): Promise<ClusterInfo> {
    const { clients, config: gcp } = this.ready();
    const config = this.parseCluster(input);
    const op = this.operation('createCluster', options);
    const job = new Provisioning(op, { resource: `cluster/${config.name}`, what: `creating cluster ${config.name}`, resume: 'call createCluster again to resume' });
    return job.run(
      `creating GKE cluster ${config.name} in ${gcp.location} (project ${gcp.projectId})`,
      async (p) => {
        const net = await p.step(() => ensureNetwork(op, clients.compute, gcp, config), (n) => `network ${n.network}, subnetwork ${n.subnetwork}`);
        await p.step(() => ensureCluster(op, clients.container, gcp, config, net), () => `GKE cluster ${config.name} (RUNNING)`);
        for (const pool of config.nodePools) {
          await p.step(() => ensureNodePool(op, clients.container, gcp, config, pool), () => `node pool ${pool.name} (RUNNING)`);
        }
        const cluster = await op.call(`reading cluster ${config.name}`, () => readCluster(clients.container, gcp, config.name));
        if (!cluster) throw new GatiError('NOT_FOUND', `Cluster ${config.name} disappeared after it was created.`, { provider: 'gcp' });
        return toClusterInfo(cluster, gcp);
      },
      (info) => `cluster ${config.name} is RUNNING with ${info.nodePools.length} node pool(s)`,
    );
  }

  async deleteCluster(name: string, options: OperationOptions = {}): Promise<void> {
    const { clients, config: gcp } = this.ready();
    const op = this.operation('deleteCluster', options);
    const top = `cluster/${name}`;
    op.step(top, 'started', `deleting GKE cluster ${name} and what Gati created for it`);
    try {
      await this.deleteLoadBalancersOf(op, name);
      const had = await deleteGke(op, clients.container, gcp, name);
      // The router, subnetwork and network Gati made for it (by their description); a user's own are left alone.
      const removed = await deleteNetwork(op, clients.compute, gcp, name);
      if (!had && removed.length === 0) throw new GatiError('NOT_FOUND', `Cluster "${name}" does not exist in ${gcp.location} of project ${gcp.projectId}.`, { provider: 'gcp' });
      op.step(top, 'succeeded', `cluster ${name} deleted`);
    } catch (error) {
      const mapped = mapGcpError(error, `deleting cluster ${name}`);
      op.step(top, 'failed', mapped.message);
      throw mapped;
    }
  }

  /** Load balancers first: their forwarding rules and NEGs outlive the cluster otherwise. An unreachable API server is logged and skipped. */
  private async deleteLoadBalancersOf(op: Operation, name: string): Promise<void> {
    const { clients, config: gcp } = this.ready();
    const cluster = await op.call(`reading cluster ${name}`, () => readCluster(clients.container, gcp, name));
    if (String(cluster?.status ?? '') !== 'RUNNING') return;
    let kube: KubeClient | undefined;
    try {
      kube = await this.kubeClient(name);
      const count = await deleteAllLoadBalancers(name, { kube, provider: 'gcp', signal: op.signal, timeoutMs: op.remainingMs(), onProgress: (e) => op.step(e.resource, e.phase, e.message) });
      if (count > 0) this.logger.info('deleted load balancers before the cluster', { cluster: name, count });
    } catch (error) {
      const mapped = mapGcpError(error, `deleting the load balancers of ${name}`);
      if (mapped.code === 'ABORTED' || mapped.code === 'TIMEOUT' || mapped.code === 'PERMISSION_DENIED') throw mapped;
      this.logger.warn('could not reach the cluster to delete its load balancers; continuing', { cluster: name, code: mapped.code, error: mapped.message });
    } finally {
      kube?.close();
    }
  }

  async getCluster(name: string): Promise<ClusterInfo> {
    const { clients, config: gcp } = this.ready();
    const op = this.operation('getCluster', {}, QUICK_OPERATION_TIMEOUT_MS);
    try {
      const cluster = await op.call(`reading cluster ${name}`, () => readCluster(clients.container, gcp, name));
      if (!cluster) throw new GatiError('NOT_FOUND', `Cluster "${name}" does not exist in ${gcp.location} of project ${gcp.projectId}.`, { provider: 'gcp' });
      return toClusterInfo(cluster, gcp);
    } catch (error) {
      throw mapGcpError(error, `reading cluster ${name}`);
    }
  }

  /** An OAuth access token minted in-process from the provider's credentials. */
  async getToken(): Promise<string> {
    const { clients } = this.ready();
    try {
      return await clients.accessToken();
    } catch (error) {
      throw new GatiError('UNAUTHENTICATED', redact(`No Google access token from the credentials: ${(error as Error).message}`), { provider: 'gcp', cause: error });
    }
  }

  /**
   * Context `gke_PROJECT_LOCATION_NAME` as `gcloud container clusters get-credentials` writes it;
   * by default an exec user running gke-gcloud-auth-plugin, with `auth: 'token'` an access token.
   */
  async getKubeconfig(clusterName: string, options: KubeconfigOptions = {}): Promise<string> {
    const { clients, config: gcp } = this.ready();
    const op = this.operation('getKubeconfig', {}, QUICK_OPERATION_TIMEOUT_MS);
    const cluster = await op.call(`reading cluster ${clusterName}`, () => readCluster(clients.container, gcp, clusterName)).catch((e: unknown) => {
      throw mapGcpError(e, `reading cluster ${clusterName}`);
    });
    if (!cluster) throw new GatiError('NOT_FOUND', `Cluster "${clusterName}" does not exist in ${gcp.location} of project ${gcp.projectId}.`, { provider: 'gcp' });
    const ca = cluster.masterAuth?.clusterCaCertificate;
    if (String(cluster.status) !== 'RUNNING' || !cluster.endpoint || !ca) {
      throw new GatiError('CONFLICT', `Cluster "${clusterName}" is ${String(cluster.status ?? 'not ready')}; its API server is available once it is RUNNING.`, { provider: 'gcp' });
    }
    const user =
      options.auth === 'token'
        ? { token: await this.getToken() }
        : { exec: { command: 'gke-gcloud-auth-plugin', args: [] as string[], apiVersion: 'client.authentication.k8s.io/v1beta1' } };
    const yaml = renderKubeconfig({
      name: `gke_${gcp.projectId}_${gcp.location}_${clusterName}`,
      server: `https://${cluster.endpoint}`,
      caPem: Buffer.from(ca, 'base64').toString('utf8'),
      user,
    });
    // gke-gcloud-auth-plugin reads the cluster from KUBERNETES_EXEC_INFO, as gcloud's kubeconfig asks for it.
    return options.auth === 'token' ? yaml : yaml.replace('provideClusterInfo: false', 'provideClusterInfo: true');
  }

  async createLoadBalancer(input: LoadBalancerConfigInput, options: OperationOptions = {}): Promise<LoadBalancerInfo> {
    const { config: gcp } = this.ready();
    const kube = (clusterName: string): Promise<KubeClient> => this.kubeClient(clusterName);
    return createLoadBalancer(input, { ...options, timeoutMs: options.timeoutMs ?? gcp.operationTimeoutMs, kube, annotations: gcpLoadBalancerAnnotations, provider: 'gcp' });
  }

  async deleteLoadBalancer(ref: LoadBalancerRef, options: OperationOptions = {}): Promise<void> {
    const { config: gcp } = this.ready();
    const kube = (clusterName: string): Promise<KubeClient> => this.kubeClient(clusterName);
    return deleteLoadBalancer(ref, { ...options, timeoutMs: options.timeoutMs ?? gcp.operationTimeoutMs, kube, provider: 'gcp' });
  }

  async storeSecret(input: SecretConfig): Promise<SecretRef> {
    const { clients, config: gcp } = this.ready();
    const config = parseConfig(SecretConfigSchema, input, 'secret config');
    try {
      return await storeSecret(this.operation('storeSecret', {}, QUICK_OPERATION_TIMEOUT_MS), clients.secrets, gcp.projectId, config, this.secretOptions);
    } catch (error) {
      throw mapGcpError(error, `storing secret ${config.name}`);
    }
  }

  async retrieveSecret(name: string): Promise<Record<string, string>> {
    const { clients, config: gcp } = this.ready();
    parseConfig(SecretNameSchema, name, 'secret name');
    try {
      return await retrieveSecret(this.operation('retrieveSecret', {}, QUICK_OPERATION_TIMEOUT_MS), clients.secrets, gcp.projectId, name);
    } catch (error) {
      throw mapGcpError(error, `reading secret ${name}`);
    }
  }

  async deleteSecret(name: string, options: DeleteSecretOptions = {}): Promise<void> {
    const { clients, config: gcp } = this.ready();
    parseConfig(SecretNameSchema, name, 'secret name');
    try {
      await deleteSecret(this.operation('deleteSecret', {}, QUICK_OPERATION_TIMEOUT_MS), clients.secrets, gcp.projectId, name, options);
    } catch (error) {
      throw mapGcpError(error, `deleting secret ${name}`);
    }
  }

  async close(): Promise<void> {
    if (this.clients) await closeClients(this.clients);
    this.clients = undefined;
    this.config = undefined;
  }

  /** A Kubernetes client for the cluster with a fresh access token; `close()` it after use. */
  private async kubeClient(clusterName: string): Promise<KubeClient> {
    return KubeClient.fromKubeconfig(await this.getKubeconfig(clusterName, { auth: 'token' }), { logger: this.logger });
  }

  private ready(): { clients: GcpClients; config: ResolvedGcpConfig } {
    if (!this.clients || !this.config) {
      throw new GatiError('NOT_INITIALIZED', 'The gcp provider is not initialized (or was closed): call initialize(config) first.', { provider: 'gcp' });
    }
    return { clients: this.clients, config: this.config };
  }

  private operation(name: string, options: OperationOptions, defaultTimeoutMs?: number): Operation {
    return gcpOperation(name, options, this.ready().config, defaultTimeoutMs);
  }

  /** Core's schema, then GCP's own rules (machine types, CIDRs, region), all as INVALID_CONFIG with paths. */
  private parseCluster(input: ClusterConfigInput): ClusterConfig {
    const { config: gcp } = this.ready();
    const config = parseConfig(ClusterConfigSchema, input, 'cluster config');
    const issues = checkClusterConfig(config, gcp.masterIpv4CidrBlock);
    if (config.region && config.region !== gcp.region) issues.push({ path: 'region', message: `must be ${gcp.region} for this provider`, code: 'custom' });
    if (issues.length > 0) {
      throw new GatiError('INVALID_CONFIG', `Invalid cluster config: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`, { provider: 'gcp', details: { issues } });
    }
    return config;
  }
}
