import { request as httpsRequest } from 'node:https';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GcpEmulator } from './index.js';

let gcp: GcpEmulator;
let base: string;
const P = 'gati-emulator';
const L = 'europe-west1';

beforeEach(async () => {
  gcp = await GcpEmulator.start({ timings: { clusterCreateMs: 150, clusterDeleteMs: 100 } });
  base = `${gcp.endpoint}/v1/projects/${P}/locations/${L}`;
});
afterEach(() => gcp.close());

async function call(method: string, url: string, body?: unknown, token: string | null = gcp.accessToken): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  const response = await fetch(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function untilDone(operationName: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const { json } = await call('GET', `${base}/operations/${operationName}`);
    if (json['status'] === 'DONE') return json;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`operation ${operationName} never finished`);
}

function kubernetesGet(endpoint: string, caPem: string, path: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`https://${endpoint}${path}`, { ca: caPem, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

const createBody = { cluster: { name: 'shop', initialNodeCount: 1, resourceLabels: { team: 'web' } } };

describe('GKE container v1 over REST', () => {
  it('creates a cluster through a CREATE_CLUSTER operation: PROVISIONING, then RUNNING with its own Kubernetes API', async () => {
    const created = await call('POST', `${base}/clusters`, createBody);
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ operationType: 'CREATE_CLUSTER', status: 'RUNNING', location: L });
    expect(String(created.json['targetLink'])).toMatch(/\/locations\/europe-west1\/clusters\/shop$/);
    expect((await call('GET', `${base}/clusters/shop`)).json['status']).toBe('PROVISIONING');

    const done = await untilDone(String(created.json['name']));
    expect(done['endTime']).toBeDefined();
    expect(done['statusMessage']).toBeUndefined();
    const cluster = (await call('GET', `${base}/clusters/shop`)).json;
    expect(cluster).toMatchObject({ name: 'shop', status: 'RUNNING', location: L, resourceLabels: { team: 'web' }, currentNodeCount: 3 });
    expect(String(cluster['endpoint'])).toMatch(/^127\.0\.0\.1:\d+$/);
    const caPem = Buffer.from(String((cluster['masterAuth'] as Record<string, unknown>)['clusterCaCertificate']), 'base64').toString('utf8');
    expect(caPem).toContain('BEGIN CERTIFICATE');

    // The Kubernetes API trusts only tokens the emulator issued for this project.
    expect(await kubernetesGet(String(cluster['endpoint']), caPem, '/api/v1/namespaces', gcp.accessToken)).toBe(200);
    expect(await kubernetesGet(String(cluster['endpoint']), caPem, '/api/v1/namespaces', gcp.issueAccessToken('other-project'))).toBe(401);
    expect(await kubernetesGet(String(cluster['endpoint']), caPem, '/api/v1/namespaces', 'ya29.forged')).toBe(401);

    const listed = (await call('GET', `${gcp.endpoint}/v1/projects/${P}/locations/-/clusters`)).json['clusters'] as { name: string }[];
    expect(listed.map((c) => c.name)).toEqual(['shop']);
    // The older zonal paths name the same clusters.
    expect((await call('GET', `${gcp.endpoint}/v1/projects/${P}/zones/${L}/clusters/shop`)).json['status']).toBe('RUNNING');
    const ops = (await call('GET', `${base}/operations`)).json['operations'] as { name: string }[];
    expect(ops.map((o) => o.name)).toEqual([created.json['name']]);
  });

  it('refuses a second operation while the cluster is busy, then deletes it: STOPPING, then gone', async () => {
    const created = await call('POST', `${base}/clusters`, createBody);
    const busy = await call('DELETE', `${base}/clusters/shop`);
    expect(busy.status).toBe(400);
    expect(busy.json['error']).toMatchObject({ code: 400, status: 'FAILED_PRECONDITION' });
    expect(String((busy.json['error'] as { message: string }).message)).toContain(String(created.json['name']));
    const duplicate = await call('POST', `${base}/clusters`, createBody);
    expect(duplicate.json['error']).toMatchObject({ code: 409, status: 'ALREADY_EXISTS' });

    await untilDone(String(created.json['name']));
    const deleting = await call('DELETE', `${base}/clusters/shop`);
    expect(deleting.json).toMatchObject({ operationType: 'DELETE_CLUSTER', status: 'RUNNING' });
    expect((await call('GET', `${base}/clusters/shop`)).json['status']).toBe('STOPPING');
    await untilDone(String(deleting.json['name']));
    const gone = await call('GET', `${base}/clusters/shop`);
    expect(gone.status).toBe(404);
    expect(gone.json['error']).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    expect(gcp.inventory()).toMatchObject({ clusters: [], nodePools: [] });
    expect(gcp.pool.names()).toEqual([]);
  });

  it('adds and removes node pools through operations, one operation on a cluster at a time', async () => {
    await untilDone(String((await call('POST', `${base}/clusters`, { cluster: { name: 'shop', nodePools: [{ name: 'system', initialNodeCount: 1 }] } })).json['name']));
    const pools = `${base}/clusters/shop/nodePools`;
    const body = { nodePool: { name: 'web', initialNodeCount: 2, config: { machineType: 'e2-standard-4', labels: { tier: 'web' } } } };
    const created = await call('POST', pools, body);
    expect(created.json).toMatchObject({ operationType: 'CREATE_NODE_POOL', status: 'RUNNING' });
    expect(String(created.json['targetLink'])).toMatch(/\/clusters\/shop\/nodePools\/web$/);
    const busy = await call('POST', pools, { nodePool: { name: 'batch', initialNodeCount: 1 } });
    expect(busy.json['error']).toMatchObject({ code: 400, status: 'FAILED_PRECONDITION' });
    expect((await call('GET', `${pools}/web`)).json['status']).toBe('PROVISIONING');
    await untilDone(String(created.json['name']));
    expect((await call('GET', `${pools}/web`)).json).toMatchObject({ name: 'web', status: 'RUNNING', initialNodeCount: 2, config: { machineType: 'e2-standard-4', labels: { tier: 'web' } } });
    const listed = (await call('GET', pools)).json['nodePools'] as { name: string }[];
    expect(listed.map((p) => p.name)).toEqual(['system', 'web']);
    expect((await call('GET', `${base}/clusters/shop`)).json['currentNodeCount']).toBe(9);
    expect((await call('POST', pools, body)).json['error']).toMatchObject({ code: 409, status: 'ALREADY_EXISTS' });

    const deleting = await call('DELETE', `${pools}/web`);
    expect(deleting.json).toMatchObject({ operationType: 'DELETE_NODE_POOL' });
    expect((await call('GET', `${pools}/web`)).json['status']).toBe('STOPPING');
    await untilDone(String(deleting.json['name']));
    expect((await call('GET', `${pools}/web`)).status).toBe(404);
    expect(gcp.inventory().nodePools).toEqual([`gke_${P}_${L}_shop/system`]);
  });

  it('answers bad names, unknown tokens and other projects as Google does', async () => {
    const bad = await call('POST', `${base}/clusters`, { cluster: { name: 'Shop_1' } });
    expect(bad.json['error']).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(String((bad.json['error'] as { message: string }).message)).toContain('cluster.name');
    const anonymous = await call('GET', `${base}/clusters`, undefined, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json['error']).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    expect((await call('GET', `${base}/clusters`, undefined, 'ya29.not-issued')).status).toBe(401);
    const elsewhere = await call('GET', `${gcp.endpoint}/v1/projects/someone-else/locations/${L}/clusters`);
    expect(elsewhere.json['error']).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
    const enabled = await call('GET', `${gcp.endpoint}/v1/projects/${P}/services/container.googleapis.com`);
    expect(enabled.json).toMatchObject({ state: 'ENABLED', config: { name: 'container.googleapis.com' } });
  });

  it('renders the kit faults in Google wire shapes, and a quota failure as a DONE operation with an error', async () => {
    gcp.faults.addRule({ match: /^container:ListClusters$/, error: 'Throttle', times: 1 });
    gcp.faults.addRule({ match: /^container:GetCluster$/, error: 'ServerError', times: 1 });
    gcp.faults.addRule({ match: /^container:ListOperations$/, error: 'PermissionDenied', times: 1 });
    gcp.faults.addRule({ match: /^container:CreateCluster$/, error: 'Quota', times: 1 });
    expect((await call('GET', `${base}/clusters`)).json['error']).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect((await call('GET', `${base}/clusters/x`)).json['error']).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
    const denied = (await call('GET', `${base}/operations`)).json['error'] as { code: number; status: string; message: string };
    expect(denied).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
    expect(denied.message).toContain('container.operations.list');
    const quota = (await call('POST', `${base}/clusters`, createBody)).json['error'] as { code: number; message: string };
    expect(quota.code).toBe(403);
    expect(quota.message).toContain('Insufficient regional quota');
    expect(gcp.inventory().clusters).toEqual([]);

    // A lost response: the cluster is created, the caller sees a 503.
    gcp.faults.addRule({ match: /^container:CreateCluster$/, error: 'LostResponse', times: 1 });
    expect((await call('POST', `${base}/clusters`, createBody)).status).toBe(503);
    expect(gcp.inventory().clusters).toEqual([`gke_${P}_${L}_shop`]);
    expect(gcp.requests({ operation: 'CreateCluster' }).map((r) => r.fault)).toEqual(['quota', 'lost-response']);

    gcp.operationFaults.addRule({ match: /^container:CreateCluster$/, error: 'Quota', times: 1 });
    const failing = await call('POST', `${base}/clusters`, { cluster: { name: 'big' } });
    const done = await untilDone(String(failing.json['name']));
    expect(String(done['statusMessage'])).toContain('Insufficient regional quota');
    expect(done['error']).toMatchObject({ code: 8 });
    expect((await call('GET', `${base}/clusters/big`)).json).toMatchObject({ status: 'ERROR' });
  });
});
