import { GlobalOperationsClient, NetworksClient, RegionOperationsClient, RoutersClient, SubnetworksClient } from '@google-cloud/compute';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GcpEmulator } from './index.js';
import { googleAuthClient } from './test-auth.js';

let gcp: GcpEmulator;
const P = 'gati-emulator';
const R = 'europe-west1';

beforeEach(async () => {
  gcp = await GcpEmulator.start({ timings: { computeOperationMs: 60, clusterCreateMs: 50, clusterDeleteMs: 50 } });
});
afterEach(() => gcp.close());

function clients(token = gcp.accessToken) {
  const options = { apiEndpoint: '127.0.0.1', port: Number(new URL(gcp.endpoint).port), protocol: 'http', fallback: 'rest' as const, authClient: googleAuthClient(token) };
  return {
    networks: new NetworksClient(options),
    subnetworks: new SubnetworksClient(options),
    routers: new RoutersClient(options),
    globalOps: new GlobalOperationsClient(options),
    regionOps: new RegionOperationsClient(options),
  };
}

/** gax maps a REST error to a gRPC code (a gaxios client would keep the HTTP status): the error's code as HTTP. */
const HTTP_OF_GRPC: Record<number, number> = { 3: 400, 9: 400, 16: 401, 7: 403, 5: 404, 6: 409, 8: 429, 14: 503 };

async function errorOf(promise: Promise<unknown>): Promise<{ code?: unknown; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: number; message: string };
    return { code: e.code !== undefined && e.code < 100 ? HTTP_OF_GRPC[e.code] : e.code, message: e.message };
  }
  throw new Error('expected the call to fail');
}

describe('Compute Engine v1 over REST through @google-cloud/compute', () => {
  it('creates a custom-mode network, a subnetwork with secondary ranges and a router with Cloud NAT, each through an operation', async () => {
    const c = clients();
    const [insert] = await c.networks.insert({ project: P, networkResource: { name: 'shop-vpc', autoCreateSubnetworks: false, description: 'managed-by=gati' } });
    const first = insert.latestResponse as unknown as { name: string; status: string; targetLink: string; selfLink: string };
    expect(first.status).toBe('PENDING');
    expect(first.targetLink).toMatch(/\/compute\/v1\/projects\/gati-emulator\/global\/networks\/shop-vpc$/);
    const [done] = await c.globalOps.wait({ project: P, operation: first.name });
    expect(done).toMatchObject({ status: 'DONE', progress: 100 });
    expect(done.error).toBeFalsy();
    const [network] = await c.networks.get({ project: P, network: 'shop-vpc' });
    expect(network).toMatchObject({ name: 'shop-vpc', autoCreateSubnetworks: false, description: 'managed-by=gati' });

    const [subOp] = await c.subnetworks.insert({
      project: P,
      region: R,
      subnetworkResource: { name: 'shop-nodes', network: network.selfLink ?? '', ipCidrRange: '10.0.0.0/20', privateIpGoogleAccess: true, secondaryIpRanges: [{ rangeName: 'pods', ipCidrRange: '10.4.0.0/14' }, { rangeName: 'services', ipCidrRange: '10.8.0.0/20' }] },
    });
    const subDone = (await c.regionOps.wait({ project: P, region: R, operation: String((subOp.latestResponse as { name: string }).name) }))[0];
    expect(subDone.status).toBe('DONE');
    const [subnet] = await c.subnetworks.get({ project: P, region: R, subnetwork: 'shop-nodes' });
    expect(subnet).toMatchObject({ ipCidrRange: '10.0.0.0/20', gatewayAddress: '10.0.0.1', privateIpGoogleAccess: true });
    expect(subnet.secondaryIpRanges?.map((s) => s.rangeName)).toEqual(['pods', 'services']);
    expect(subnet.network).toMatch(/global\/networks\/shop-vpc$/);

    await c.routers.insert({ project: P, region: R, routerResource: { name: 'shop-router', network: 'global/networks/shop-vpc', description: 'managed-by=gati' } });
    await c.routers.patch({ project: P, region: R, router: 'shop-router', routerResource: { nats: [{ name: 'shop-nat', natIpAllocateOption: 'AUTO_ONLY', sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES' }] } });
    const [routers] = await c.routers.list({ project: P, region: R });
    expect(routers.map((r) => r.name)).toEqual(['shop-router']);
    expect(routers[0]?.nats?.[0]).toMatchObject({ name: 'shop-nat', natIpAllocateOption: 'AUTO_ONLY', sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES' });
    expect(routers[0]?.description).toBe('managed-by=gati');
    expect(gcp.inventory()).toMatchObject({ networks: ['projects/gati-emulator/global/networks/shop-vpc'], subnetworks: ['projects/gati-emulator/regions/europe-west1/subnetworks/shop-nodes'], routers: ['projects/gati-emulator/regions/europe-west1/routers/shop-router'] });

    // A network still in use cannot go; once its subnetwork and router are gone it can.
    const inUse = await errorOf(c.networks.delete({ project: P, network: 'shop-vpc' }));
    expect(inUse.code).toBe(400);
    expect(inUse.message).toContain('is already being used by');
    await c.routers.delete({ project: P, region: R, router: 'shop-router' });
    await c.subnetworks.delete({ project: P, region: R, subnetwork: 'shop-nodes' });
    await c.networks.delete({ project: P, network: 'shop-vpc' });
    expect(gcp.inventory()).toMatchObject({ networks: [], subnetworks: [], routers: [] });
    for (const client of Object.values(c)) await client.close();
  });

  it('answers alreadyExists, notFound, overlapping and invalid CIDRs, and an unknown token as Google does', async () => {
    const c = clients();
    await c.networks.insert({ project: P, networkResource: { name: 'vpc', autoCreateSubnetworks: false } });
    expect((await errorOf(c.networks.insert({ project: P, networkResource: { name: 'vpc', autoCreateSubnetworks: false } }))).code).toBe(409);
    expect((await errorOf(c.networks.get({ project: P, network: 'nope' }))).code).toBe(404);
    await c.subnetworks.insert({ project: P, region: R, subnetworkResource: { name: 'a', network: 'global/networks/vpc', ipCidrRange: '10.0.0.0/16' } });
    const overlap = await errorOf(c.subnetworks.insert({ project: P, region: 'us-central1', subnetworkResource: { name: 'b', network: 'global/networks/vpc', ipCidrRange: '10.0.128.0/20' } }));
    expect(overlap.code).toBe(400);
    expect(overlap.message).toMatch(/conflicts with existing subnetwork 'a'/);
    const invalid = await errorOf(c.subnetworks.insert({ project: P, region: R, subnetworkResource: { name: 'c', network: 'global/networks/vpc', ipCidrRange: '10.0.0.1/33' } }));
    expect(invalid.code).toBe(400);
    expect((await errorOf(c.subnetworks.insert({ project: P, region: R, subnetworkResource: { name: 'd', network: 'global/networks/missing', ipCidrRange: '10.9.0.0/16' } }))).code).toBe(404);
    expect((await errorOf(clients('ya29.not-issued').networks.list({ project: P }))).code).toBe(401);
    for (const client of Object.values(c)) await client.close();
  });

  it('reports a failed operation with error.errors[] and creates nothing', async () => {
    const c = clients();
    gcp.operationFaults.addRule({ match: /compute:InsertNetwork/, error: 'Quota', times: 1 });
    const [op] = await c.networks.insert({ project: P, networkResource: { name: 'vpc', autoCreateSubnetworks: false } });
    const [done] = await c.globalOps.wait({ project: P, operation: String((op.latestResponse as { name: string }).name) });
    expect(done.status).toBe('DONE');
    expect(done.error?.errors?.[0]?.code).toBe('QUOTA_EXCEEDED');
    expect((await errorOf(c.networks.get({ project: P, network: 'vpc' }))).code).toBe(404);
    for (const client of Object.values(c)) await client.close();
  });

  it('refuses to delete a network a GKE cluster uses', async () => {
    const c = clients();
    await c.networks.insert({ project: P, networkResource: { name: 'vpc', autoCreateSubnetworks: false } });
    const response = await fetch(`${gcp.endpoint}/v1/projects/${P}/locations/${R}/clusters`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gcp.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cluster: { name: 'shop', network: 'projects/gati-emulator/global/networks/vpc', initialNodeCount: 1 } }),
    });
    expect(response.status).toBe(200);
    const inUse = await errorOf(c.networks.delete({ project: P, network: 'vpc' }));
    expect(inUse.message).toMatch(/clusters\/shop/);

    const create = (cluster: Record<string, unknown>) =>
      fetch(`${gcp.endpoint}/v1/projects/${P}/locations/${R}/clusters`, { method: 'POST', headers: { authorization: `Bearer ${gcp.accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ cluster }) });
    const missing = await create({ name: 'nonet', network: 'global/networks/missing' });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('Network \\"missing\\" does not exist');
    await c.subnetworks.insert({ project: P, region: R, subnetworkResource: { name: 'nodes', network: 'global/networks/vpc', ipCidrRange: '10.0.0.0/20', secondaryIpRanges: [{ rangeName: 'pods', ipCidrRange: '10.4.0.0/14' }] } });
    const noRange = await create({ name: 'norange', network: 'vpc', subnetwork: 'nodes', ipAllocationPolicy: { useIpAliases: true, clusterSecondaryRangeName: 'pods', servicesSecondaryRangeName: 'services' } });
    expect(noRange.status).toBe(400);
    expect(await noRange.text()).toContain('services');
    const ok = await create({ name: 'vpc-native', network: 'vpc', subnetwork: 'nodes', ipAllocationPolicy: { useIpAliases: true, clusterSecondaryRangeName: 'pods' } });
    expect(ok.status).toBe(200);
    for (const client of Object.values(c)) await client.close();
  });
});
