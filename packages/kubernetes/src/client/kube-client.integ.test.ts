import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubernetesEmulator, type KubernetesEmulator } from '@gati-framework/cloud-emulator';
import { isGatiError, type ProgressEvent } from '@gati-framework/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClient, type KubeObject } from '../index.js';

const fast = { podStartMs: 20, podReadyMs: 40, podTerminationMs: 20, crashLoopRestartMs: 30, imagePullBackOffMs: 30, loadBalancerMs: 80, resyncMs: 20 };

function deployment(image: string, replicas = 3, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 8080 }] }] } },
      ...extra,
    },
  };
}

let e: KubernetesEmulator;
let kube: KubeClient;
beforeEach(async () => {
  e = await startKubernetesEmulator({ delays: fast });
  kube = KubeClient.fromKubeconfig(e.kubeconfig());
});
afterEach(async () => {
  await e.close();
});

describe('KubeClient', () => {
  it('loads a kubeconfig from a file and a context, and refuses an unknown context', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gati-kc-'));
    try {
      const file = join(dir, 'config');
      writeFileSync(file, e.kubeconfig({ namespace: 'kube-system' }));
      const fromFile = KubeClient.fromKubeconfig(file, { context: 'gati-emulator' });
      expect(fromFile.namespace).toBe('kube-system');
      expect((await fromFile.waitUntilReachable()).gitVersion).toBe('v1.31.0');
      expect(() => KubeClient.fromKubeconfig(file, { context: 'nope' })).toThrow(/context "nope" is not in the kubeconfig; its contexts: "gati-emulator"/);
      expect(() => KubeClient.fromKubeconfig(join(dir, 'missing'))).toThrow(/no kubeconfig file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('maps a wrong token to UNAUTHENTICATED', async () => {
    const bad = KubeClient.fromKubeconfig(e.kubeconfig({ token: 'wrong' }));
    await expect(bad.list({ apiVersion: 'v1', kind: 'Namespace' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('applies idempotently with server-side apply, gets, lists and deletes (waiting until gone)', async () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { a: '1' } };
    expect((await kube.apply([cm, deployment('nginx:1.27', 2)])).map((r) => r.action)).toEqual(['created', 'created']);
    expect((await kube.apply([cm, deployment('nginx:1.27', 2)])).map((r) => r.action)).toEqual(['unchanged', 'unchanged']);
    const dry = await kube.apply([deployment('nginx:1.28', 2)], { dryRun: true });
    expect(dry[0]?.action).toBe('configured');
    expect((await kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }))?.spec?.['template']).toMatchObject({ spec: { containers: [{ image: 'nginx:1.27' }] } });
    expect((await kube.apply([{ ...cm, data: { a: '2' } }]))[0]?.action).toBe('configured');
    expect(await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'missing' })).toBeUndefined();
    await kube.rolloutStatus('web', { timeoutMs: 5000 });
    expect(await kube.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', labelSelector: 'app=web' })).toHaveLength(2);
    await kube.delete({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, { timeoutMs: 5000 });
    expect(e.getObject('Deployment', 'default', 'web')).toBeUndefined();
    expect(e.listObjects('Pod', 'default')).toHaveLength(0);
    await kube.delete({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
  });

  it('waitFor sees the object appear and change, reports progress, and honours timeout and abort', async () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'late' };
    const events: ProgressEvent[] = [];
    const waiting = kube.waitFor(ref, (o) => (o?.['data'] as { ready?: string } | undefined)?.ready === 'yes', { timeoutMs: 5000, onProgress: (ev) => events.push(ev) });
    await new Promise((r) => setTimeout(r, 100));
    await kube.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' }, data: { ready: 'no' } }]);
    await kube.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' }, data: { ready: 'yes' } }]);
    const found = await waiting;
    expect((found?.['data'] as { ready: string }).ready).toBe('yes');
    expect(events.map((x) => x.phase)).toEqual(expect.arrayContaining(['started', 'waiting', 'succeeded']));

    await expect(kube.waitFor(ref, () => false, { timeoutMs: 200 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 100);
    await expect(kube.waitFor(ref, () => false, { timeoutMs: 5000, signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('waitFor relists when a resumed watch gets 410 Gone', async () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'resume' };
    await kube.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'resume' }, data: { n: '0' } }]);
    // Watches end after 1 s, so the client resumes; compaction in between answers the resume with 410.
    const waiting = kube.waitFor(ref, (o) => (o?.['data'] as { n?: string } | undefined)?.n === '2', { timeoutMs: 8000, watchTimeoutSeconds: 1 });
    await new Promise((r) => setTimeout(r, 200));
    e.store.compact();
    await kube.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'resume' }, data: { n: '1' } }]);
    await kube.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unrelated' }, data: { n: '1' } }]);
    e.store.compact();
    await new Promise((r) => setTimeout(r, 1200));
    await kube.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'resume' }, data: { n: '2' } }]);
    await waiting;
    const lists = e.requestLog.entries({ method: 'GET', pathIncludes: '/configmaps' }).filter((x) => x.query.includes('fieldSelector') && !x.query.includes('watch=true'));
    expect(lists.length).toBeGreaterThanOrEqual(2);
  });

  it('rolloutStatus follows kubectl and detects pod failures of the new revision', async () => {
    await kube.apply([deployment('nginx:1.27')]);
    const messages: string[] = [];
    const done = await kube.rolloutStatus('web', { timeoutMs: 5000, onProgress: (ev) => messages.push(ev.message) });
    expect(done).toMatchObject({ revision: 1, message: 'deployment "web" successfully rolled out' });
    expect(messages.some((m) => /new replicas have been updated|updated replicas are available/.test(m))).toBe(true);

    for (const [image, reason] of [
      ['gati/crash-loop:2', 'CrashLoopBackOff'],
      ['gati/image-pull-error:2', /ImagePullBackOff|ErrImagePull/],
    ] as const) {
      await kube.apply([deployment(image)]);
      const error = await kube.rolloutStatus('web', { timeoutMs: 5000, podCheckIntervalMs: 50 }).catch((x: unknown) => x);
      expect(isGatiError(error)).toBe(true);
      expect((error as { details: { reason: string } }).details.reason).toMatch(reason);
      expect(String((error as Error).message)).toContain('failed');
    }
  });

  it('rolloutStatus fails on ProgressDeadlineExceeded and at the wall-clock timeout', async () => {
    await kube.apply([deployment('gati/never-ready:1', 1, { progressDeadlineSeconds: 1 })]);
    await expect(kube.rolloutStatus('web', { timeoutMs: 6000, podCheckIntervalMs: 50 })).rejects.toMatchObject({ details: { reason: 'ProgressDeadlineExceeded' } });
    await kube.apply([deployment('gati/never-ready:2', 1, { progressDeadlineSeconds: 600 })]);
    const t0 = Date.now();
    await expect(kube.rolloutStatus('web', { timeoutMs: 400 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('rollback restores the previous template, is a no-op when equal, refuses paused deployments', async () => {
    await kube.apply([deployment('nginx:1.27')]);
    await kube.rolloutStatus('web', { timeoutMs: 5000 });
    await kube.apply([deployment('nginx:1.28')]);
    await kube.rolloutStatus('web', { timeoutMs: 5000 });
    const undo = await kube.rollback('web');
    expect(undo).toEqual({ rolledBack: true, fromRevision: 2, toRevision: 1 });
    const after = await kube.rolloutStatus('web', { timeoutMs: 5000 });
    expect(after.revision).toBe(3);
    const d = await kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
    expect(JSON.stringify(d?.spec?.['template'])).toContain('nginx:1.27');
    expect(e.listObjects('ReplicaSet', 'default')).toHaveLength(2);
    expect((await kube.rollback('web', 3)).rolledBack).toBe(false);
    await expect(kube.rollback('web', 9)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await kube.apply([{ ...deployment('nginx:1.27'), spec: { ...deployment('nginx:1.27').spec, paused: true } }]);
    await expect(kube.rollback('web')).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('waitForLoadBalancer returns the address of a LoadBalancer Service and an Ingress', async () => {
    await kube.apply([
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'internal' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } },
    ]);
    expect(await kube.waitForLoadBalancer({ kind: 'Service', name: 'web' }, { timeoutMs: 3000 })).toBe('127.0.0.1');
    expect(await kube.waitForLoadBalancer({ kind: 'Ingress', name: 'web' }, { timeoutMs: 3000 })).toBe('127.0.0.1');
    await expect(kube.waitForLoadBalancer({ kind: 'Service', name: 'internal' }, { timeoutMs: 3000 })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });
});
