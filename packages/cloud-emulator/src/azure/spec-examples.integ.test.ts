import { Agent } from 'node:https';
import type { LookupAddress, LookupOneOptions } from 'node:dns';
import { ContainerServiceClient, type AgentPool, type ManagedCluster } from '@azure/arm-containerservice';
import { NetworkManagementClient, type VirtualNetwork } from '@azure/arm-network';
import { ResourceManagementClient, type ResourceManagementClientOptionalParams } from '@azure/arm-resources';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureEmulator } from './index.js';
import { capturePolicy, loadSpecFixture, type Exchange, type SpecExample } from './spec-examples/fixture.js';
import { pathProblems, type JsonType } from './spec-examples/json-paths.js';

/**
 * The emulator's answers against Microsoft's published examples (azure-rest-api-specs) of the
 * api-versions the pinned SDKs send. `spec-examples/examples.json` holds, per example, its path
 * and commit, the request sent (the example's parameters, adapted) and the response field paths
 * the emulator must carry with the example's JSON types; the gaps are listed there with reasons.
 * Every request goes through the real SDK client, which must parse the answer; the raw answer is
 * captured by a pipeline policy and compared field by field.
 */
const fixture = loadSpecFixture();
const checked = new Set<string>();
const log: Exchange[] = [];
const fast = { updateIntervalInMs: 10 };
const RG = 'rg1';
const CLUSTER = 'clustername1';

let emulator: AzureEmulator;
let agent: Agent;
let resources: ResourceManagementClient;
let network: NetworkManagementClient;
let aks: ContainerServiceClient;
let secrets: SecretClient;

type Policy = NonNullable<ResourceManagementClientOptionalParams['additionalPolicies']>[number]['policy'];
type PipelineRequest = Parameters<Policy['sendRequest']>[0];
type PipelineResponse = Awaited<ReturnType<Policy['sendRequest']>>;

/** ARM's asynchronous operation status document (azure-resource-manager-rpc; no published example). */
const STATUS_DOCUMENT: Record<string, JsonType> = { id: 'string', name: 'string', status: 'string', startTime: 'string' };

function example(key: string): SpecExample {
  const entry = fixture.examples[key];
  if (!entry) throw new Error(`no example ${key} in spec-examples/examples.json`);
  return entry;
}

/** The exchanges captured since the last call (the log starts empty again). */
function drain(): Exchange[] {
  return log.splice(0, log.length);
}

/** The first exchange of a method on a path (matched against the URL path). */
function first(exchanges: Exchange[], method: string, path: RegExp): Exchange {
  const found = exchanges.find((e) => e.method === method && path.test(e.url.pathname));
  if (!found) throw new Error(`no ${method} ${String(path)} among ${exchanges.map((e) => `${e.method} ${e.url.pathname}`).join(', ')}`);
  return found;
}

/** The answer carries every field path of the example with its JSON type; the request the SDK sent, the example's request paths. */
function expectLikeExample(key: string, exchange: Exchange, status?: number): void {
  const entry = example(key);
  const source = `${entry.source.path.split('/').pop() ?? ''}@${entry.source.commit.slice(0, 10)}`;
  expect(exchange.status, `${key}: HTTP status`).toBe(status ?? entry.status);
  expect(pathProblems(exchange.body ?? {}, entry.fields), `${key}: answer against ${source}`).toEqual([]);
  if (entry.requestFields) expect(pathProblems(exchange.requestBody ?? {}, entry.requestFields), `${key}: request sent by the SDK against ${source}`).toEqual([]);
  for (const header of entry.headers ?? []) expect(exchange.headers[header], `${key}: header ${header}`).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
  checked.add(key);
}

/** PUT: 201 + Azure-AsyncOperation, then status documents InProgress → `final`. */
function expectAsyncOperation(exchanges: Exchange[], put: Exchange, final: 'Succeeded' | 'Failed'): void {
  expect(put.headers['azure-asyncoperation']).toMatch(/\/operations\/[-0-9a-f]+\?api-version=/);
  const docs = exchanges.filter((e) => e.method === 'GET' && /\/operations\/[^/]+$/.test(e.url.pathname));
  expect(docs.length).toBeGreaterThan(0);
  for (const doc of docs) {
    expect(pathProblems(doc.body, STATUS_DOCUMENT)).toEqual([]);
    expect(['InProgress', 'Succeeded', 'Failed', 'Canceled']).toContain((doc.body as { status: string }).status);
  }
  const last = docs.at(-1)?.body as { status: string };
  expect(last.status).toBe(final);
  expect(pathProblems(last, final === 'Failed' ? { endTime: 'string', 'error.code': 'string', 'error.message': 'string' } : { endTime: 'string' })).toEqual([]);
}

/** DELETE: 202 + Location, polled (202 while running) until 204. */
function expectDeleteOperation(exchanges: Exchange[], del: Exchange): void {
  expect(del.status).toBe(202);
  const polls = exchanges.filter((e) => e.method === 'GET' && /\/operationresults\/[^/]+$/.test(e.url.pathname));
  expect(polls.map((p) => p.status).at(-1)).toBe(204);
  expect(polls.every((p) => p.status === 204 || (p.status === 202 && typeof p.headers['location'] === 'string'))).toBe(true);
}

/** A create example as the SDK model: the JSON fixture holds `until` as text, the SDK wants a Date. */
function clusterRequest(key = 'managedClusterCreate'): ManagedCluster {
  const request = structuredClone(example(key).request) as unknown as ManagedCluster;
  const override = request.upgradeSettings?.overrideSettings as { until?: unknown } | undefined;
  if (override && typeof override.until === 'string') override.until = new Date(override.until);
  return request;
}

function loopbackLookup(_host: string, options: LookupOneOptions & { all?: boolean }, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void): void {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}

beforeAll(async () => {
  emulator = await AzureEmulator.start({ retryAfterSeconds: 0, vaults: ['myvault'], timings: { clusterCreateMs: 60, clusterDeleteMs: 40, agentPoolCreateMs: 40, agentPoolDeleteMs: 40, networkCreateMs: 20, networkDeleteMs: 20 } });
  const credential = emulator.credential();
  const additionalPolicies = [{ policy: capturePolicy<PipelineRequest, PipelineResponse>(log), position: 'perRetry' as const }];
  const arm = { endpoint: emulator.armEndpoint, credentialScopes: ['https://management.azure.com/.default'], tlsOptions: { ca: emulator.caPem }, additionalPolicies };
  resources = new ResourceManagementClient(credential, emulator.subscriptionId, arm);
  network = new NetworkManagementClient(credential, emulator.subscriptionId, arm);
  aks = new ContainerServiceClient(credential, emulator.subscriptionId, { endpoint: emulator.armEndpoint, tlsOptions: { ca: emulator.caPem }, additionalPolicies });
  agent = new Agent({ ca: emulator.caPem, lookup: loopbackLookup as never });
  secrets = new SecretClient(emulator.vaultUrl('myvault'), credential, { agent, additionalPolicies });
});

afterAll(async () => {
  agent?.destroy();
  await emulator?.close();
});

describe('Azure emulator answers like the published REST examples (azure-rest-api-specs)', () => {
  it('the fixture is well formed: sources pinned by commit, checked and explained paths apart', () => {
    for (const [key, entry] of Object.entries(fixture.examples)) {
      expect(entry.source.path, key).toMatch(/^specification\/.+\/examples\/[\w-]+\.json$/);
      expect(entry.source.commit, key).toMatch(/^[0-9a-f]{40}$/);
      const explained = [...Object.keys(entry.notEmulated), ...Object.keys(entry.notExercised ?? {})];
      expect(explained.filter((p) => p in entry.fields), key).toEqual([]);
      expect(Object.values({ ...entry.notEmulated, ...entry.notExercised }).every((reason) => reason.length > 10), key).toBe(true);
    }
  });

  it('resource group: create (201) and update (200) as CreateResourceGroup', async () => {
    drain();
    const created = await resources.resourceGroups.createOrUpdate(RG, example('resourceGroupCreate').request as { location: string });
    expect(created.properties?.provisioningState).toBe('Succeeded');
    const put = first(drain(), 'PUT', /\/resourcegroups\/rg1$/i);
    expect(put.url.searchParams.get('api-version')).toBe('2025-04-01');
    expectLikeExample('resourceGroupCreate', put);
    await resources.resourceGroups.createOrUpdate(RG, { location: 'eastus' });
    expectLikeExample('resourceGroupCreate', first(drain(), 'PUT', /\/resourcegroups\/rg1$/i), 200);
  });

  it('virtual network and subnet: create (201 + Azure-AsyncOperation) and get', async () => {
    drain();
    const vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait(RG, 'test-vnet', example('virtualNetworkCreate').request as VirtualNetwork, fast);
    expect(vnet).toMatchObject({ provisioningState: 'Succeeded', flowTimeoutInMinutes: 10, addressSpace: { addressPrefixes: ['10.0.0.0/16'] } });
    let wire = drain();
    const putVnet = first(wire, 'PUT', /\/virtualNetworks\/test-vnet$/);
    expect(putVnet.url.searchParams.get('api-version')).toBe('2025-05-01');
    expectLikeExample('virtualNetworkCreate', putVnet);
    expectAsyncOperation(wire, putVnet, 'Succeeded');

    const subnet = await network.subnets.beginCreateOrUpdateAndWait(RG, 'test-vnet', 'subnet1', example('subnetCreate').request ?? {}, fast);
    expect(subnet).toMatchObject({ name: 'subnet1', addressPrefix: '10.0.0.0/16', provisioningState: 'Succeeded' });
    wire = drain();
    const putSubnet = first(wire, 'PUT', /\/subnets\/subnet1$/);
    expectLikeExample('subnetCreate', putSubnet);
    expectAsyncOperation(wire, putSubnet, 'Succeeded');

    expect((await network.subnets.get(RG, 'test-vnet', 'subnet1')).provisioningState).toBe('Succeeded');
    expectLikeExample('subnetGet', first(drain(), 'GET', /\/subnets\/subnet1$/));
  });

  it('managed cluster: create (201 + Azure-AsyncOperation) as ManagedClustersCreate_Premium, get as ManagedClustersGet', async () => {
    drain();
    const done = await aks.managedClusters.createOrUpdate(RG, CLUSTER, clusterRequest(), fast).pollUntilDone();
    expect(done.provisioningState).toBe('Succeeded');
    const wire = drain();
    const put = first(wire, 'PUT', /\/managedClusters\/clustername1$/);
    expect(put.url.searchParams.get('api-version')).toBe('2026-04-01');
    expectLikeExample('managedClusterCreate', put);
    expectAsyncOperation(wire, put, 'Succeeded');
    // AKS never answers with the secrets a create carries.
    expect(pathProblems(put.body, { 'properties.servicePrincipalProfile.secret': 'string', 'properties.windowsProfile.adminPassword': 'string' })).toHaveLength(2);

    const cluster = await aks.managedClusters.get(RG, CLUSTER);
    expectLikeExample('managedClusterGet', first(drain(), 'GET', /\/managedClusters\/clustername1$/));
    expect(cluster).toMatchObject({ provisioningState: 'Succeeded', powerState: { code: 'Running' }, enableRbac: true, maxAgentPools: expect.any(Number), sku: { tier: 'Premium' } });
    expect(cluster.fqdn).toMatch(/^dnsprefix1-[0-9a-f]{8}\.hcp\.eastus\.azmk8s\.io$/);
    expect(cluster.currentKubernetesVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(cluster.kubernetesVersion).toMatch(/^\d+\.\d+/);
    expect(cluster.networkProfile?.loadBalancerProfile?.effectiveOutboundIPs).toHaveLength(2);
    expect(cluster.networkProfile?.podCidrs).toEqual([cluster.networkProfile?.podCidr]);
    expect(cluster.agentPoolProfiles?.[0]).toMatchObject({ name: 'nodepool1', mode: 'System', availabilityZones: ['1', '2', '3'], upgradeSettings: { maxSurge: '33%' }, nodeImageVersion: expect.any(String), eTag: expect.any(String) });
    expect(cluster.servicePrincipalProfile?.secret).toBeUndefined();
    expect(cluster.windowsProfile?.adminPassword).toBeUndefined();
  });

  it('managed cluster: the Entra ID, security profile and user-assigned identity create examples', async () => {
    const create = async (key: string, name: string): Promise<ManagedCluster> => {
      drain();
      const done = await aks.managedClusters.createOrUpdate(RG, name, clusterRequest(key), fast).pollUntilDone();
      const wire = drain();
      const put = first(wire, 'PUT', new RegExp(`/managedClusters/${name}$`));
      expectLikeExample(key, put);
      expectAsyncOperation(wire, put, 'Succeeded');
      return done;
    };
    const aad = await create('managedClusterCreateAad', 'aadcluster');
    expect(aad.aadProfile).toMatchObject({ managed: true, enableAzureRbac: true, tenantID: emulator.tenantId });

    const secure = await create('managedClusterCreateSecurityProfile', 'securecluster');
    expect(secure.identity).toMatchObject({ type: 'SystemAssigned', principalId: expect.stringMatching(/^[-0-9a-f]{36}$/), tenantId: emulator.tenantId });
    expect(secure.oidcIssuerProfile?.issuerURL).toMatch(/^https:\/\/eastus\.oic\.prod-aks\.azure\.com\/.+\/$/);
    expect(secure.securityProfile?.workloadIdentity?.enabled).toBe(true);
    expect(secure.servicePrincipalProfile?.clientId).toBe('msi');

    const uai = await create('managedClusterCreateUserAssigned', 'uaicluster');
    const assigned = Object.values(uai.identity?.userAssignedIdentities ?? {});
    expect(assigned).toEqual([{ clientId: expect.stringMatching(/^[-0-9a-f]{36}$/), principalId: expect.stringMatching(/^[-0-9a-f]{36}$/) }]);
    expect(uai.agentPoolProfiles?.[0]?.scaleDownMode).toBe('Deallocate');
  });

  it('agent pool: create (201) as AgentPoolsCreate_Ephemeral, list as AgentPoolsList; the network now shows the pool in its subnet', async () => {
    drain();
    const request = { ...(example('agentPoolCreate').request as AgentPool) };
    request.vnetSubnetID = request.vnetSubnetID?.replace('{subscriptionId}', emulator.subscriptionId);
    const pool = await aks.agentPools.createOrUpdate(RG, CLUSTER, 'agentpool1', request, fast).pollUntilDone();
    const wire = drain();
    const put = first(wire, 'PUT', /\/agentPools\/agentpool1$/);
    expectLikeExample('agentPoolCreate', put);
    expectAsyncOperation(wire, put, 'Succeeded');
    expect(pool).toMatchObject({ provisioningState: 'Succeeded', osDiskType: 'Ephemeral', osDiskSizeGB: 64, eTag: expect.any(String), nodeImageVersion: expect.any(String) });
    expect(pool.currentOrchestratorVersion).toMatch(/^\d+\.\d+\.\d+$/);

    const names: string[] = [];
    for await (const p of aks.agentPools.list(RG, CLUSTER)) names.push(p.name ?? '');
    expect(names.sort()).toEqual(['agentpool1', 'nodepool1']);
    expectLikeExample('agentPoolList', first(drain(), 'GET', /\/agentPools$/));

    const vnet = await network.virtualNetworks.get(RG, 'test-vnet');
    expect(vnet.subnets?.[0]?.ipConfigurations?.[0]?.id).toContain('/agentPools/agentpool1');
    expectLikeExample('virtualNetworkGet', first(drain(), 'GET', /\/virtualNetworks\/test-vnet$/));
  });

  it('listClusterUserCredential as ManagedClustersListClusterUserCredentials: the SDK hands the kubeconfig over as bytes', async () => {
    drain();
    const creds = await aks.managedClusters.listClusterUserCredentials(RG, CLUSTER);
    const value = creds.kubeconfigs?.[0]?.value;
    expect(value).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(value ?? new Uint8Array()).toString('utf8')).toContain('kind: Config');
    expectLikeExample('userCredentials', first(drain(), 'POST', /\/listClusterUserCredential$/));
  });

  it('deletes answer 202 + Location and poll to 204 (AgentPoolsDelete, VirtualNetworkDelete)', async () => {
    drain();
    await aks.agentPools.delete(RG, CLUSTER, 'agentpool1', fast).pollUntilDone();
    let wire = drain();
    const delPool = first(wire, 'DELETE', /\/agentPools\/agentpool1$/);
    expectLikeExample('agentPoolDelete', delPool);
    expectDeleteOperation(wire, delPool);

    await aks.managedClusters.delete(RG, CLUSTER, fast).pollUntilDone();
    wire = drain();
    expectDeleteOperation(wire, first(wire, 'DELETE', /\/managedClusters\/clustername1$/));

    await network.virtualNetworks.beginDeleteAndWait(RG, 'test-vnet', fast);
    wire = drain();
    const delVnet = first(wire, 'DELETE', /\/virtualNetworks\/test-vnet$/);
    expectLikeExample('virtualNetworkDelete', delVnet);
    expectDeleteOperation(wire, delVnet);
  });

  it('a create that fails later ends in a Failed status document carrying the error', async () => {
    emulator.operationFaults.addRule({ match: /ManagedClusters_CreateOrUpdate/, error: 'Quota', times: 1 });
    drain();
    await expect(aks.managedClusters.createOrUpdate(RG, 'failing', clusterRequest(), fast).pollUntilDone()).rejects.toThrow(/QuotaExceeded/);
    const wire = drain();
    expectAsyncOperation(wire, first(wire, 'PUT', /\/managedClusters\/failing$/), 'Failed');
  });

  it('Key Vault secrets: set, get, update, delete and get deleted as the SetSecret/GetSecret/UpdateSecret/DeleteSecret/GetDeletedSecret examples', async () => {
    const set = example('setSecret').request as { name: string; value: string };
    drain();
    const secret = await secrets.setSecret(set.name, set.value);
    const put = first(drain().filter((e) => e.status !== 401), 'PUT', /^\/secrets\/crpsecret$/);
    expect(put.url.searchParams.get('api-version')).toBe('2025-07-01');
    expectLikeExample('setSecret', put);
    expect(secret).toMatchObject({ name: 'crpsecret', value: 'mysecretvalue', properties: { enabled: true, recoveryLevel: 'Recoverable+Purgeable', createdOn: expect.any(Date) } });
    const version = secret.properties.version ?? '';

    expect((await secrets.getSecret('crpsecret', { version })).value).toBe('mysecretvalue');
    expectLikeExample('getSecret', first(drain(), 'GET', new RegExp(`^/secrets/crpsecret/${version}$`)));

    const update = example('updateSecret').request as { tags: Record<string, string>; contentType: string; enabled: boolean };
    expect(await secrets.updateSecretProperties('crpsecret', version, update)).toMatchObject({ tags: { mytag: 'myvalue' }, contentType: 'myContentType', enabled: true });
    expectLikeExample('updateSecret', first(drain(), 'PATCH', new RegExp(`^/secrets/crpsecret/${version}$`)));

    const deleted = await (await secrets.beginDeleteSecret('crpsecret', { intervalInMs: 10 })).pollUntilDone();
    expect(deleted).toMatchObject({ name: 'crpsecret', properties: { recoveryId: expect.stringContaining('/deletedsecrets/crpsecret'), deletedOn: expect.any(Date), scheduledPurgeDate: expect.any(Date) } });
    expectLikeExample('deleteSecret', first(drain(), 'DELETE', /^\/secrets\/crpsecret$/));
    expect((await secrets.getDeletedSecret('crpsecret')).properties.recoveryId).toContain('/deletedsecrets/crpsecret');
    expectLikeExample('getDeletedSecret', first(drain(), 'GET', /^\/deletedsecrets\/crpsecret$/));
  });

  it('every example of the fixture was compared', () => {
    expect([...checked].sort()).toEqual(Object.keys(fixture.examples).sort());
  });
});
