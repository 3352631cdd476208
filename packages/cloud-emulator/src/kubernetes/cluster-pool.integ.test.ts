import { request } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { KubernetesApiPool, RequestLog } from '../index.js';

/** GET `path` on `endpoint` trusting only `ca`, with a bearer token. */
function get(endpoint: string, ca: string, path: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(`${endpoint}${path}`, { ca, agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    })
      .on('error', reject)
      .end();
  });
}

let pool: KubernetesApiPool | undefined;
afterEach(async () => {
  await pool?.close();
});

describe('KubernetesApiPool', () => {
  it('one TLS API server per cluster, each accepting only tokens the cloud verifier accepts for it', async () => {
    const seen: string[] = [];
    pool = new KubernetesApiPool({
      verifyToken: (token, cluster) => {
        seen.push(cluster);
        return token === `token-for-${cluster}` ? { username: `user@${cluster}` } : undefined;
      },
    });
    const a = await pool.create('alpha');
    const b = await pool.create('beta');
    expect(a.endpoint).not.toBe(b.endpoint);
    expect(a.caPem).toBe(pool.ca.caPem);
    expect(await pool.create('alpha')).toEqual(a); // the same cluster again: the running server
    expect(pool.names().sort()).toEqual(['alpha', 'beta']);

    expect((await get(a.endpoint, a.caPem, '/api/v1/namespaces', 'token-for-alpha')).status).toBe(200);
    expect((await get(a.endpoint, a.caPem, '/api/v1/namespaces', 'token-for-beta')).status).toBe(401);
    expect((await get(b.endpoint, b.caPem, '/api/v1/namespaces', 'token-for-beta')).status).toBe(200);
    expect(seen).toEqual(['alpha', 'alpha', 'beta']);
    // A client that trusts another CA refuses the server.
    const otherCa = new KubernetesApiPool({ verifyToken: () => undefined }).ca.caPem;
    await expect(get(a.endpoint, otherCa, '/version', 'x')).rejects.toThrow();
  });

  it('gives load balancers the address style the cloud passes in', async () => {
    pool = new KubernetesApiPool({
      verifyToken: () => ({ username: 'admin' }),
      loadBalancerAddress: (o, cluster) => ({ hostname: `${String((o['metadata'] as { name: string }).name)}.${cluster}.lb.example` }),
      delays: { loadBalancerMs: 10 },
    });
    await pool.create('gamma');
    const api = pool.api('gamma');
    expect(api).toBeDefined();
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }] } };
    await new Promise<void>((resolve, reject) => {
      const payload = JSON.stringify(svc);
      const req = request(`${api?.url}/api/v1/namespaces/default/services`, { method: 'POST', ca: pool?.ca.caPem, headers: { authorization: 'Bearer t', 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(payload);
    });
    let ingress: unknown;
    for (let i = 0; i < 100 && !ingress; i++) {
      await new Promise((r) => setTimeout(r, 20));
      ingress = (api?.getObject('Service', 'default', 'web') as { status?: { loadBalancer?: { ingress?: unknown[] } } } | undefined)?.status?.loadBalancer?.ingress?.[0];
    }
    expect(ingress).toMatchObject({ hostname: 'web.gamma.lb.example' });
  });

  it('delete stops one cluster\'s server; close stops the rest and is idempotent; requests reach a shared log', async () => {
    const log = new RequestLog();
    pool = new KubernetesApiPool({ verifyToken: () => ({ username: 'admin' }), requestLog: log });
    const a = await pool.create('one');
    const b = await pool.create('two');
    expect((await get(a.endpoint, a.caPem, '/version', 't')).status).toBe(200);
    await pool.delete('one');
    expect(pool.api('one')).toBeUndefined();
    await expect(get(a.endpoint, a.caPem, '/version', 't')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await pool.delete('one'); // nothing left to delete: no error
    await Promise.all([pool.close(), pool.close()]);
    await expect(get(b.endpoint, b.caPem, '/version', 't')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(pool.create('three')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(log.entries({ service: 'kubernetes', pathIncludes: '/version' })).toHaveLength(1);
  });
});
