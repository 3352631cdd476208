import {
  ClusterConfigSchema,
  GatiError,
  noopLogger,
  parseConfig,
  Provisioning,
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
import { createLoadBalancer, deleteLoadBalancer, KubeClient } from '@gati-framework/kubernetes';
import { agentPoolSpec, managedClusterSpec } from '../aks/cluster-spec.js';
import { deleteManagedCluster, ensureAgentPool, ensureManagedCluster, getManagedCluster, groupHasClusters, listAgentPools, planAks, toClusterInfo } from '../aks/cluster.js';
import { checkPoolNames } from '../aks/pool-names.js';
import { AKS_TOKEN_SCOPE, aksKubeconfig, kubeloginUser, readAksKubeconfig } from '../auth/kubeconfig.js';
import { mapAzureError, redact } from '../errors/map-error.js';
import { azureLoadBalancerAnnotations } from '../load-balancer/azure-annotations.js';
import { deleteOwnedNetwork, ensureNetwork, groupHasNetworks, planNetwork } from '../network/network.js';
import { deleteOwnedGroup, ensureGroup, planGroup } from '../network/resource-group.js';
import { deleteSecret, retrieveSecret, storeSecret } from '../secrets/key-vault.js';
import { createClients, destroyClients, type AzureClients } from './clients.js';
import { resolveAzureConfig, type AzureProviderConfig, type ResolvedAzureConfig } from './config.js';
import { azureOperation, QUICK_OPERATION_TIMEOUT_MS } from './operation.js';

/**
 * The Azure provider: AKS clusters in a virtual network with zone-spread pools, Entra ID
 * kubeconfigs (kubelogin or an in-process token), load balancers through Kubernetes, Key Vault.
 */
export class AzureCloudProvider implements ICloudProvider {
  readonly name = 'azure';
  private config: ResolvedAzureConfig | undefined;
  private clients: AzureClients | undefined;
  private logger: Logger = noopLogger;

  /** Resolves subscription, resource group, location, endpoints and the credential (tokens are fetched lazily). */
  async initialize(input: BaseProviderConfig | AzureProviderConfig = {}): Promise<void> {
    const config = resolveAzureConfig(input);
    if (this.clients) destroyClients(this.clients);
    this.config = config;
    this.logger = (input as { logger?: Logger }).logger?.child({ provider: 'azure' }) ?? noopLogger;
    this.clients = createClients(config);
    this.logger.debug('initialized', { subscriptionId: config.subscriptionId, resourceGroup: config.resourceGroup, location: config.location, armEndpoint: config.armEndpoint });
  }

  async validateConfig(config: unknown): Promise<ValidationResult> {
    return validateWithSchema(ClusterConfigSchema, config);
  }

  async planCluster(input: ClusterConfigInput): Promise<ProvisioningPlan> {
    const { clients, config: az } = this.ready();
    const config = this.parseCluster(input);
    const op = this.operation('planCluster', {}, QUICK_OPERATION_TIMEOUT_MS);
    try {
      // Reads in a missing resource group answer 404, which the lookups take as "absent".
      const steps = [
        await planGroup(op, clients.resources, this.groupTarget(config)),
        ...(await planNetwork(op, clients.network, config, this.networkTarget(config))),
        ...(await planAks(op, clients.aks, az.resourceGroup, config)),
      ];
      return { provider: this.name, clusterName: config.name, steps };
    } catch (error) {
      throw mapAzureError(error, `planning cluster ${config.name}`);
    }
  }

  async createCluster(input: ClusterConfigInput, options: OperationOptions = {}): Promise<ClusterInfo> {
    const { clients, config: az } = this.ready();
    const config = this.parseCluster(input);
    const op = this.operation('createCluster', options);
    const job = new Provisioning(op, { resource: `cluster/${config.name}`, what: `creating cluster ${config.name}`, resume: 'call createCluster again to resume' });
    const target = { resourceGroup: az.resourceGroup, updateIntervalInMs: az.pollIntervalMs };
    return job.run(
      `creating AKS cluster ${config.name} in ${az.location} (resource group ${az.resourceGroup})`,
      async (p) => {
        await p.step(() => ensureGroup(op, clients.resources, this.groupTarget(config)), (g) => `resource group ${az.resourceGroup}${g.created ? ' (created)' : ''}`);
        const network = await p.step(() => ensureNetwork(op, clients.network, config, this.networkTarget(config)), (n) => `node subnet ${n.subnetId.split('/').slice(-3).join('/')}`);
        const spec = managedClusterSpec({ config, location: az.location, subnetId: network.subnetId, addressSpace: network.addressSpace, settings: az.azure });
        const cluster = await p.step(() => ensureManagedCluster(op, clients.aks, target, config.name, spec), () => `AKS cluster ${config.name} (Succeeded)`);
        // One at a time: AKS refuses a second operation on a cluster while one runs.
        for (const pool of config.nodePools) {
          await p.step(() => ensureAgentPool(op, clients.aks, target, config.name, pool.name, agentPoolSpec(config, pool, az.location, network.subnetId)), (ap) => `agent pool ${ap.name ?? pool.name} (Succeeded)`);
        }
        const pools = await listAgentPools(op, clients.aks, az.resourceGroup, config.name);
        return toClusterInfo(cluster, pools, az.location);
      },
      (info) => `cluster ${config.name} is ACTIVE with ${info.nodePools.length} agent pool(s)`,
    );
  }

  /** Deletes the cluster, then the virtual network and resource group when Gati created them for it (their tags say so). */
  async deleteCluster(name: string, options: OperationOptions = {}): Promise<void> {
    const { clients, config: az } = this.ready();
    const op = this.operation('deleteCluster', options);
    const top = `cluster/${name}`;
    op.step(top, 'started', `deleting AKS cluster ${name} and what Gati created for it`);
    try {
      const target = { resourceGroup: az.resourceGroup, updateIntervalInMs: az.pollIntervalMs };
      const hadCluster = await deleteManagedCluster(op, clients.aks, target, name);
      const hadNetwork = await deleteOwnedNetwork(op, clients.network, az.resourceGroup, name, az.pollIntervalMs);
      const inUse = async (): Promise<boolean> => (await groupHasClusters(op, clients.aks, az.resourceGroup)) || (await groupHasNetworks(op, clients.network, az.resourceGroup));
      const hadGroup = await deleteOwnedGroup(op, clients.resources, az.resourceGroup, name, hadCluster || hadNetwork, inUse, az.pollIntervalMs);
      if (!hadCluster && !hadNetwork && !hadGroup) {
        throw new GatiError('NOT_FOUND', `Cluster "${name}" does not exist in resource group ${az.resourceGroup} (nor any network Gati created for it).`, { provider: 'azure' });
      }
      op.step(top, 'succeeded', `cluster ${name} deleted`);
    } catch (error) {
      const mapped = mapAzureError(error, `deleting cluster ${name}`);
      op.step(top, 'failed', mapped.message);
      throw mapped;
    }
  }

  async getCluster(name: string): Promise<ClusterInfo> {
    const { clients, config: az } = this.ready();
    const op = this.operation('getCluster', {}, QUICK_OPERATION_TIMEOUT_MS);
    try {
      const cluster = await getManagedCluster(op, clients.aks, az.resourceGroup, name);
      if (!cluster) throw new GatiError('NOT_FOUND', `Cluster "${name}" does not exist in resource group ${az.resourceGroup}.`, { provider: 'azure' });
      return toClusterInfo(cluster, await listAgentPools(op, clients.aks, az.resourceGroup, name), az.location);
    } catch (error) {
      throw mapAzureError(error, `reading cluster ${name}`);
    }
  }

  /** An Entra access token for AKS clusters (the AKS server application), minted from the provider's credential. */
  async getToken(): Promise<{ token: string; expiresOnTimestamp: number }> {
    const { clients } = this.ready();
    let token;
    try {
      token = await clients.credential.getToken(AKS_TOKEN_SCOPE);
    } catch (error) {
      throw new GatiError('UNAUTHENTICATED', redact(`No Entra token for AKS: ${(error as Error).message}`), { provider: 'azure', cause: error });
    }
    if (!token) throw new GatiError('UNAUTHENTICATED', 'The Azure credential returned no token for AKS.', { provider: 'azure' });
    return { token: token.token, expiresOnTimestamp: token.expiresOnTimestamp };
  }

  /**
   * From `listClusterUserCredential` (never the admin credentials: they fail without local
   * accounts). Default user: kubelogin exec; `auth: 'token'`: an in-process Entra token.
   */
  async getKubeconfig(clusterName: string, options: KubeconfigOptions = {}): Promise<string> {
    const { clients, config: az } = this.ready();
    const op = this.operation('getKubeconfig', {}, QUICK_OPERATION_TIMEOUT_MS);
    try {
      const cluster = await getManagedCluster(op, clients.aks, az.resourceGroup, clusterName);
      if (!cluster) throw new GatiError('NOT_FOUND', `Cluster "${clusterName}" does not exist in resource group ${az.resourceGroup}.`, { provider: 'azure' });
      if (cluster.provisioningState !== 'Succeeded' && cluster.provisioningState !== 'Updating') {
        throw new GatiError('CONFLICT', `Cluster "${clusterName}" is ${cluster.provisioningState ?? 'not ready'}; its API server is available once it has Succeeded.`, { provider: 'azure' });
      }
      const credentials = await op.call(`listing user credentials of ${clusterName}`, () => clients.aks.managedClusters.listClusterUserCredentials(az.resourceGroup, clusterName, { abortSignal: op.signal }));
      const bytes = credentials.kubeconfigs?.[0]?.value;
      if (!bytes) throw new GatiError('PROVIDER_ERROR', `AKS returned no user kubeconfig for ${clusterName}.`, { provider: 'azure' });
      const raw = readAksKubeconfig(bytes, clusterName);
      const user = options.auth === 'token' ? { token: (await this.getToken()).token } : kubeloginUser(raw.execArgs, az.tenantId, az.kubeloginMode);
      return aksKubeconfig(clusterName, raw.server, raw.caPem, user);
    } catch (error) {
      throw mapAzureError(error, `getting a kubeconfig for ${clusterName}`);
    }
  }

  async createLoadBalancer(input: LoadBalancerConfigInput, options: OperationOptions = {}): Promise<LoadBalancerInfo> {
    const { config: az } = this.ready();
    const kube = (clusterName: string): Promise<KubeClient> => this.kubeClient(clusterName);
    return createLoadBalancer(input, { ...options, timeoutMs: options.timeoutMs ?? az.operationTimeoutMs, kube, annotations: azureLoadBalancerAnnotations, provider: 'azure' });
  }

  async deleteLoadBalancer(ref: LoadBalancerRef, options: OperationOptions = {}): Promise<void> {
    const { config: az } = this.ready();
    const kube = (clusterName: string): Promise<KubeClient> => this.kubeClient(clusterName);
    return deleteLoadBalancer(ref, { ...options, timeoutMs: options.timeoutMs ?? az.operationTimeoutMs, kube, provider: 'azure' });
  }

  async storeSecret(input: SecretConfig): Promise<SecretRef> {
    const config = parseConfig(SecretConfigSchema, input, 'secret config');
    const { vault, az } = this.vault();
    try {
      return await storeSecret(this.operation('storeSecret', {}, QUICK_OPERATION_TIMEOUT_MS), vault, config, { recoverDeleted: az.recoverDeletedSecrets, updateIntervalInMs: az.pollIntervalMs });
    } catch (error) {
      throw mapAzureError(error, `storing secret ${config.name}`);
    }
  }

  async retrieveSecret(name: string): Promise<Record<string, string>> {
    parseConfig(SecretNameSchema, name, 'secret name');
    const { vault } = this.vault();
    try {
      return await retrieveSecret(this.operation('retrieveSecret', {}, QUICK_OPERATION_TIMEOUT_MS), vault, name);
    } catch (error) {
      throw mapAzureError(error, `reading secret ${name}`);
    }
  }

  async deleteSecret(name: string, options: DeleteSecretOptions = {}): Promise<void> {
    parseConfig(SecretNameSchema, name, 'secret name');
    const { vault, az } = this.vault();
    try {
      await deleteSecret(this.operation('deleteSecret', {}, QUICK_OPERATION_TIMEOUT_MS), vault, name, options, { recoverDeleted: az.recoverDeletedSecrets, updateIntervalInMs: az.pollIntervalMs });
    } catch (error) {
      throw mapAzureError(error, `deleting secret ${name}`);
    }
  }

  async close(): Promise<void> {
    if (this.clients) destroyClients(this.clients);
    this.clients = undefined;
    this.config = undefined;
  }

  /** A Kubernetes client authenticated with a freshly minted Entra token; `close()` it after use. */
  private async kubeClient(clusterName: string): Promise<KubeClient> {
    return KubeClient.fromKubeconfig(await this.getKubeconfig(clusterName, { auth: 'token' }), { logger: this.logger });
  }

  private vault(): { vault: NonNullable<AzureClients['secrets']>; az: ResolvedAzureConfig } {
    const { clients, config } = this.ready();
    if (!clients.secrets) {
      throw new GatiError('INVALID_CONFIG', 'No Key Vault configured: pass keyVaultUrl (https://NAME.vault.azure.net) or set AZURE_KEYVAULT_URL.', {
        provider: 'azure',
        details: { issues: [{ path: 'keyVaultUrl', message: 'required for secrets', code: 'custom' }] },
      });
    }
    return { vault: clients.secrets, az: config };
  }

  private ready(): { clients: AzureClients; config: ResolvedAzureConfig } {
    if (!this.clients || !this.config) {
      throw new GatiError('NOT_INITIALIZED', 'The azure provider is not initialized (or was closed): call initialize(config) first.', { provider: 'azure' });
    }
    return { clients: this.clients, config: this.config };
  }

  private operation(name: string, options: OperationOptions, defaultTimeoutMs?: number): Operation {
    return azureOperation(name, options, this.ready().config, defaultTimeoutMs);
  }

  private groupTarget(config: ClusterConfig): { resourceGroup: string; location: string; clusterName: string; tags?: Record<string, string> } {
    const az = this.ready().config;
    return { resourceGroup: az.resourceGroup, location: az.location, clusterName: config.name, ...(config.tags ? { tags: config.tags } : {}) };
  }

  private subnetId(config: ClusterConfig): string | undefined {
    return this.ready().config.azure.subnetId ?? config.network?.subnetIds?.[0];
  }

  private networkTarget(config: ClusterConfig): { resourceGroup: string; location: string; subnetId?: string; updateIntervalInMs: number } {
    const az = this.ready().config;
    const subnetId = this.subnetId(config);
    return { resourceGroup: az.resourceGroup, location: az.location, updateIntervalInMs: az.pollIntervalMs, ...(subnetId ? { subnetId } : {}) };
  }

  private parseCluster(input: ClusterConfigInput): ClusterConfig {
    const config = parseConfig(ClusterConfigSchema, input, 'cluster config');
    const az = this.config;
    if (config.region && az && config.region.toLowerCase() !== az.location) {
      throw new GatiError('INVALID_CONFIG', `The cluster config names region ${config.region}, but this provider works in ${az.location}: initialize a provider for ${config.region}.`, {
        provider: 'azure',
        details: { issues: [{ path: 'region', message: `must be ${az.location} for this provider`, code: 'custom' }] },
      });
    }
    checkPoolNames(config);
    return config;
  }
}
