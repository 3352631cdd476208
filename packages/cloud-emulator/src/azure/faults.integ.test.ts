import { ContainerServiceClient } from '@azure/arm-containerservice';
import { ResourceManagementClient } from '@azure/arm-resources';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AzureEmulator } from './index.js';

let emulator: AzureEmulator;
let resources: ResourceManagementClient;
let aks: ContainerServiceClient;
const fast = { updateIntervalInMs: 10 };

beforeAll(async () => {
  emulator = await AzureEmulator.start({ retryAfterSeconds: 0, timings: { clusterCreateMs: 50 } });
  resources = new ResourceManagementClient(emulator.credential(), emulator.subscriptionId, { endpoint: emulator.armEndpoint, credentialScopes: ['https://management.azure.com/.default'], tlsOptions: { ca: emulator.caPem } });
  aks = new ContainerServiceClient(emulator.credential(), emulator.subscriptionId, { endpoint: emulator.armEndpoint, tlsOptions: { ca: emulator.caPem } });
  await resources.resourceGroups.createOrUpdate('faults', { location: 'westeurope' });
});

afterEach(() => emulator.faults.reset());
afterAll(async () => {
  await emulator?.close();
});

const cluster = { location: 'westeurope', agentPoolProfiles: [{ name: 'system', mode: 'System', count: 1, vmSize: 'Standard_D2s_v5' }] };

describe('Azure emulator: faults rendered the Azure way', () => {
  it('throttles with 429 TooManyRequests and Retry-After, which the SDK honours and retries', async () => {
    emulator.faults.addRule({ match: /^arm:ResourceGroups_Get$/, error: 'Throttle', times: 2 });
    expect((await resources.resourceGroups.get('faults')).name).toBe('faults');
    const throttled = emulator.requests({ operation: 'ResourceGroups_Get', status: 429 });
    expect(throttled).toHaveLength(2);
    expect(throttled[0]).toMatchObject({ errorCode: 'TooManyRequests', fault: 'throttle' });
  });

  it('answers 409 OperationNotAllowed, 403 AuthorizationFailed and 409 QuotaExceeded with those codes', async () => {
    emulator.faults.addRule({ match: /ManagedClusters_CreateOrUpdate/, error: 'OperationNotAllowed', status: 409, times: 1 });
    await expect(aks.managedClusters.createOrUpdate('faults', 'c1', cluster, fast).pollUntilDone()).rejects.toMatchObject({ statusCode: 409, code: 'OperationNotAllowed' });
    emulator.faults.addRule({ match: /ManagedClusters_CreateOrUpdate/, error: 'PermissionDenied', times: 1 });
    const denied = aks.managedClusters.createOrUpdate('faults', 'c1', cluster, fast).pollUntilDone();
    await expect(denied).rejects.toMatchObject({ statusCode: 403, code: 'AuthorizationFailed', message: expect.stringContaining('Microsoft.ContainerService/managedClusters/write') });
    emulator.faults.addRule({ match: /ManagedClusters_CreateOrUpdate/, error: 'Quota', times: 1 });
    await expect(aks.managedClusters.createOrUpdate('faults', 'c1', cluster, fast).pollUntilDone()).rejects.toMatchObject({ statusCode: 409, code: 'QuotaExceeded' });
    expect(emulator.inventory().managedClusters).toEqual([]);
  });

  it('a lost response does the work and answers 504: the SDK retry finds it done, with no duplicate', async () => {
    emulator.faults.addRule({ match: /^arm:ResourceGroups_CreateOrUpdate$/, error: 'LostResponse', times: 1 });
    const rg = await resources.resourceGroups.createOrUpdate('lost', { location: 'westeurope' });
    expect(rg.name).toBe('lost');
    const puts = emulator.requests({ operation: 'ResourceGroups_CreateOrUpdate', pathIncludes: '/lost' });
    expect(puts.map((p) => p.status)).toEqual([504, 200]); // created by the first, found by the retry
    expect(emulator.inventory().resourceGroups.filter((id) => id.endsWith('/lost'))).toHaveLength(1);
  });

  it('a 500 is retried by the SDK', async () => {
    emulator.faults.addRule({ match: /^arm:ResourceGroups_Get$/, error: 'ServerError', times: 1 });
    expect((await resources.resourceGroups.get('faults')).name).toBe('faults');
    expect(emulator.requests({ operation: 'ResourceGroups_Get', status: 500 })).toHaveLength(1);
  });
});
