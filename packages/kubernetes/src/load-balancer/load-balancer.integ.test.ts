import { startKubernetesEmulator, type KubernetesEmulator } from '@gati-framework/cloud-emulator';
import type { LoadBalancerConfig, ProgressEvent } from '@gati-framework/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLoadBalancer, deleteAllLoadBalancers, deleteLoadBalancer, KubeClient, LOAD_BALANCER_LABEL, type IngressLoadBalancerSettings, type KubeObject, type LoadBalancerAnnotations } from '../index.js';

/** A cloud that is none of ours: proves the slot is all a provider fills. */
const testCloud: LoadBalancerAnnotations = {
  service: (lb: LoadBalancerConfig) => ({
    annotations: { 'example.cloud/l4': 'enabled', ...(lb.scheme === 'internal' ? { 'example.cloud/load-balancer-type': 'Internal' } : {}) },
  }),
  ingress: (lb: LoadBalancerConfig): IngressLoadBalancerSettings => ({
    className: lb.scheme === 'internal' ? 'example-internal' : 'example',
    annotations: lb.healthCheck ? { 'example.cloud/health-probe-path': lb.healthCheck.path } : {},
    backendAnnotations: { 'example.cloud/neg': '{"ingress":true}' },
    ...(lb.ssl ? { tls: [{ secretName: lb.ssl.certificateId }] } : {}),
  }),
};

const fast = { podStartMs: 20, podReadyMs: 40, podTerminationMs: 20, loadBalancerMs: 80, resyncMs: 20 };
let e: KubernetesEmulator;
let kube: KubeClient;

async function start(loadBalancerMs = fast.loadBalancerMs): Promise<void> {
  e = await startKubernetesEmulator({
    clusterName: 'shop',
    delays: { ...fast, loadBalancerMs },
    // Like a cloud controller: an address derived from the object, so each test can tell them apart.
    loadBalancerAddress: (o) => ({ hostname: `${String((o['metadata'] as { name: string }).name)}.lb.example.test` }),
  });
  kube = KubeClient.fromKubeconfig(e.kubeconfig());
}
beforeEach(() => start());
afterEach(async () => {
  kube.close();
  await e.close();
});

const annotationsOf = (o: unknown): Record<string, string> | undefined => (o as KubeObject | undefined)?.metadata.annotations;

describe('createLoadBalancer', () => {
  it('network, external: a Service of type LoadBalancer with the cloud’s annotations and Gati’s labels; returns its address', async () => {
    // An address that takes a second, so the wait is seen even on a busy machine.
    kube.close();
    await e.close();
    await start(1000);
    const events: ProgressEvent[] = [];
    const info = await createLoadBalancer(
      { clusterName: 'shop', name: 'edge', type: 'network', selector: { app: 'web' }, port: 443, targetPort: 8443, ssl: { certificateId: 'cert-1' } },
      { kube, annotations: testCloud, onProgress: (ev) => events.push(ev) },
    );
    expect(info).toEqual({ name: 'edge', namespace: 'default', clusterName: 'shop', type: 'network', endpoint: 'edge.lb.example.test', status: 'ACTIVE' });
    const svc = e.getObject('Service', 'default', 'edge') as unknown as KubeObject;
    expect(svc.spec).toMatchObject({ type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' }] });
    expect(svc.spec?.['loadBalancerClass']).toBeUndefined();
    expect(svc.metadata.annotations).toEqual({ 'example.cloud/l4': 'enabled' });
    expect(svc.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'gati', [LOAD_BALANCER_LABEL]: 'edge' });
    expect(events[0]).toMatchObject({ operation: 'createLoadBalancer', resource: 'load-balancer/shop/default/edge', phase: 'started', message: 'creating a Service of type LoadBalancer internet-facing' });
    expect(events.some((ev) => ev.phase === 'waiting' && ev.resource === 'load-balancer/shop/default/edge')).toBe(true);
    expect(events.at(-1)).toMatchObject({ phase: 'succeeded', message: 'address edge.lb.example.test' });
    // The client passed in stays open for the caller.
    expect(await kube.get({ apiVersion: 'v1', kind: 'Service', name: 'edge' })).toBeDefined();
  });

  it('network, internal: fronts an existing Service by copying its selector; the builder’s class and internal annotation are applied', async () => {
    await kube.apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'shop' }, spec: { selector: { app: 'api' }, ports: [{ port: 9000 }] } },
    ]);
    const classy: LoadBalancerAnnotations = { ...testCloud, service: (lb) => ({ ...testCloud.service(lb), loadBalancerClass: 'example.cloud/l4' }), describe: () => 'an example L4' };
    const events: ProgressEvent[] = [];
    const opened: KubeClient[] = [];
    const info = await createLoadBalancer(
      { clusterName: 'shop', name: 'api-lb', namespace: 'shop', type: 'network', scheme: 'internal', serviceName: 'api', port: 80, targetPort: 9000 },
      {
        kube: async (cluster) => {
          expect(cluster).toBe('shop');
          const c = KubeClient.fromKubeconfig(e.kubeconfig());
          opened.push(c);
          return c;
        },
        annotations: classy,
        onProgress: (ev) => events.push(ev),
      },
    );
    expect(info.endpoint).toBe('api-lb.lb.example.test');
    expect(opened).toHaveLength(1);
    const svc = e.getObject('Service', 'shop', 'api-lb') as unknown as KubeObject;
    expect(svc.spec).toMatchObject({ type: 'LoadBalancer', loadBalancerClass: 'example.cloud/l4', selector: { app: 'api' } });
    expect(svc.metadata.annotations).toEqual({ 'example.cloud/l4': 'enabled', 'example.cloud/load-balancer-type': 'Internal' });
    expect(events[0]?.message).toBe('creating an example L4 internal');

    const failed: ProgressEvent[] = [];
    await expect(
      createLoadBalancer({ clusterName: 'shop', name: 'ghost', type: 'network', serviceName: 'missing', port: 80, targetPort: 80 }, { kube, annotations: testCloud, provider: 'example', onProgress: (ev) => failed.push(ev) }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', provider: 'example' });
    expect(failed.at(-1)?.phase).toBe('failed');
    expect(e.getObject('Service', 'default', 'ghost')).toBeUndefined();
  });

  it('application: an Ingress with the cloud’s class, annotations and TLS, and a backend Service for a pod selector', async () => {
    const info = await createLoadBalancer(
      { clusterName: 'shop', name: 'web', type: 'application', scheme: 'internal', selector: { app: 'web' }, port: 80, targetPort: 8080, healthCheck: { path: '/healthz' }, ssl: { certificateId: 'web-tls' } },
      { kube, annotations: testCloud },
    );
    expect(info).toMatchObject({ type: 'application', endpoint: 'web.lb.example.test' });
    const ingress = e.getObject('Ingress', 'default', 'web') as unknown as KubeObject;
    expect(ingress.spec).toMatchObject({
      ingressClassName: 'example-internal',
      tls: [{ secretName: 'web-tls' }],
      rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 8080 } } } }] } }],
    });
    expect(ingress.metadata.annotations).toEqual({ 'example.cloud/health-probe-path': '/healthz' });
    const backend = e.getObject('Service', 'default', 'web') as unknown as KubeObject;
    expect(backend.spec).toMatchObject({ type: 'ClusterIP', selector: { app: 'web' }, ports: [{ port: 8080, targetPort: 8080 }] });
    expect(annotationsOf(backend)).toEqual({ 'example.cloud/neg': '{"ingress":true}' });

    // Fronting an existing Service: no backend Service of Gati's, the Ingress points at it.
    await createLoadBalancer({ clusterName: 'shop', name: 'front', type: 'application', serviceName: 'web', port: 80, targetPort: 8080 }, { kube, annotations: testCloud });
    expect((e.getObject('Ingress', 'default', 'front') as unknown as KubeObject).spec).toMatchObject({ ingressClassName: 'example' });
    expect(e.getObject('Service', 'default', 'front')).toBeUndefined();
  });

  it('rejects an invalid config before contacting the cluster', async () => {
    let called = false;
    const factory = async (): Promise<KubeClient> => {
      called = true;
      return kube;
    };
    await expect(createLoadBalancer({ clusterName: 'shop', name: 'x', type: 'network', port: 80, targetPort: 80 }, { kube: factory, annotations: testCloud })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    expect(called).toBe(false);
  });
});

describe('createLoadBalancer without an address', () => {
  beforeEach(async () => {
    kube.close();
    await e.close();
    await start(60_000); // the cloud never provisions within the test
  });

  it('times out with TIMEOUT and a failed event, and stops at once when aborted', async () => {
    const events: ProgressEvent[] = [];
    const t0 = Date.now();
    await expect(
      createLoadBalancer({ clusterName: 'shop', name: 'slow', type: 'network', selector: { app: 'web' }, port: 80, targetPort: 80 }, { kube, annotations: testCloud, timeoutMs: 400, onProgress: (ev) => events.push(ev) }),
    ).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(events.at(-1)).toMatchObject({ phase: 'failed', resource: 'load-balancer/shop/default/slow' });
    expect(events.at(-1)?.message).toMatch(/waiting for an external address/);

    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    const t1 = Date.now();
    await expect(createLoadBalancer({ clusterName: 'shop', name: 'slow', type: 'application', selector: { app: 'web' }, port: 80, targetPort: 80 }, { kube, annotations: testCloud, signal: ac.signal })).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(Date.now() - t1).toBeLessThan(2000);
  });
});

describe('deleteLoadBalancer and deleteAllLoadBalancers', () => {
  it('deletes one by name (Ingress and its backend Service) and waits until gone; NOT_FOUND for what Gati did not make', async () => {
    await createLoadBalancer({ clusterName: 'shop', name: 'web', type: 'application', selector: { app: 'web' }, port: 80, targetPort: 8080 }, { kube, annotations: testCloud });
    const events: ProgressEvent[] = [];
    await deleteLoadBalancer({ clusterName: 'shop', name: 'web' }, { kube, onProgress: (ev) => events.push(ev) });
    expect(e.getObject('Ingress', 'default', 'web')).toBeUndefined();
    expect(e.getObject('Service', 'default', 'web')).toBeUndefined();
    expect(events.map((ev) => ev.phase)).toEqual(['started', 'succeeded']);
    expect(events[0]).toMatchObject({ operation: 'deleteLoadBalancer', resource: 'load-balancer/shop/default/web', message: 'deleting load balancer' });
    await expect(deleteLoadBalancer({ clusterName: 'shop', name: 'web' }, { kube, provider: 'example' })).rejects.toMatchObject({ code: 'NOT_FOUND', provider: 'example' });

    // A Service of the same name that Gati did not label is left alone.
    await kube.apply([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'theirs' }, spec: { type: 'LoadBalancer', selector: { app: 'x' }, ports: [{ port: 80 }] } }]);
    await expect(deleteLoadBalancer({ clusterName: 'shop', name: 'theirs' }, { kube })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(e.getObject('Service', 'default', 'theirs')).toBeDefined();
  });

  it('deletes every load balancer of the cluster by label, in all namespaces, and nothing else', async () => {
    await kube.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }]);
    await createLoadBalancer({ clusterName: 'shop', name: 'web', type: 'application', selector: { app: 'web' }, port: 80, targetPort: 8080 }, { kube, annotations: testCloud });
    await createLoadBalancer({ clusterName: 'shop', name: 'api', namespace: 'shop', type: 'network', selector: { app: 'api' }, port: 80, targetPort: 9000 }, { kube, annotations: testCloud });
    await kube.apply([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'plain', labels: { 'app.kubernetes.io/managed-by': 'gati' } }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } }]);
    const events: ProgressEvent[] = [];
    const count = await deleteAllLoadBalancers('shop', { kube, onProgress: (ev) => events.push(ev) });
    expect(count).toBe(3); // the Ingress, its backend Service, the network Service
    expect(e.getObject('Ingress', 'default', 'web')).toBeUndefined();
    expect(e.getObject('Service', 'default', 'web')).toBeUndefined();
    expect(e.getObject('Service', 'shop', 'api')).toBeUndefined();
    expect(e.getObject('Service', 'default', 'plain')).toBeDefined();
    expect(events.filter((ev) => ev.phase === 'succeeded').map((ev) => ev.resource)).toEqual(['load-balancer/shop/default/web', 'load-balancer/shop/default/web', 'load-balancer/shop/shop/api']);
    expect(await deleteAllLoadBalancers('shop', { kube })).toBe(0);
  });
});
