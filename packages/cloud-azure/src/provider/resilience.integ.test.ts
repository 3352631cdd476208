import type { AzureEmulator } from '@gati-framework/cloud-emulator/azure';
import { isGatiError, type ClusterConfigInput, type GatiError, type ProgressEvent } from '@gati-framework/core';
import { expectGatiError } from '@gati-framework/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AzureCloudProvider } from '../index.js';
import { providerConfig, startEmulator } from '../../test/emulator.js';

const cluster = (name: string): ClusterConfigInput => ({
  name,
  version: '1.31',
  network: { cidrBlock: '10.20.0.0/16' },
  nodePools: [
    { name: 'general', instanceType: 'Standard_D4s_v5', minNodes: 1, desiredNodes: 2, maxNodes: 4, diskSizeGb: 64, labels: { tier: 'web' } },
    { name: 'batch-jobs', instanceType: 'Standard_F8s_v2', minNodes: 0, desiredNodes: 1, maxNodes: 5, taints: [{ key: 'workload', value: 'batch', effect: 'NoSchedule' }] },
  ],
  tags: { team: 'platform' },
});

let emu: AzureEmulator;
let provider: AzureCloudProvider;

async function newProvider(extra = {}): Promise<AzureCloudProvider> {
  const p = new AzureCloudProvider();
  await p.initialize(providerConfig(emu, extra));
  return p;
}

/** One cluster with its Gati-made group and network: nothing twice. */
function expectOneCluster(name: string): void {
  const inv = emu.inventory();
  expect(inv.resourceGroups).toHaveLength(1);
  expect(inv.virtualNetworks).toHaveLength(1);
  expect(inv.subnets).toHaveLength(1);
  expect(inv.managedClusters).toHaveLength(1);
  expect(inv.managedClusters[0]).toContain(name);
  expect(inv.agentPools).toHaveLength(3);
}

function expectEmpty(): void {
  expect(emu.inventory()).toEqual({ resourceGroups: [], virtualNetworks: [], subnets: [], managedClusters: [], agentPools: [], kubernetesApis: [], secrets: [], deletedSecrets: [] });
}

beforeEach(async () => {
  emu = await startEmulator();
  provider = await newProvider();
});
afterEach(async () => {
  await provider.close();
  await emu.close();
});

describe('AKS cluster as Gati makes it', () => {
  it('creates group, network, cluster and pools with the documented settings, then deletes all of it', async () => {
    const info = await provider.createCluster(cluster('shop'), { timeoutMs: 30_000 });
    expect(info).toMatchObject({ name: 'shop', provider: 'azure', status: 'ACTIVE', version: '1.31', region: 'westeurope', tags: { team: 'platform' } });
    expect(info.nodePools.map((p) => p.name).sort()).toEqual(['batch-jobs', 'general']);
    expectOneCluster('shop');

    const { ContainerServiceClient } = await import('@azure/arm-containerservice');
    const aks = new ContainerServiceClient(emu.credential(), emu.subscriptionId, { endpoint: emu.armEndpoint, tlsOptions: { ca: emu.caPem } });
    const got = await aks.managedClusters.get('shop-test', 'shop');
    expect(got).toMatchObject({
      sku: { tier: 'Standard' },
      identity: { type: 'SystemAssigned' },
      networkProfile: { networkPlugin: 'azure', networkPluginMode: 'overlay', networkDataplane: 'cilium' },
      oidcIssuerProfile: { enabled: true },
      securityProfile: { workloadIdentity: { enabled: true } },
      aadProfile: { managed: true, enableAzureRbac: true },
      disableLocalAccounts: true,
      autoUpgradeProfile: { upgradeChannel: 'patch', nodeOSUpgradeChannel: 'NodeImage' },
    });
    expect(got.tags).toMatchObject({ 'gati.dev_cluster': 'shop', 'gati.dev_managed-by': 'gati', team: 'platform' });
    const system = await aks.agentPools.get('shop-test', 'shop', 'system');
    expect(system).toMatchObject({ mode: 'System', nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'], availabilityZones: ['1', '2', '3'], enableAutoScaling: true });
    const batch = await aks.agentPools.get('shop-test', 'shop', 'batchjobs');
    expect(batch).toMatchObject({ mode: 'User', vmSize: 'Standard_F8s_v2', minCount: 0, maxCount: 5, nodeTaints: ['workload=batch:NoSchedule'], upgradeSettings: { maxSurge: '33%' } });
    expect(batch.vnetSubnetID).toMatch(/virtualNetworks\/shop-vnet\/subnets\/nodes$/);

    await provider.deleteCluster('shop', { timeoutMs: 30_000 });
    expectEmpty();
    await expectGatiError(provider.getCluster('shop'), 'NOT_FOUND');
  }, 60_000);

  it('a region without zones gets pools without zones', async () => {
    const p = await newProvider({ location: 'westus' });
    await p.createCluster(cluster('nozones'), { timeoutMs: 30_000 });
    const { ContainerServiceClient } = await import('@azure/arm-containerservice');
    const aks = new ContainerServiceClient(emu.credential(), emu.subscriptionId, { endpoint: emu.armEndpoint, tlsOptions: { ca: emu.caPem } });
    expect((await aks.agentPools.get('shop-test', 'nozones', 'system')).availabilityZones ?? []).toEqual([]);
    await p.close();
  }, 60_000);

  it('does not delete a resource group it did not create', async () => {
    const { ResourceManagementClient } = await import('@azure/arm-resources');
    const rm = new ResourceManagementClient(emu.credential(), emu.subscriptionId, { endpoint: emu.armEndpoint, credentialScopes: ['https://management.azure.com/.default'], tlsOptions: { ca: emu.caPem } });
    await rm.resourceGroups.createOrUpdate('shop-test', { location: 'westeurope' });
    await provider.createCluster(cluster('shop'), { timeoutMs: 30_000 });
    await provider.deleteCluster('shop', { timeoutMs: 30_000 });
    expect(emu.inventory().resourceGroups).toHaveLength(1);
    expect(emu.inventory().managedClusters).toEqual([]);
    expect(emu.inventory().virtualNetworks).toEqual([]);
  }, 60_000);
});

describe('faults', () => {
  it('seeded throttling, 5xx and lost responses make no duplicate resources', async () => {
    for (const seed of [1, 7]) {
      emu.faults.configure({ seed, throttleRate: 0.15, serverErrorRate: 0.1, lostResponseRate: 0.2, only: /^arm:/ });
      const info = await provider.createCluster(cluster(`faulty${seed}`), { timeoutMs: 60_000 });
      expect(info.status).toBe('ACTIVE');
      emu.faults.configure({ seed, throttleRate: 0, serverErrorRate: 0, lostResponseRate: 0 });
      expect(emu.inventory().managedClusters).toHaveLength(1);
      expect(emu.inventory().agentPools).toHaveLength(3);
      expect(emu.inventory().virtualNetworks).toHaveLength(1);
      await provider.deleteCluster(`faulty${seed}`, { timeoutMs: 60_000 });
      expectEmpty();
    }
  }, 120_000);

  it('a lost response to the cluster PUT and throttled reads (429 + Retry-After) still give one cluster', async () => {
    emu.faults.addRule({ match: /^arm:ManagedClusters_CreateOrUpdate$/, error: 'LostResponse', times: 1 });
    emu.faults.addRule({ match: /^arm:AgentPools_Get$/, error: 'Throttle', times: 3 });
    await expect(provider.createCluster(cluster('lost'), { timeoutMs: 30_000 })).resolves.toMatchObject({ status: 'ACTIVE' });
    expectOneCluster('lost');
    expect(emu.requests().filter((r) => r.status === 504).length).toBeGreaterThanOrEqual(1);
    expect(emu.requests().filter((r) => r.status === 429).length).toBe(3);
  }, 30_000);

  it('a cluster whose operation fails with QuotaExceeded is QUOTA_EXCEEDED, lists what exists, and the next call resumes without duplicates', async () => {
    emu.operationFaults.addRule({ match: /AgentPools_CreateOrUpdate/, error: 'Quota', times: 1 });
    const events: ProgressEvent[] = [];
    const error = (await provider.createCluster(cluster('resume'), { timeoutMs: 30_000, onProgress: (e) => events.push(e) }).catch((e: unknown) => e)) as GatiError;
    expect(isGatiError(error, 'QUOTA_EXCEEDED')).toBe(true);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/Already in place \(kept; call createCluster again to resume\): resource group shop-test \(created\); node subnet .*; AKS cluster resume/);
    expect(events.at(-1)).toMatchObject({ resource: 'cluster/resume', phase: 'failed' });

    const info = await provider.createCluster(cluster('resume'), { timeoutMs: 30_000 });
    expect(info.status).toBe('ACTIVE');
    expectOneCluster('resume');
  }, 60_000);

  it('a managed cluster left Failed by quota is resumed by the same PUT', async () => {
    emu.operationFaults.addRule({ match: /ManagedClusters_CreateOrUpdate/, error: 'Quota', times: 1 });
    await expectGatiError(provider.createCluster(cluster('again'), { timeoutMs: 30_000 }), 'QUOTA_EXCEEDED');
    expect((await provider.getCluster('again')).status).toBe('FAILED');
    await expect(provider.createCluster(cluster('again'), { timeoutMs: 30_000 })).resolves.toMatchObject({ status: 'ACTIVE' });
    expectOneCluster('again');
  }, 60_000);

  it('AuthorizationFailed fails at once with PERMISSION_DENIED, without retries and without a token in the message', async () => {
    emu.faults.addRule({ match: /ManagedClusters_CreateOrUpdate/, error: 'PermissionDenied' });
    const started = performance.now();
    const error = await expectGatiError(provider.createCluster(cluster('denied'), { timeoutMs: 30_000 }), 'PERMISSION_DENIED');
    expect(performance.now() - started).toBeLessThan(5000);
    expect(emu.requests().filter((r) => r.method === 'PUT' && /managedClusters\/denied$/i.test(r.path))).toHaveLength(1);
    expect(error.message).toMatch(/AuthorizationFailed/);
    expect(JSON.stringify(error)).not.toMatch(/eyJ|Bearer [A-Za-z0-9]/);
  }, 30_000);

  it('409 OperationNotAllowed (another operation in progress) is waited on and retried', async () => {
    emu.faults.addRule({ match: /AgentPools_CreateOrUpdate/, error: 'OperationNotAllowed', status: 409, times: 2 });
    await expect(provider.createCluster(cluster('busy'), { timeoutMs: 30_000 })).resolves.toMatchObject({ status: 'ACTIVE' });
    expectOneCluster('busy');
  }, 30_000);

  it('an existing subnet by id is checked; a missing one is INVALID_CONFIG at azure.subnetId', async () => {
    const bad = await newProvider({ azure: { subnetId: `/subscriptions/${emu.subscriptionId}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/s` } });
    const error = (await bad.createCluster(cluster('bad'), { timeoutMs: 10_000 }).catch((e: unknown) => e)) as GatiError;
    expect(error).toMatchObject({ code: 'INVALID_CONFIG' });
    expect(JSON.stringify(error.details)).toContain('azure.subnetId');
    await bad.close();
  }, 30_000);
});
