import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createCertificateAuthority, startKubernetesEmulator, type KubernetesEmulator } from '@gati-framework/cloud-emulator';
import { isGatiError, renderKubeconfig, type GatiError } from '@gati-framework/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../index.js';

let e: KubernetesEmulator;
let other: KubernetesEmulator;
beforeAll(async () => {
  e = await startKubernetesEmulator();
  other = await startKubernetesEmulator(); // a second CA the first server's certificate is not from
});
afterAll(async () => {
  await e.close();
  await other.close();
});

const failure = (p: Promise<unknown>): Promise<GatiError> =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (x: unknown) => {
      expect(isGatiError(x)).toBe(true);
      return x as GatiError;
    },
  );

describe('KubeTransport against the emulator', () => {
  it('trusts the API server only through the kubeconfig’s CA', async () => {
    const wrongCa = KubeClient.fromKubeconfig(renderKubeconfig({ name: 'c', server: e.url, caPem: other.caPem, user: { token: e.token } }));
    const error = await failure(wrongCa.list({ apiVersion: 'v1', kind: 'Namespace' }));
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', provider: 'kubernetes' });
    expect(error.message).toMatch(/not trusted.*certificate-authority-data/);
    const rightCa = KubeClient.fromKubeconfig(renderKubeconfig({ name: 'c', server: e.url, caPem: e.caPem, user: { token: e.token } }));
    expect((await rightCa.list({ apiVersion: 'v1', kind: 'Namespace' })).map((n) => n.metadata.name)).toContain('kube-system');
    rightCa.close();
  });

  it('sends the bearer token; a wrong one is UNAUTHENTICATED and never appears in the error', async () => {
    const secret = 'wrong-token-7f3a9c1e5b';
    const bad = KubeClient.fromKubeconfig(e.kubeconfig({ token: secret }));
    const error = await failure(bad.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x' }));
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', retryable: false });
    expect(JSON.stringify({ message: error.message, details: error.details, cause: String(error.cause) })).not.toContain(secret);
  });

  it('maps the API server’s answers to GatiError codes: 404, 409 conflict, 422, unknown kinds', async () => {
    const kube = KubeClient.fromKubeconfig(e.kubeconfig());
    const missingNamespace = await failure(kube.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'nowhere' }, data: {} }]));
    expect(missingNamespace).toMatchObject({ code: 'NOT_FOUND', details: { httpStatus: 404, reason: 'NotFound' } });

    await kube.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned' }, data: { k: '1' } }], { fieldManager: 'first' });
    const conflict = await failure(kube.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned' }, data: { k: '2' } }], { fieldManager: 'second', force: false }));
    expect(conflict).toMatchObject({ code: 'CONFLICT', details: { httpStatus: 409, reason: 'Conflict' } });
    expect(conflict.message).toMatch(/conflict/i);

    const invalid = await failure(kube.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_A_Name' }, data: {} }]));
    expect(invalid).toMatchObject({ code: 'INVALID_CONFIG', details: { httpStatus: 422 } });

    const unknownKind = await failure(kube.list({ apiVersion: 'v1', kind: 'Gadget' }));
    expect(unknownKind).toMatchObject({ code: 'INVALID_CONFIG' });
    expect(unknownKind.message).toMatch(/no kind Gadget in v1/);
    kube.close();
  });

  it('a refused connection is a retryable UNAVAILABLE; waitUntilReachable gives up at its timeout', async () => {
    const gone = await startKubernetesEmulator();
    const config = gone.kubeconfig();
    await gone.close();
    const kube = KubeClient.fromKubeconfig(config);
    const error = await failure(kube.list({ apiVersion: 'v1', kind: 'Namespace' }));
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect(error.message).toMatch(/ECONNREFUSED/);
    const t0 = Date.now();
    await expect(kube.waitUntilReachable({ timeoutMs: 300 })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});

/** Answers what no emulator route produces: 403, AlreadyExists, 429, 5xx, non-JSON bodies, a watch refused with HTTP 410. */
describe('KubeTransport against a scripted API server', () => {
  const ca = createCertificateAuthority();
  const { certPem, keyPem } = ca.issue(['127.0.0.1']);
  const seen: { url: string; authorization: string | undefined }[] = [];
  let lists = 0;
  let server: Server;
  let kube: KubeClient;

  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json'): void => {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'https://stub');
    seen.push({ url: `${url.pathname}${url.search}`, authorization: req.headers.authorization });
    if (url.pathname === '/api/v1') return send(res, 200, { kind: 'APIResourceList', resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }] });
    const status = /^\/api\/v1\/namespaces\/status-(\d+)(-[a-z]+)?\//.exec(url.pathname);
    if (status) {
      const code = Number(status[1]);
      if (status[2] === '-html') return send(res, code, '<html><body>Bad Gateway</body></html>', 'text/html');
      const reason = status[2] === '-exists' ? 'AlreadyExists' : 'Scripted';
      return send(res, code, { kind: 'Status', status: 'Failure', message: `scripted ${code}`, reason, code });
    }
    if (url.pathname === '/api/v1/namespaces/default/configmaps') {
      if (url.searchParams.get('watch') === 'true') return send(res, 410, { kind: 'Status', message: 'too old resource version', reason: 'Expired', code: 410 });
      lists++;
      return send(res, 200, { metadata: { resourceVersion: String(lists) }, items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', resourceVersion: String(lists) }, data: { n: String(lists) } }] });
    }
    send(res, 404, { kind: 'Status', message: 'not scripted', reason: 'NotFound', code: 404 });
  };

  beforeAll(async () => {
    server = createServer({ cert: certPem, key: keyPem }, handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    kube = KubeClient.fromKubeconfig(renderKubeconfig({ name: 'stub', server: `https://127.0.0.1:${port}`, caPem: ca.caPem, user: { token: 'stub-token' } }));
  });
  afterAll(async () => {
    kube.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('sends the kubeconfig’s bearer token and maps every status to a code and retryability', async () => {
    const cases: [string, string, boolean][] = [
      ['status-403', 'PERMISSION_DENIED', false],
      ['status-404', 'NOT_FOUND', false],
      ['status-409-exists', 'ALREADY_EXISTS', false],
      ['status-409', 'CONFLICT', true],
      ['status-410', 'CONFLICT', true],
      ['status-422', 'INVALID_CONFIG', false],
      ['status-429', 'THROTTLED', true],
      ['status-500', 'UNAVAILABLE', true],
      ['status-503', 'UNAVAILABLE', true],
    ];
    for (const [namespace, code, retryable] of cases) {
      const error = await failure(kube.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace }));
      expect({ namespace, code: error.code, retryable: error.retryable }).toEqual({ namespace, code, retryable });
      expect(error.message).toContain(`scripted ${namespace.split('-')[1] ?? ''}`);
    }
    const html = await failure(kube.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'status-502-html' }));
    expect(html).toMatchObject({ code: 'UNAVAILABLE', details: { httpStatus: 502 } });
    expect(html.message).toContain('Bad Gateway');
    expect(seen.every((r) => r.authorization === 'Bearer stub-token')).toBe(true);
  });

  it('a watch refused with HTTP 410 lists again instead of retrying the stale version', async () => {
    lists = 0;
    const value = await kube.waitFor({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'default' }, (o) => (o?.['data'] as { n: string } | undefined)?.n === '3', { timeoutMs: 5000 });
    expect(value?.metadata.resourceVersion).toBe('3');
    const watches = seen.filter((r) => r.url.includes('watch=true')).map((r) => new URL(r.url, 'https://stub').searchParams.get('resourceVersion'));
    expect(watches).toEqual(['1', '2']);
  });
});
