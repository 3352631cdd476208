import { createServer, type Server } from 'node:http';
import { startKubernetesEmulator, type KubernetesEmulator } from '@gati-framework/cloud-emulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeploymentConfigInput } from '../validation/deployment-config.js';
import { ZeroDowntimeDeployment, type DeployOptions } from './index.js';

/** The app the smoke tests call: the emulator runs no containers, so this local server plays the new revision. */
let app: Server;
let appUrl: string;
let appBehaviour: 'healthy' | 'failing' = 'healthy';
const seenRevisions: string[] = [];
beforeAll(async () => {
  app = createServer((req, res) => {
    seenRevisions.push(String(req.headers['x-gati-revision'] ?? ''));
    if (appBehaviour === 'failing') {
      res.writeHead(503).end('{"status":"down"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  const a = app.address() as { port: number };
  appUrl = `http://127.0.0.1:${a.port}`;
});
afterAll(async () => {
  await new Promise((r) => app.close(r));
});

const fast = { podStartMs: 20, podReadyMs: 50, podTerminationMs: 20, crashLoopRestartMs: 30, imagePullBackOffMs: 30, loadBalancerMs: 50, resyncMs: 20 };
let e: KubernetesEmulator;
let options: DeployOptions;
const zdd = new ZeroDowntimeDeployment();
beforeEach(async () => {
  e = await startKubernetesEmulator({ delays: fast });
  appBehaviour = 'healthy';
  seenRevisions.length = 0;
  options = {
    kubeconfig: e.kubeconfig(),
    timeoutMs: 8000,
    rollbackTimeoutMs: 8000,
    rollout: { minReadySeconds: 0, podCheckIntervalMs: 50 },
    smokeTests: { baseUrl: appUrl, tests: [{ name: 'health', path: '/healthz', bodyIncludes: '"ok"', retries: 1, retryDelayMs: 20 }] },
  };
});
afterEach(async () => {
  await e.close();
});

const config = (image: string, extra: Partial<DeploymentConfigInput> = {}): DeploymentConfigInput => ({
  appName: 'shop',
  environment: 'production',
  cloudProvider: 'aws',
  image,
  replicas: 4,
  networking: { port: 8080, serviceType: 'LoadBalancer' },
  kubernetes: { clusterName: 'emulated', namespace: 'shop' },
  ...extra,
});

const templateImage = (): string | undefined => {
  const d = e.getObject('Deployment', 'shop', 'shop') as { spec: { template: { spec: { containers: { image: string }[] } } } } | undefined;
  return d?.spec.template.spec.containers[0]?.image;
};

describe('ZeroDowntimeDeployment.deploy', () => {
  it('deploys, keeps every replica ready during a rolling update, and treats an unchanged redeploy as a no-op', async () => {
    const first = await zdd.deploy(config('registry.example.com/shop:1.0.0'), options);
    expect(first).toMatchObject({ status: 'succeeded', revision: 1 });
    expect(first.events.map((x) => x.message)).toEqual(expect.arrayContaining(['Deployment/shop created', 'revision 1 rolled out']));
    expect(seenRevisions).toContain('1');

    const rvBefore = (e.getObject('Deployment', 'shop', 'shop') as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const again = await zdd.deploy(config('registry.example.com/shop:1.0.0'), options);
    expect(again).toMatchObject({ status: 'succeeded', revision: 1, unchanged: true });
    expect((e.getObject('Deployment', 'shop', 'shop') as { metadata: { resourceVersion: string } }).metadata.resourceVersion).toBe(rvBefore);
    expect(e.listObjects('ReplicaSet', 'shop')).toHaveLength(1);

    // production: maxUnavailable 0 → never fewer than 4 ready pods, and the Service always has endpoints.
    let minReady = Infinity;
    let minEndpoints = Infinity;
    const off = e.store.subscribe(() => {
      const pods = e.listObjects('Pod', 'shop') as { metadata: { deletionTimestamp?: string }; status?: { conditions?: { type: string; status: string }[] } }[];
      minReady = Math.min(minReady, pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length);
      const ep = e.getObject('Endpoints', 'shop', 'shop') as { subsets?: { addresses?: unknown[] }[] } | undefined;
      minEndpoints = Math.min(minEndpoints, ep?.subsets?.[0]?.addresses?.length ?? 0);
    });
    const second = await zdd.deploy(config('registry.example.com/shop:1.1.0'), options);
    off();
    expect(second).toMatchObject({ status: 'succeeded', revision: 2, previousRevision: 1 });
    expect(minReady).toBeGreaterThanOrEqual(4);
    expect(minEndpoints).toBeGreaterThanOrEqual(4);
    // The Service's named targetPort (http) resolves to the container port.
    expect((e.getObject('Endpoints', 'shop', 'shop') as { subsets: { ports: { port: number }[] }[] }).subsets[0]?.ports[0]?.port).toBe(8080);
    expect(templateImage()).toBe('registry.example.com/shop:1.1.0');
  });

  it.each([
    ['crash loop', 'registry.example.com/shop-crash-loop:2.0.0', /CrashLoopBackOff|RepeatedRestarts/, 'rollout'],
    ['image pull failure', 'registry.example.com/shop:does-not-exist', /ImagePullBackOff|ErrImagePull/, 'rollout'],
    ['never ready (progress deadline)', 'registry.example.com/shop-never-ready:2.0.0', /ProgressDeadlineExceeded/, 'rollout'],
  ])('%s ends in an automatic, verified rollback', async (_name, image, reason, step) => {
    expect((await zdd.deploy(config('registry.example.com/shop:1.0.0'), options)).status).toBe('succeeded');
    const result = await zdd.deploy(config(image), { ...options, rollout: { ...options.rollout, progressDeadlineSeconds: 1 } });
    expect(result.status).toBe('rolled_back');
    expect(result.failure?.step).toBe(step);
    expect(result.failure?.reason).toMatch(reason);
    expect(result.previousRevision).toBe(1);
    expect(templateImage()).toBe('registry.example.com/shop:1.0.0');
    const d = e.getObject('Deployment', 'shop', 'shop') as { status: { availableReplicas: number; updatedReplicas: number } };
    expect(d.status).toMatchObject({ availableReplicas: 4, updatedReplicas: 4 });
    expect(result.events.map((x) => x.message).join('\n')).toMatch(/rolled back: revision 3 \(the template of revision 1\)/);
  });

  it('a failing smoke test rolls back', async () => {
    expect((await zdd.deploy(config('registry.example.com/shop:1.0.0'), options)).status).toBe('succeeded');
    appBehaviour = 'failing';
    const result = await zdd.deploy(config('registry.example.com/shop:1.1.0'), options);
    expect(result).toMatchObject({ status: 'rolled_back', failure: { step: 'smoke-tests' } });
    expect(result.failure?.reason).toContain('status 503, expected 200');
    expect(seenRevisions).toContain('2');
    expect(templateImage()).toBe('registry.example.com/shop:1.0.0');
  });

  it('a timeout rolls back', async () => {
    expect((await zdd.deploy(config('registry.example.com/shop:1.0.0'), options)).status).toBe('succeeded');
    const result = await zdd.deploy(config('registry.example.com/shop-never-ready:2.0.0'), { ...options, timeoutMs: 600 });
    expect(result).toMatchObject({ status: 'rolled_back', failure: { step: 'rollout' } });
    expect(result.failure?.reason).toBe('timed out after 600 ms');
    expect(templateImage()).toBe('registry.example.com/shop:1.0.0');
  });

  it('an aborted deploy stops promptly and rolls back', async () => {
    expect((await zdd.deploy(config('registry.example.com/shop:1.0.0'), options)).status).toBe('succeeded');
    const ac = new AbortController();
    let abortedAt = 0;
    const onProgress = (ev: { resource: string }): void => {
      if (ev.resource === 'rollout' && !abortedAt) {
        abortedAt = Date.now();
        ac.abort();
      }
    };
    const result = await zdd.deploy(config('registry.example.com/shop-never-ready:2.0.0'), { ...options, signal: ac.signal, onProgress });
    expect(result).toMatchObject({ status: 'rolled_back', failure: { step: 'rollout', reason: 'aborted by the caller' } });
    // Stopping is prompt: what remains after the abort is the rollback and its verification.
    expect(Date.now() - abortedAt).toBeLessThan(3000);
    expect(templateImage()).toBe('registry.example.com/shop:1.0.0');
  });

  it('a failed first deploy has nothing to roll back to, says so and how to remove what it created', async () => {
    const result = await zdd.deploy(config('registry.example.com/shop-crash-loop:1.0.0'), options);
    expect(result).toMatchObject({ status: 'failed', failure: { step: 'rollout' } });
    const command = 'kubectl delete --namespace shop service/shop deployment/shop poddisruptionbudget/shop';
    expect(result.cleanup).toEqual({ objects: ['Service/shop', 'Deployment/shop', 'PodDisruptionBudget/shop'], removed: false, command });
    expect(result.events.at(-1)?.message).toContain('no previous revision');
    expect(result.events.at(-1)?.message).toContain(command);
    expect(e.getObject('Deployment', 'shop', 'shop')).toBeDefined();
  });

  it("onFirstDeployFailure: 'remove' deletes what the failed first deploy created, and only that", async () => {
    // A Service the user made before: the deploy configures it, so it is not the deploy's to remove.
    const { KubeClient } = await import('@gati-framework/kubernetes');
    const kube = KubeClient.fromKubeconfig(e.kubeconfig());
    await kube.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }]);
    await kube.apply([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop', namespace: 'shop' }, spec: { ports: [{ port: 81 }] } }]);
    kube.close();
    const result = await zdd.deploy(config('registry.example.com/shop-crash-loop:1.0.0'), { ...options, onFirstDeployFailure: 'remove' });
    expect(result).toMatchObject({ status: 'failed', failure: { step: 'rollout' }, cleanup: { objects: ['Deployment/shop', 'PodDisruptionBudget/shop'], removed: true } });
    expect(result.events.at(-1)?.message).toMatch(/removed what this deploy created: Deployment\/shop, PodDisruptionBudget\/shop/);
    expect(e.getObject('Deployment', 'shop', 'shop')).toBeUndefined();
    expect(e.getObject('PodDisruptionBudget', 'shop', 'shop')).toBeUndefined();
    expect(e.getObject('Service', 'shop', 'shop')).toBeDefined();
  });

  it('dryRun returns the manifests and the difference to what is live, and changes nothing', async () => {
    const fresh = await zdd.deploy(config('registry.example.com/shop:1.0.0'), { ...options, dryRun: true });
    expect(fresh.changes?.map((c) => `${c.kind}:${c.action}`)).toEqual(['Service:create', 'Deployment:create', 'PodDisruptionBudget:create']);
    expect(e.getObject('Deployment', 'shop', 'shop')).toBeUndefined();
    await zdd.deploy(config('registry.example.com/shop:1.0.0'), options);
    const same = await zdd.deploy(config('registry.example.com/shop:1.0.0'), { ...options, dryRun: true });
    expect(same.changes?.every((c) => c.action === 'unchanged')).toBe(true);
    const next = await zdd.deploy(config('registry.example.com/shop:1.2.0'), { ...options, dryRun: true });
    const dep = next.changes?.find((c) => c.kind === 'Deployment');
    expect(dep?.action).toBe('update');
    expect(dep?.fields).toContainEqual({ path: 'spec.template.spec.containers[name=shop].image', live: 'registry.example.com/shop:1.0.0', desired: 'registry.example.com/shop:1.2.0' });
    expect(templateImage()).toBe('registry.example.com/shop:1.0.0');
  });

  it('with autoscaling the HPA owns the replica count, and redeploys stay no-ops', async () => {
    const scaled = config('registry.example.com/shop:1.0.0', { autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 5 } });
    const first = await zdd.deploy(scaled, options);
    expect(first.status).toBe('succeeded');
    expect(first.manifests.map((m) => m.kind)).toContain('HorizontalPodAutoscaler');
    const d = e.getObject('Deployment', 'shop', 'shop') as { spec: { replicas: number }; status: { availableReplicas: number } };
    expect(d.spec.replicas).toBe(2);
    expect(d.status.availableReplicas).toBe(2);
    expect(await zdd.deploy(scaled, options)).toMatchObject({ status: 'succeeded', unchanged: true });
  });

  it.each([
    ['timeoutMs: -1', { timeoutMs: -1 }, 'timeoutMs'],
    ['timeoutMs: NaN', { timeoutMs: Number.NaN }, 'timeoutMs'],
    ['rollbackTimeoutMs: Infinity', { rollbackTimeoutMs: Number.POSITIVE_INFINITY }, 'rollbackTimeoutMs'],
    ['a smoke-test base URL that is no URL', { smokeTests: { baseUrl: 'not a url', tests: [{ name: 'health', path: '/healthz' }] } }, 'smokeTests.baseUrl'],
    ['a file: base URL', { smokeTests: { baseUrl: 'file:///etc/passwd', tests: [] } }, 'smokeTests.baseUrl'],
    ['a smoke test with a status of 1000', { smokeTests: { baseUrl: 'http://127.0.0.1:1', tests: [{ name: 'h', path: '/', expectedStatus: 1000 }] } }, 'smokeTests.tests.0.expectedStatus'],
    ['a pod check every 0 ms', { rollout: { podCheckIntervalMs: 0 } }, 'rollout.podCheckIntervalMs'],
    ['a misspelt option', { timeout: 5000 }, ''],
  ])('refuses %s before touching the cluster', async (_name, bad, path) => {
    const error = await zdd.deploy(config('registry.example.com/shop:1.0.0'), { ...options, ...bad } as DeployOptions).catch((x: unknown) => x);
    expect(error).toMatchObject({ name: 'GatiError', code: 'INVALID_CONFIG' });
    expect((error as { details: { issues: { path: string }[] } }).details.issues.map((i) => i.path)).toEqual([path]);
    expect(e.requestLog.entries()).toHaveLength(0);
  });

  it('a smoke-test target function that returns no URL fails the smoke tests and rolls back', async () => {
    expect((await zdd.deploy(config('registry.example.com/shop:1.0.0'), options)).status).toBe('succeeded');
    const result = await zdd.deploy(config('registry.example.com/shop:1.1.0'), { ...options, smokeTests: { baseUrl: () => 'not a url', tests: [{ name: 'health', path: '/healthz' }] } });
    expect(result).toMatchObject({ status: 'rolled_back', failure: { step: 'smoke-tests' } });
    expect(result.failure?.reason).toMatch(/INVALID_CONFIG: Invalid smoke tests:\n\s+- baseUrl: must be an absolute http\(s\) URL/);
    expect(templateImage()).toBe('registry.example.com/shop:1.0.0');
  });

  it('refuses an invalid config before touching the cluster', async () => {
    await expect(zdd.deploy({ ...config('registry.example.com/shop:1.0.0'), appName: 'Shop_1' }, options)).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    expect(e.requestLog.entries()).toHaveLength(0);
  });
});
