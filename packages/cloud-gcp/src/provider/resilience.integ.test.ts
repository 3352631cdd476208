import type { GcpEmulator } from '@gati-framework/cloud-emulator/gcp';
import type { ClusterConfigInput, ProgressEvent } from '@gati-framework/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GCPCloudProvider } from '../index.js';
import { providerConfig, startEmulator, TRANSPORTS } from '../../test/emulator.js';

let emu: GcpEmulator;
let provider: GCPCloudProvider;

const cluster = (pools = 1): ClusterConfigInput => ({
  name: 'shop',
  version: '1.33',
  nodePools: [
    { name: 'general', instanceType: 'e2-standard-4', minNodes: 1, desiredNodes: 3, maxNodes: 6, labels: { tier: 'web' }, taints: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' as const }] },
    { name: 'batch', instanceType: 'n2-highmem-8', minNodes: 0, desiredNodes: 0, maxNodes: 10, diskSizeGb: 200 },
  ].slice(0, pools),
  tags: { team: 'payments' },
});

// Container and Secret Manager over REST, then over gRPC (TLS, the token as call credentials): faults arrive as HTTP statuses in one, gRPC codes in the other.
describe.each(TRANSPORTS)('GKE provisioning under real-world failures, over %s', (transport) => {
  beforeEach(async () => {
    emu = await startEmulator();
    provider = new GCPCloudProvider();
    await provider.initialize(providerConfig(emu, {}, transport));
  });
  afterEach(async () => {
    await provider.close();
    await emu.close();
  });

  it('30% throttling, 5% server errors and lost responses: one cluster, no duplicate, and delete leaves nothing', async () => {
    emu.faults.configure({ seed: 2, throttleRate: 0.3, serverErrorRate: 0.05, lostResponseRate: 0.1 });
    const info = await provider.createCluster(cluster(2), { timeoutMs: 60_000 });
    expect(info).toMatchObject({ name: 'shop', status: 'ACTIVE', provider: 'gcp' });
    expect(info.nodePools.map((p) => p.name).sort()).toEqual(['batch', 'general']);
    expect(emu.inventory()).toEqual({
      clusters: [`gke_${emu.project}_europe-west1_shop`],
      nodePools: expect.arrayContaining([expect.stringMatching(/general$/), expect.stringMatching(/batch$/)]),
      // Exactly one of each piece of the network Gati made for it: no lost answer made a duplicate.
      networks: [`projects/${emu.project}/global/networks/shop-vpc`],
      subnetworks: [`projects/${emu.project}/regions/europe-west1/subnetworks/shop-nodes`],
      routers: [],
      secrets: [],
    });
    expect(emu.inventory().nodePools).toHaveLength(2);
    // The seed fails some create calls themselves (after the work was done, for lost responses): the retry must adopt, not duplicate.
    // (The log's status is HTTP over REST, the gRPC code over gRPC: the injected fault is what both share.)
    const creates = ['InsertNetwork', 'InsertSubnetwork', 'CreateCluster'].flatMap((operation) => emu.requests({ operation }).map((r) => r.fault));
    expect(creates.filter((fault) => fault === 'server-error' || fault === 'lost-response').length).toBeGreaterThan(0);
    expect(emu.requests().filter((r) => r.fault !== undefined).length).toBeGreaterThan(3);
    if (transport === 'grpc') expect(emu.requests({ service: 'gcp:container' }).filter((r) => r.fault !== undefined && r.path.startsWith('/google.container.v1.ClusterManager/')).length).toBeGreaterThan(0);
    await provider.deleteCluster('shop', { timeoutMs: 60_000 });
    expect(emu.inventory()).toEqual({ clusters: [], nodePools: [], networks: [], subnetworks: [], routers: [], secrets: [] });
  }, 90_000);

  it('sends the GKE shape: VPC-native, Workload Identity, shielded nodes, release channel, pools with autoscaling, taints and GCP-valid labels', async () => {
    await provider.createCluster({ ...cluster(1), network: { privateNetworking: true, cidrBlock: '10.20.0.0/20' } });
    // What GKE received, as the emulator stored it.
    const body = { cluster: emu.gke.clusters.get(`gke_${emu.project}_europe-west1_shop`)?.spec ?? {} };
    expect(body.cluster).toMatchObject({
      // REST sends enums as numbers (enum-encoding=int): REGULAR is 2, NO_SCHEDULE 1.
      releaseChannel: { channel: expect.toBeOneOf(['REGULAR', 2]) },
      network: 'shop-vpc',
      subnetwork: 'shop-nodes',
      ipAllocationPolicy: { useIpAliases: true, clusterSecondaryRangeName: 'pods', servicesSecondaryRangeName: 'services' },
      workloadIdentityConfig: { workloadPool: `${emu.project}.svc.id.goog` },
      shieldedNodes: { enabled: true },
      privateClusterConfig: { enablePrivateNodes: true, masterIpv4CidrBlock: '172.16.0.0/28' },
      resourceLabels: { team: 'payments', 'gati-dev_cluster': 'shop', 'gati-dev_managed-by': 'gati' },
    });
    // Private nodes have no external IPs: a Cloud Router with NAT gives them egress.
    expect(emu.inventory().routers).toEqual([`projects/${emu.project}/regions/europe-west1/routers/shop-router`]);
    const [pool] = body.cluster['nodePools'] as Record<string, unknown>[];
    expect(pool).toMatchObject({
      name: 'general',
      config: { machineType: 'e2-standard-4', labels: { tier: 'web' }, taints: [{ key: 'dedicated', value: 'web', effect: expect.toBeOneOf(['NO_SCHEDULE', 1]) }] },
      autoscaling: { enabled: true, totalMinNodeCount: 1, totalMaxNodeCount: 6 },
      management: { autoRepair: true, autoUpgrade: true },
      upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
    });
    for (const key of Object.keys(body.cluster['resourceLabels'] as object)) expect(key).toMatch(/^[a-z][a-z0-9_-]{0,62}$/);
  });

  it('a failure mid-way reports what exists; a second createCluster completes it', async () => {
    await provider.createCluster(cluster(1));
    emu.faults.addRule({ match: /^container:CreateNodePool$/, error: 'Quota', times: 1 });
    const error = await provider.createCluster(cluster(2)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'QUOTA_EXCEEDED', message: expect.stringMatching(/Insufficient regional quota[\s\S]*createCluster again[\s\S]*GKE cluster shop \(RUNNING\); node pool general \(RUNNING\)/) });
    const info = await provider.createCluster(cluster(2));
    expect(info.nodePools.map((p) => p.name).sort()).toEqual(['batch', 'general']);
    expect(emu.requests({ operation: 'CreateCluster' }).filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('"operation in progress" (FAILED_PRECONDITION while the cluster is busy) is waited on and retried', async () => {
    // What GKE answers when a node pool is added while another operation runs on the cluster.
    const busy = 'Operation operation-1733300000000-abc is currently creating node pool general on cluster shop. Please wait and try again once it is done.';
    // Pools of a new cluster come inline with it; a pool added to an existing cluster is its own operation.
    await provider.createCluster(cluster(1));
    emu.faults.addRule({ match: /^container:CreateNodePool$/, error: 'FAILED_PRECONDITION', status: 400, message: busy, times: 2 });
    const info = await provider.createCluster(cluster(2), { timeoutMs: 60_000 });
    expect(info.nodePools.map((p) => p.name).sort()).toEqual(['batch', 'general']);
    expect(emu.requests({ operation: 'CreateNodePool' }).filter((r) => r.fault !== undefined)).toHaveLength(2);
    expect(emu.inventory().nodePools).toHaveLength(2);
  });

  it('permission denied fails within seconds, not at the deadline', async () => {
    emu.faults.addRule({ match: /^container:CreateCluster$/, error: 'PermissionDenied' });
    const started = Date.now();
    await expect(provider.createCluster(cluster(1), { timeoutMs: 60_000 })).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('quota as a DONE operation with an error is QUOTA_EXCEEDED; the failed cluster is reported and can be deleted', async () => {
    emu.operationFaults.addRule({ match: /^container:CreateCluster$/, error: 'Quota', times: 1 });
    const events: ProgressEvent[] = [];
    await expect(provider.createCluster(cluster(1), { onProgress: (e) => events.push(e) })).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED', message: expect.stringContaining('Insufficient regional quota') });
    expect(events.at(-1)).toMatchObject({ phase: 'failed' });
    expect((await provider.getCluster('shop')).status).toBe('FAILED');
    await provider.deleteCluster('shop');
    expect(emu.inventory().clusters).toEqual([]);
  });

  it('a zonal cluster lives in the zone; deleting a missing cluster is NOT_FOUND', async () => {
    const zonal = new GCPCloudProvider();
    await zonal.initialize(providerConfig(emu, { zone: 'europe-west1-b' }, transport));
    try {
      await zonal.createCluster(cluster(1));
      expect(emu.inventory().clusters).toEqual([`gke_${emu.project}_europe-west1-b_shop`]);
      await zonal.deleteCluster('shop');
      await expect(zonal.deleteCluster('shop')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await zonal.close();
    }
  });
});
