import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCertificateAuthority, startKubernetesEmulator, type KubernetesEmulator } from '../index.js';
import { call, deployment, watchUntil } from '../../test/http.js';

const DEP = '/apis/apps/v1/namespaces/default/deployments';
const fast = { podStartMs: 20, podReadyMs: 40, podTerminationMs: 20, crashLoopRestartMs: 30, imagePullBackOffMs: 30, loadBalancerMs: 50, resyncMs: 20 };

let e: KubernetesEmulator;
const ca = createCertificateAuthority(); // one CA for the file: key generation is the slow part of a start
beforeEach(async () => {
  e = await startKubernetesEmulator({ delays: fast, ca });
});
afterEach(async () => {
  await e.close();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until<T>(fn: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('Kubernetes emulator: API surface', () => {
  it('serves discovery and refuses requests without a valid bearer token', async () => {
    expect((await call(e, 'GET', '/version', undefined, { token: null })).body.gitVersion).toBe('v1.31.0');
    expect((await call(e, 'GET', '/apis', undefined, { token: null })).status).toBe(401);
    expect((await call(e, 'GET', '/apis', undefined, { token: 'wrong' })).status).toBe(401);
    const groups = (await call(e, 'GET', '/apis')).body.groups.map((g: { name: string }) => g.name);
    expect(groups).toEqual(expect.arrayContaining(['apps', 'networking.k8s.io', 'autoscaling', 'policy']));
    const apps = (await call(e, 'GET', '/apis/apps/v1')).body.resources.map((r: { name: string }) => r.name);
    expect(apps).toEqual(expect.arrayContaining(['deployments', 'deployments/status', 'replicasets']));
    expect((await call(e, 'GET', '/api/v1/namespaces')).body.items.map((n: { metadata: { name: string } }) => n.metadata.name)).toContain('default');
  });

  it('uses a pluggable token verifier', async () => {
    const custom = await startKubernetesEmulator({ token: 'k8s-aws-v1.abc', authenticate: (t) => (t.startsWith('k8s-aws-v1.') ? { username: 'eks-user' } : undefined) });
    try {
      expect((await call(custom, 'GET', '/api/v1/namespaces')).status).toBe(200);
      expect((await call(custom, 'GET', '/api/v1/namespaces', undefined, { token: 'k8s-aws-v1.other' })).status).toBe(200);
      expect((await call(custom, 'GET', '/api/v1/namespaces', undefined, { token: 'plain' })).status).toBe(401);
    } finally {
      await custom.close();
    }
  });

  it('server-side apply creates, repeats as a no-op, removes fields the manager dropped, and reports conflicts', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', labels: { a: '1' } }, data: { x: '1', y: '2' } };
    const path = '/api/v1/namespaces/default/configmaps/cfg?fieldManager=gati';
    const first = await call(e, 'PATCH', path, cm, { contentType: 'application/apply-patch+yaml' });
    expect(first.status).toBe(201);
    const again = await call(e, 'PATCH', path, cm, { contentType: 'application/apply-patch+yaml' });
    expect(again.status).toBe(200);
    expect(again.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
    const dropped = await call(e, 'PATCH', path, { ...cm, data: { x: '1' } }, { contentType: 'application/apply-patch+yaml' });
    expect(dropped.body.data).toEqual({ x: '1' });
    const other = await call(e, 'PATCH', '/api/v1/namespaces/default/configmaps/cfg?fieldManager=other', { ...cm, data: { x: '9' } }, { contentType: 'application/apply-patch+yaml' });
    expect(other.status).toBe(409);
    expect(other.body.message).toContain('conflict with "gati"');
    const forced = await call(e, 'PATCH', '/api/v1/namespaces/default/configmaps/cfg?fieldManager=other&force=true', { ...cm, data: { x: '9' } }, { contentType: 'application/apply-patch+yaml' });
    expect(forced.body.data.x).toBe('9');
  });

  it('applies merge, strategic-merge and JSON patches and answers 409 to a stale resourceVersion', async () => {
    const created = await call(e, 'POST', DEP, deployment('web', 'nginx:1.27', 1));
    expect(created.status).toBe(201);
    const smp = await call(e, 'PATCH', `${DEP}/web`, { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } } }, { contentType: 'application/strategic-merge-patch+json' });
    expect(smp.body.spec.template.spec.containers).toHaveLength(1);
    expect(smp.body.spec.template.spec.containers[0]).toMatchObject({ image: 'nginx:1.28', ports: [{ containerPort: 8080 }] });
    expect(smp.body.metadata.generation).toBe(2);
    const merge = await call(e, 'PATCH', `${DEP}/web`, { metadata: { labels: { tier: 'web' } } }, { contentType: 'application/merge-patch+json' });
    expect(merge.body.metadata.labels).toEqual({ tier: 'web' });
    expect(merge.body.metadata.generation).toBe(2);
    const jp = await call(e, 'PATCH', `${DEP}/web`, [{ op: 'replace', path: '/spec/replicas', value: 2 }], { contentType: 'application/json-patch+json' });
    expect(jp.body.spec.replicas).toBe(2);
    const stale = { ...created.body, spec: { ...created.body.spec, replicas: 5 } };
    const put = await call(e, 'PUT', `${DEP}/web`, stale);
    expect(put.status).toBe(409);
    expect(put.body.reason).toBe('Conflict');
    expect((await call(e, 'POST', DEP, deployment('web', 'x:1'))).status).toBe(409);
    expect((await call(e, 'GET', `${DEP}/nope`)).status).toBe(404);
    expect((await call(e, 'POST', DEP, { ...deployment('bad', 'x:1'), spec: { ...deployment('bad', 'x:1')['spec'] as object, selector: { matchLabels: { app: 'other' } } } })).status).toBe(422);
  });

  it('streams watch events from a resourceVersion and answers 410 after compaction', async () => {
    const list = await call(e, 'GET', DEP);
    const rv = list.body.metadata.resourceVersion as string;
    const watching = watchUntil(e, `${DEP}?watch=true&resourceVersion=${rv}`, (ev) => ev.some((x) => x.type === 'DELETED'));
    await sleep(50);
    await call(e, 'POST', DEP, deployment('w', 'nginx:1', 1));
    await call(e, 'DELETE', `${DEP}/w`);
    const events = await watching;
    expect(events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'w' } } });
    expect(events.map((x) => x.type)).toContain('MODIFIED');
    // A label-selected watch sees an object leave the selection as DELETED and enter it as ADDED.
    await call(e, 'POST', DEP, deployment('sel', 'nginx:1', 0));
    const selWatch = watchUntil(e, `${DEP}?watch=true&labelSelector=tier%3Dfront`, (ev) => ev.length >= 2);
    await sleep(50);
    await call(e, 'PATCH', `${DEP}/sel`, { metadata: { labels: { tier: 'front' } } }, { contentType: 'application/merge-patch+json' });
    await call(e, 'PATCH', `${DEP}/sel`, { metadata: { labels: { tier: 'back' } } }, { contentType: 'application/merge-patch+json' });
    expect((await selWatch).slice(0, 2).map((x) => x.type)).toEqual(['ADDED', 'DELETED']);
    e.store.compact();
    const expired = await watchUntil(e, `${DEP}?watch=true&resourceVersion=${rv}`, (ev) => ev.length > 0);
    expect(expired[0]).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
  });
});

describe('Kubernetes emulator: controllers', () => {
  it('rolls out within maxUnavailable: ready pods never drop below replicas - maxUnavailable, endpoints never empty', async () => {
    const strategy = { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } };
    await call(e, 'POST', DEP, deployment('web', 'nginx:1.27', 4, strategy));
    await call(e, 'POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
    await until(() => e.getObject('Deployment', 'default', 'web')?.['status'] && (e.getObject('Deployment', 'default', 'web') as { status: { availableReplicas?: number } }).status.availableReplicas === 4);
    const readyCounts: number[] = [];
    const endpointCounts: number[] = [];
    let maxPods = 0;
    const off = e.store.subscribe(() => {
      const pods = e.listObjects('Pod', 'default') as { metadata: { deletionTimestamp?: string }; status?: { conditions?: { type: string; status: string }[] } }[];
      const ready = pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      readyCounts.push(ready.length);
      maxPods = Math.max(maxPods, pods.filter((p) => !p.metadata.deletionTimestamp).length);
      const ep = e.getObject('Endpoints', 'default', 'web') as { subsets?: { addresses?: unknown[] }[] } | undefined;
      endpointCounts.push(ep?.subsets?.[0]?.addresses?.length ?? 0);
    });
    await call(e, 'PATCH', `${DEP}/web`, { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } } }, { contentType: 'application/strategic-merge-patch+json' });
    const done = await until(() => {
      const d = e.getObject('Deployment', 'default', 'web') as { status: { updatedReplicas?: number; availableReplicas?: number; replicas?: number; conditions?: { reason: string }[] } };
      return d.status.updatedReplicas === 4 && d.status.availableReplicas === 4 && d.status.replicas === 4 && d;
    });
    off();
    expect(done.status.conditions?.map((c) => c.reason)).toContain('NewReplicaSetAvailable');
    expect(readyCounts.length).toBeGreaterThan(10);
    expect(Math.min(...readyCounts)).toBeGreaterThanOrEqual(3);
    expect(Math.min(...endpointCounts)).toBeGreaterThanOrEqual(3);
    expect(maxPods).toBeLessThanOrEqual(5);
    const rs = e.listObjects('ReplicaSet', 'default') as { spec: { replicas: number }; metadata: { annotations: Record<string, string> } }[];
    expect(rs.map((r) => [r.metadata.annotations['deployment.kubernetes.io/revision'], r.spec.replicas]).sort()).toEqual([['1', 0], ['2', 4]]);
  });

  it.each([
    ['gati/crash-loop:1', 'CrashLoopBackOff'],
    ['gati/image-pull-error:1', 'ImagePullBackOff'],
  ])('image %s puts pods into %s', async (image, reason) => {
    await call(e, 'POST', DEP, deployment('bad', image, 1));
    const pod = await until(() => (e.listObjects('Pod', 'default') as { status?: { containerStatuses?: { state: { waiting?: { reason: string } }; restartCount: number }[] } }[]).find((p) => p.status?.containerStatuses?.[0]?.state.waiting?.reason === reason));
    expect(pod.status?.containerStatuses?.[0]?.state.waiting?.reason).toBe(reason);
  });

  it('never-ready pods run without becoming Ready, and the progress deadline is reported', async () => {
    await call(e, 'POST', DEP, deployment('slow', 'gati/never-ready:1', 1, { progressDeadlineSeconds: 1 }));
    const d = await until(() => {
      const x = e.getObject('Deployment', 'default', 'slow') as { status?: { conditions?: { type: string; reason: string; status: string }[] } };
      return x.status?.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded') && x;
    }, 4000);
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')?.status).toBe('False');
    const pods = e.listObjects('Pod', 'default') as { status: { phase: string; containerStatuses: { ready: boolean }[] } }[];
    expect(pods[0]?.status.phase).toBe('Running');
    expect(pods[0]?.status.containerStatuses[0]?.ready).toBe(false);
  });

  it('gives LoadBalancer services and ingresses an address after the delay', async () => {
    await call(e, 'POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', selector: { app: 'x' }, ports: [{ port: 80 }] } });
    await call(e, 'POST', '/apis/networking.k8s.io/v1/namespaces/default/ingresses', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'ing' }, spec: { defaultBackend: { service: { name: 'lb', port: { number: 80 } } } } });
    expect((await call(e, 'GET', '/api/v1/namespaces/default/services/lb')).body.status?.loadBalancer?.ingress).toBeUndefined();
    await sleep(150);
    expect((await call(e, 'GET', '/api/v1/namespaces/default/services/lb')).body.status.loadBalancer.ingress[0].ip).toBe('127.0.0.1');
    expect((await call(e, 'GET', '/apis/networking.k8s.io/v1/namespaces/default/ingresses/ing')).body.status.loadBalancer.ingress[0].ip).toBe('127.0.0.1');
  });

  it('scales a deployment into its HPA range and reports PDB status from pod readiness', async () => {
    await call(e, 'POST', DEP, deployment('web', 'nginx:1', 1));
    await call(e, 'POST', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 3, maxReplicas: 5 },
    });
    await call(e, 'POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } });
    const pdb = await until(() => {
      const p = e.getObject('PodDisruptionBudget', 'default', 'web') as { status?: { currentHealthy?: number; disruptionsAllowed?: number; expectedPods?: number } };
      return p.status?.currentHealthy === 3 && p;
    });
    expect(pdb.status).toMatchObject({ expectedPods: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
    expect((e.getObject('Deployment', 'default', 'web') as { spec: { replicas: number } }).spec.replicas).toBe(3);
    const hpa = (await call(e, 'GET', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web')).body;
    expect(hpa.status).toMatchObject({ desiredReplicas: 3 });
  });

  it('cascades a foreground deployment delete to replica sets and pods', async () => {
    await call(e, 'POST', DEP, deployment('gone', 'nginx:1', 2));
    await until(() => e.listObjects('Pod', 'default').length === 2);
    const del = await call(e, 'DELETE', `${DEP}/gone?propagationPolicy=Foreground`);
    expect(del.body.metadata.deletionTimestamp).toBeDefined();
    await until(() => !e.getObject('Deployment', 'default', 'gone'));
    expect(e.listObjects('ReplicaSet', 'default')).toHaveLength(0);
    expect(e.listObjects('Pod', 'default')).toHaveLength(0);
  });
});
