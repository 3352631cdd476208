import { request } from 'node:https';
import { ContainerServiceClient, type ManagedCluster } from '@azure/arm-containerservice';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AKS_SERVER_APP_ID, AzureEmulator } from './index.js';

let emulator: AzureEmulator;
let resources: ResourceManagementClient;
let network: NetworkManagementClient;
let aks: ContainerServiceClient;

const RG = 'shop-prod';
const fast = { updateIntervalInMs: 10 };

function clusterSpec(subnetId: string, overrides: Partial<ManagedCluster> = {}): ManagedCluster {
  return {
    location: 'westeurope',
    tags: { 'gati-managed-by': 'gati' },
    identity: { type: 'SystemAssigned' },
    sku: { name: 'Base', tier: 'Standard' },
    // The modular SDK flattens `properties` into the model.
    dnsPrefix: 'shop',
    kubernetesVersion: '1.33',
    enableRbac: true,
    disableLocalAccounts: true,
    aadProfile: { managed: true, enableAzureRbac: true },
    oidcIssuerProfile: { enabled: true },
    networkProfile: { networkPlugin: 'azure', networkPluginMode: 'overlay', networkDataplane: 'cilium' },
    agentPoolProfiles: [{ name: 'system', mode: 'System', count: 1, vmSize: 'Standard_D2s_v5', availabilityZones: ['1', '2', '3'], ...(subnetId ? { vnetSubnetID: subnetId } : {}), nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'] }],
    ...overrides,
  };
}

/** GET against a cluster's Kubernetes API with a bearer token: the HTTP status. */
function kubeGet(server: string, caPem: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${server}/api/v1/namespaces`, { ca: caPem, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  emulator = await AzureEmulator.start({ retryAfterSeconds: 0, timings: { clusterCreateMs: 150, clusterDeleteMs: 80, agentPoolCreateMs: 60, agentPoolDeleteMs: 40, clusterPowerMs: 60 } });
  const credential = emulator.credential();
  const common = { endpoint: emulator.armEndpoint, credentialScopes: ['https://management.azure.com/.default'], tlsOptions: { ca: emulator.caPem } };
  resources = new ResourceManagementClient(credential, emulator.subscriptionId, common);
  network = new NetworkManagementClient(credential, emulator.subscriptionId, common);
  aks = new ContainerServiceClient(credential, emulator.subscriptionId, { endpoint: emulator.armEndpoint, tlsOptions: { ca: emulator.caPem } });
});

afterAll(async () => {
  await emulator?.close();
});

describe('Azure emulator: Resource Manager through the real SDK clients', () => {
  it('creates a cluster in a new resource group and virtual network, hands out an Entra kubeconfig, and deletes everything', async () => {
    expect(await resources.resourceGroups.checkExistence(RG)).toEqual({ body: false });
    const rg = await resources.resourceGroups.createOrUpdate(RG, { location: 'westeurope', tags: { 'gati-managed-by': 'gati' } });
    expect(rg).toMatchObject({ name: RG, location: 'westeurope', tags: { 'gati-managed-by': 'gati' }, properties: { provisioningState: 'Succeeded' } });
    expect(await resources.resourceGroups.checkExistence(RG)).toEqual({ body: true });
    const byTag = async (filter: string): Promise<string[]> => {
      const names: string[] = [];
      for await (const g of resources.resourceGroups.list({ filter })) names.push(g.name ?? '');
      return names;
    };
    expect(await byTag("tagName eq 'gati-managed-by' and tagValue eq 'gati'")).toEqual([RG]);
    expect(await byTag("tagName eq 'gati-managed-by' and tagValue eq 'someone-else'")).toEqual([]);

    const vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait(RG, 'shop-vnet', { location: 'westeurope', tags: { owner: 'gati' }, addressSpace: { addressPrefixes: ['10.20.0.0/16'] } }, fast);
    expect(vnet).toMatchObject({ name: 'shop-vnet', provisioningState: 'Succeeded', addressSpace: { addressPrefixes: ['10.20.0.0/16'] }, tags: { owner: 'gati' } });
    const subnet = await network.subnets.beginCreateOrUpdateAndWait(RG, 'shop-vnet', 'nodes', { addressPrefix: '10.20.0.0/20' }, fast);
    expect(subnet).toMatchObject({ name: 'nodes', addressPrefix: '10.20.0.0/20', provisioningState: 'Succeeded' });
    await expect(network.subnets.beginCreateOrUpdateAndWait(RG, 'shop-vnet', 'outside', { addressPrefix: '10.99.0.0/24' }, fast)).rejects.toMatchObject({ code: 'NetcfgSubnetRangeOutsideVnet', statusCode: 400 });

    const states: string[] = [];
    const poller = aks.managedClusters.createOrUpdate(RG, 'shop', clusterSpec(subnet.id ?? ''), fast);
    poller.onProgress((s) => states.push(s.status));
    await poller.submitted();
    // A second operation while the create runs is refused, as AKS does.
    await expect(aks.managedClusters.createOrUpdate(RG, 'shop', clusterSpec(subnet.id ?? ''), fast).submitted()).rejects.toMatchObject({ code: 'OperationNotAllowed', statusCode: 409 });
    const cluster = await poller.pollUntilDone();
    expect(states).toContain('running');
    expect(cluster).toMatchObject({ name: 'shop', location: 'westeurope', sku: { tier: 'Standard' }, identity: { type: 'SystemAssigned', tenantId: emulator.tenantId } });
    expect(cluster).toMatchObject({ provisioningState: 'Succeeded', powerState: { code: 'Running' }, disableLocalAccounts: true, aadProfile: { managed: true, enableAzureRbac: true } });
    expect(cluster.agentPoolProfiles?.[0]).toMatchObject({ name: 'system', mode: 'System', availabilityZones: ['1', '2', '3'], provisioningState: 'Succeeded' });
    expect(cluster.oidcIssuerProfile?.issuerURL).toMatch(/^https:\/\//);
    const polls = emulator.requests({ operation: 'Operations_GetStatus' });
    expect(polls.length).toBeGreaterThan(0);

    // Admin credentials are refused with local accounts disabled; user credentials are the kubelogin exec form.
    await expect(aks.managedClusters.listClusterAdminCredentials(RG, 'shop')).rejects.toMatchObject({ statusCode: 400 });
    const creds = await aks.managedClusters.listClusterUserCredentials(RG, 'shop');
    const value = creds.kubeconfigs?.[0]?.value;
    expect(value).toBeInstanceOf(Uint8Array);
    const kubeconfig = parse(Buffer.from(value ?? new Uint8Array()).toString('utf8')) as {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
      users: { name: string; user: { exec: { command: string; args: string[] } } }[];
    };
    expect(kubeconfig.users[0]?.name).toBe(`clusterUser_${RG}_shop`);
    expect(kubeconfig.users[0]?.user.exec.command).toBe('kubelogin');
    expect(kubeconfig.users[0]?.user.exec.args).toEqual(expect.arrayContaining(['get-token', '--server-id', AKS_SERVER_APP_ID, '--tenant-id', emulator.tenantId]));
    const server = kubeconfig.clusters[0]?.cluster.server ?? '';
    const ca = Buffer.from(kubeconfig.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64').toString();
    // The cluster's API takes AKS tokens from this emulator only: not ARM tokens.
    expect(await kubeGet(server, ca, emulator.issueToken(`${AKS_SERVER_APP_ID}/.default`).token)).toBe(200);
    expect(await kubeGet(server, ca, emulator.issueToken('https://management.azure.com/.default').token)).toBe(401);

    const pool = await aks.agentPools.createOrUpdate(RG, 'shop', 'web', { mode: 'User', vmSize: 'Standard_D4s_v5', enableAutoScaling: true, minCount: 1, maxCount: 5, nodeLabels: { tier: 'web' }, upgradeSettings: { maxSurge: '33%' }, vnetSubnetID: subnet.id }, fast).pollUntilDone();
    expect(pool).toMatchObject({ name: 'web', provisioningState: 'Succeeded', mode: 'User', minCount: 1, maxCount: 5, nodeLabels: { tier: 'web' } });
    // West US has no availability zones.
    await expect(aks.managedClusters.createOrUpdate(RG, 'nozones', clusterSpec(subnet.id ?? '', { location: 'westus' }), fast).pollUntilDone()).rejects.toMatchObject({ statusCode: 400, code: 'AvailabilityZoneNotSupported' });
    const names: string[] = [];
    for await (const p of aks.agentPools.list(RG, 'shop')) names.push(p.name ?? '');
    expect(names.sort()).toEqual(['system', 'web']);
    await expect(aks.agentPools.delete(RG, 'shop', 'system', fast).pollUntilDone()).rejects.toMatchObject({ statusCode: 400 });
    await aks.agentPools.delete(RG, 'shop', 'web', fast).pollUntilDone();

    const retagged = await aks.managedClusters.updateTags(RG, 'shop', { tags: { 'gati-managed-by': 'gati', env: 'prod' } }, fast).pollUntilDone();
    expect(retagged.tags).toEqual({ 'gati-managed-by': 'gati', env: 'prod' });

    const stopping = aks.managedClusters.stop(RG, 'shop', fast);
    await stopping.submitted();
    expect((await aks.managedClusters.get(RG, 'shop')).provisioningState).toBe('Stopping');
    await stopping.pollUntilDone();
    expect(await aks.managedClusters.get(RG, 'shop')).toMatchObject({ provisioningState: 'Succeeded', powerState: { code: 'Stopped' } });
    await aks.managedClusters.start(RG, 'shop', fast).pollUntilDone();
    expect((await aks.managedClusters.get(RG, 'shop')).powerState?.code).toBe('Running');

    // The subnet is in use while the cluster exists.
    await expect(network.virtualNetworks.beginDeleteAndWait(RG, 'shop-vnet', fast)).rejects.toMatchObject({ code: 'InUseSubnetCannotBeDeleted' });
    await aks.managedClusters.delete(RG, 'shop', fast).pollUntilDone();
    await expect(aks.managedClusters.get(RG, 'shop')).rejects.toMatchObject({ code: 'ResourceNotFound', statusCode: 404 });
    await network.virtualNetworks.beginDeleteAndWait(RG, 'shop-vnet', fast);
    await resources.resourceGroups.beginDeleteAndWait(RG, fast);
    expect(emulator.inventory()).toEqual({ resourceGroups: [], virtualNetworks: [], subnets: [], managedClusters: [], agentPools: [], kubernetesApis: [], secrets: [], deletedSecrets: [] });
  });

  it('reports a create that fails later as a failed operation and a Failed cluster carrying the error', async () => {
    await resources.resourceGroups.createOrUpdate('quota-rg', { location: 'westeurope' });
    emulator.operationFaults.addRule({ match: /ManagedClusters_CreateOrUpdate/, error: 'Quota', times: 1 });
    await expect(aks.managedClusters.createOrUpdate('quota-rg', 'big', clusterSpec(''), fast).pollUntilDone()).rejects.toThrow(/QuotaExceeded/);
    const failed = await aks.managedClusters.get('quota-rg', 'big');
    expect(failed.provisioningState).toBe('Failed');
    expect(failed.status?.provisioningError).toMatchObject({ code: 'QuotaExceeded' });
    await expect(aks.managedClusters.listClusterUserCredentials('quota-rg', 'big')).rejects.toMatchObject({ statusCode: 404 });
    // Resuming: the same PUT again reconciles the failed cluster, which then gets its Kubernetes API.
    const resumed = await aks.managedClusters.createOrUpdate('quota-rg', 'big', clusterSpec(''), fast).pollUntilDone();
    expect(resumed).toMatchObject({ provisioningState: 'Succeeded' });
    expect(resumed.status?.provisioningError).toBeUndefined();
    expect((await aks.managedClusters.listClusterUserCredentials('quota-rg', 'big')).kubeconfigs).toHaveLength(1);
    // Deleting the group takes the failed cluster with it; meanwhile nothing new goes into it.
    const deleting = await resources.resourceGroups.beginDelete('quota-rg', fast);
    await expect(aks.managedClusters.createOrUpdate('quota-rg', 'late', clusterSpec(''), fast).pollUntilDone()).rejects.toMatchObject({ statusCode: 409, code: 'ResourceGroupBeingDeleted' });
    await deleting.pollUntilDone();
    expect(emulator.inventory().managedClusters).toEqual([]);
  });

  it('accepts only tokens it issued for Resource Manager', async () => {
    const forged = new ResourceManagementClient({ getToken: async () => ({ token: 'eyJhbGciOiJub25lIn0.e30.x', expiresOnTimestamp: Date.now() + 3_600_000 }) }, emulator.subscriptionId, {
      endpoint: emulator.armEndpoint,
      credentialScopes: ['https://management.azure.com/.default'],
      tlsOptions: { ca: emulator.caPem },
    });
    await expect(forged.resourceGroups.get('anything')).rejects.toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
    const vaultToken = emulator.issueToken('https://vault.localhost/.default');
    const wrongAudience = new ResourceManagementClient({ getToken: async () => vaultToken }, emulator.subscriptionId, { endpoint: emulator.armEndpoint, credentialScopes: ['https://management.azure.com/.default'], tlsOptions: { ca: emulator.caPem } });
    await expect(wrongAudience.resourceGroups.get('anything')).rejects.toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationTokenAudience' });
    const otherSubscription = new ResourceManagementClient(emulator.credential(), '11111111-1111-4111-8111-111111111111', { endpoint: emulator.armEndpoint, credentialScopes: ['https://management.azure.com/.default'], tlsOptions: { ca: emulator.caPem } });
    await expect(otherSubscription.resourceGroups.get('anything')).rejects.toMatchObject({ statusCode: 404, code: 'SubscriptionNotFound' });
    // A malformed path is the client's error, not the emulator's.
    const status = await new Promise<number>((resolve, reject) => {
      request(`${emulator.armEndpoint}/subscriptions/%ZZ/resourcegroups?api-version=2025-04-01`, { ca: emulator.caPem }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(400);
  });
});
