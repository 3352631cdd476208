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
  type ValidationIssue,
} from '@gati-framework/core';
import { kubernetesLoadBalancing } from '@gati-framework/kubernetes';
import type { AuthClient } from 'google-auth-library';
import { gcpErrors, mapGcpError, redact } from '../errors/gcp-errors.js';
import { deleteGke, ensureCluster, ensureNodePool, planGke, readCluster, toClusterInfo } from '../gke/cluster.js';
import { gcpLoadBalancerAnnotations } from '../load-balancer/gcp-annotations.js';
import { deleteNetwork, ensureNetwork, planNetwork } from '../network/network.js';
import { deleteSecret, retrieveSecret, storeSecret, type SecretStoreOptions } from '../secrets/secrets.js';
import { closeClients, createClients, type GcpClients } from './clients.js';
import { GcpProviderConfigSchema, resolveGcpConfig, type GcpProviderConfig, type ResolvedGcpConfig } from './config.js';
import { checkClusterConfig } from './validate.js';

/** The resolved config and the Secret Manager store's options. */
type GcpSettings = ResolvedGcpConfig & { secretStore: SecretStoreOptions };

/** Options (and the gcloud variables) → the resolved config; the auth client and logger are not part of it. */
function resolveConfig(input: BaseProviderConfig): GcpSettings {
  const { authClient: _auth, logger: _logger, ...rest } = input as GcpProviderConfig;
  const parsed = parseConfig(GcpProviderConfigSchema, rest, 'GCP provider config');
  const secrets = parsed.secrets;
  return {
    ...resolveGcpConfig(parsed),
    secretStore: { ...(secrets?.replicaLocations ? { replicaLocations: secrets.replicaLocations } : {}), ...(secrets?.keepVersions ? { keepVersions: secrets.keepVersions } : {}) },
  };
}

/**
 * The GCP provider: regional (or zonal) VPC-native GKE clusters with one node pool per config
 * pool; kubeconfigs with gke-gcloud-auth-plugin or an in-process access token; load balancers
 * through GKE's own controllers; Secret Manager.
 */
export class GCPCloudProvider extends ManagedCloudProvider<GcpSettings, GcpClients> {
  protected readonly kind = 'GKE';

  constructor() {
    super(
      {
        name: 'gcp',
        errors: gcpErrors,
        resolveConfig,
        openClients: (config, input) => createClients(config, (input as GcpProviderConfig).authClient as AuthClient | undefined),
        closeClients,
        region: (gcp) => gcp.region,
        scope: (gcp) => `${gcp.location} of project ${gcp.projectId}`,
        describe: (gcp) => ({ project: gcp.projectId, location: gcp.location, transport: gcp.transport }),
      },
      kubernetesLoadBalancing({ provider: 'gcp', annotations: gcpLoadBalancerAnnotations, kubeconfig: (name) => this.getKubeconfig(name, { auth: 'token' }), logger: () => this.logger }),
    );
  }

  /** Resolves project, region, endpoints and credentials; nothing is written to process.env. */
  override async initialize(input: BaseProviderConfig | GcpProviderConfig = {}): Promise<void> {
    return super.initialize(input);
  }

  protected async planSteps(op: Operation, config: ClusterConfig, gcp: GcpSettings): Promise<PlanStep[]> {
    const { clients } = this.ready();
    return [...(await planNetwork(op, clients.compute, gcp, config)), ...(await planGke(op, clients.container, gcp, config))];
  }

  protected async provision(p: Provisioning, op: Operation, config: ClusterConfig, gcp: GcpSettings): Promise<ClusterInfo> {
    const { clients } = this.ready();
    const net = await p.step(() => ensureNetwork(op, clients.compute, gcp, config), (n) => `network ${n.network}, subnetwork ${n.subnetwork}`, (n) => `network/${n.network}`);
    await p.step(() => ensureCluster(op, clients.container, gcp, config, net), () => `GKE cluster ${config.name} (RUNNING)`, `gke-cluster/${config.name}`);
    for (const pool of config.nodePools) {
      await p.step(() => ensureNodePool(op, clients.container, gcp, config, pool), () => `node pool ${pool.name} (RUNNING)`, `node-pool/${config.name}/${pool.name}`);
    }
    const cluster = await op.call(`reading cluster ${config.name}`, () => readCluster(clients.container, gcp, config.name));
    if (!cluster) throw new GatiError('NOT_FOUND', `Cluster ${config.name} disappeared after it was created.`, { provider: 'gcp' });
    return toClusterInfo(cluster, gcp);
  }

  /**
   * Load balancers first (their forwarding rules and NEGs outlive the cluster otherwise), the
   * cluster, then the router, subnetwork and network Gati made for it (by their description; a
   * user's own are left alone).
   */
  protected async deprovision(op: Operation, name: string, gcp: GcpSettings): Promise<boolean> {
    const { clients } = this.ready();
    const cluster = await op.call(`reading cluster ${name}`, () => readCluster(clients.container, gcp, name));
    if (String(cluster?.status ?? '') === 'RUNNING') await this.loadBalancing.deleteAll(name, op);
    const had = await deleteGke(op, clients.container, gcp, name);
    const removed = await deleteNetwork(op, clients.compute, gcp, name);
    return had || removed.length > 0;
  }

  protected async readCluster(op: Operation, name: string, gcp: GcpSettings): Promise<ClusterInfo | undefined> {
    const { clients } = this.ready();
    const cluster = await op.call(`reading cluster ${name}`, () => readCluster(clients.container, gcp, name));
    return cluster ? toClusterInfo(cluster, gcp) : undefined;
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
    if (!cluster) throw this.notFound(clusterName);
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

  protected putSecret(op: Operation, config: SecretConfig): Promise<SecretRef> {
    const { clients, config: gcp } = this.ready();
    return storeSecret(op, clients.secrets, gcp.projectId, config, gcp.secretStore);
  }

  protected getSecret(op: Operation, name: string): Promise<Record<string, string>> {
    const { clients, config: gcp } = this.ready();
    return retrieveSecret(op, clients.secrets, gcp.projectId, name);
  }

  protected removeSecret(op: Operation, name: string, options: DeleteSecretOptions): Promise<void> {
    const { clients, config: gcp } = this.ready();
    return deleteSecret(op, clients.secrets, gcp.projectId, name, options);
  }

  /** GCP's own rules: machine types, CIDRs (the master range from the config, or GKE's usual one before initialize). */
  protected override clusterIssues(config: ClusterConfig, gcp: GcpSettings | undefined): ValidationIssue[] {
    return checkClusterConfig(config, gcp?.masterIpv4CidrBlock ?? '172.16.0.0/28');
  }
}
