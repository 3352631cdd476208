import {
  GatiError,
  ManagedCloudProvider,
  QUICK_OPERATION_TIMEOUT_MS,
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
import { agentPoolSpec, managedClusterSpec } from '../aks/cluster-spec.js';
import { deleteManagedCluster, ensureAgentPool, ensureManagedCluster, getManagedCluster, groupHasClusters, listAgentPools, planAks, toClusterInfo } from '../aks/cluster.js';
import { poolNameIssues } from '../aks/pool-names.js';
import { AKS_TOKEN_SCOPE, aksKubeconfig, kubeloginUser, readAksKubeconfig } from '../auth/kubeconfig.js';
import { azureErrors, mapAzureError, redact } from '../errors/map-error.js';
import { azureLoadBalancerAnnotations } from '../load-balancer/azure-annotations.js';
import { deleteOwnedNetwork, ensureNetwork, groupHasNetworks, planNetwork } from '../network/network.js';
import { deleteOwnedGroup, ensureGroup, planGroup } from '../network/resource-group.js';
import { deleteSecret, retrieveSecret, storeSecret } from '../secrets/key-vault.js';
import { createClients, destroyClients, type AzureClients } from './clients.js';
import { resolveAzureConfig, type AzureProviderConfig, type ResolvedAzureConfig } from './config.js';

/**
 * The Azure provider: AKS clusters in a virtual network with zone-spread pools, Entra ID
 * kubeconfigs (kubelogin or an in-process token), load balancers through Kubernetes, Key Vault.
 */
export class AzureCloudProvider extends ManagedCloudProvider<ResolvedAzureConfig, AzureClients> {
  protected readonly kind = 'AKS';

  constructor() {
    super(
      {
        name: 'azure',
        errors: azureErrors,
        resolveConfig: (input) => resolveAzureConfig(input as AzureProviderConfig),
        openClients: (config) => createClients(config),
        closeClients: (clients) => destroyClients(clients),
        region: (az) => az.location,
        scope: (az) => `resource group ${az.resourceGroup} (${az.location})`,
        describe: (az) => ({ subscriptionId: az.subscriptionId, resourceGroup: az.resourceGroup, location: az.location, armEndpoint: az.armEndpoint }),
      },
      kubernetesLoadBalancing({ provider: 'azure', annotations: azureLoadBalancerAnnotations, kubeconfig: (name) => this.getKubeconfig(name, { auth: 'token' }), logger: () => this.logger }),
    );
  }

  /** Resolves subscription, resource group, location, endpoints and the credential (tokens are fetched lazily). */
  override async initialize(input: BaseProviderConfig | AzureProviderConfig = {}): Promise<void> {
    return super.initialize(input);
  }

  protected async planSteps(op: Operation, config: ClusterConfig, az: ResolvedAzureConfig): Promise<PlanStep[]> {
    const { clients } = this.ready();
    // Reads in a missing resource group answer 404, which the lookups take as "absent".
    return [
      await planGroup(op, clients.resources, this.groupTarget(config)),
      ...(await planNetwork(op, clients.network, config, this.networkTarget(config))),
      ...(await planAks(op, clients.aks, az.resourceGroup, config)),
    ];
  }

  protected async provision(p: Provisioning, op: Operation, config: ClusterConfig, az: ResolvedAzureConfig): Promise<ClusterInfo> {
    const { clients } = this.ready();
    const target = { resourceGroup: az.resourceGroup, updateIntervalInMs: az.pollIntervalMs };
    await p.step(() => ensureGroup(op, clients.resources, this.groupTarget(config)), (g) => `resource group ${az.resourceGroup}${g.created ? ' (created)' : ''}`);
    const network = await p.step(() => ensureNetwork(op, clients.network, config, this.networkTarget(config)), (n) => `node subnet ${n.subnetId.split('/').slice(-3).join('/')}`);
    const spec = managedClusterSpec({ config, location: az.location, subnetId: network.subnetId, addressSpace: network.addressSpace, settings: az.azure });
    const cluster = await p.step(() => ensureManagedCluster(op, clients.aks, target, config.name, spec), () => `AKS cluster ${config.name} (Succeeded)`);
    // One at a time: AKS refuses a second operation on a cluster while one runs.
    for (const pool of config.nodePools) {
      await p.step(() => ensureAgentPool(op, clients.aks, target, config.name, pool.name, agentPoolSpec(config, pool, az.location, network.subnetId)), (ap) => `agent pool ${ap.name ?? pool.name} (Succeeded)`);
    }
    return toClusterInfo(cluster, await listAgentPools(op, clients.aks, az.resourceGroup, config.name), az.location);
  }

  /**
   * The cluster (its load balancers live in AKS's node resource group, which goes with it), then
   * the virtual network and resource group when Gati created them for it (their tags say so).
   */
  protected async deprovision(op: Operation, name: string, az: ResolvedAzureConfig): Promise<boolean> {
    const { clients } = this.ready();
    const target = { resourceGroup: az.resourceGroup, updateIntervalInMs: az.pollIntervalMs };
    const hadCluster = await deleteManagedCluster(op, clients.aks, target, name);
    const hadNetwork = await deleteOwnedNetwork(op, clients.network, az.resourceGroup, name, az.pollIntervalMs);
    const inUse = async (): Promise<boolean> => (await groupHasClusters(op, clients.aks, az.resourceGroup)) || (await groupHasNetworks(op, clients.network, az.resourceGroup));
    const hadGroup = await deleteOwnedGroup(op, clients.resources, az.resourceGroup, name, hadCluster || hadNetwork, inUse, az.pollIntervalMs);
    return hadCluster || hadNetwork || hadGroup;
  }

  protected async readCluster(op: Operation, name: string, az: ResolvedAzureConfig): Promise<ClusterInfo | undefined> {
    const { clients } = this.ready();
    const cluster = await getManagedCluster(op, clients.aks, az.resourceGroup, name);
    return cluster ? toClusterInfo(cluster, await listAgentPools(op, clients.aks, az.resourceGroup, name), az.location) : undefined;
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
      if (!cluster) throw this.notFound(clusterName);
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

  protected putSecret(op: Operation, config: SecretConfig): Promise<SecretRef> {
    const { vault, az } = this.vault();
    return storeSecret(op, vault, config, { recoverDeleted: az.recoverDeletedSecrets, updateIntervalInMs: az.pollIntervalMs });
  }

  protected getSecret(op: Operation, name: string): Promise<Record<string, string>> {
    return retrieveSecret(op, this.vault().vault, name);
  }

  protected removeSecret(op: Operation, name: string, options: DeleteSecretOptions): Promise<void> {
    const { vault, az } = this.vault();
    return deleteSecret(op, vault, name, options, { recoverDeleted: az.recoverDeletedSecrets, updateIntervalInMs: az.pollIntervalMs });
  }

  /** AKS pool names are shorter than the config's: two pools must not map onto one. */
  protected override clusterIssues(config: ClusterConfig): ValidationIssue[] {
    return poolNameIssues(config);
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

  private groupTarget(config: ClusterConfig): { resourceGroup: string; location: string; clusterName: string; tags?: Record<string, string> } {
    const az = this.ready().config;
    return { resourceGroup: az.resourceGroup, location: az.location, clusterName: config.name, ...(config.tags ? { tags: config.tags } : {}) };
  }

  private networkTarget(config: ClusterConfig): { resourceGroup: string; location: string; subnetId?: string; updateIntervalInMs: number } {
    const az = this.ready().config;
    const subnetId = az.azure.subnetId ?? config.network?.subnetIds?.[0];
    return { resourceGroup: az.resourceGroup, location: az.location, updateIntervalInMs: az.pollIntervalMs, ...(subnetId ? { subnetId } : {}) };
  }
}
