import { createServer, type Server } from 'node:http';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Service } from 'kubernetes-models/v1/Service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentConfigInput } from '../validation/deployment-config.js';
import { ROLLOUT_STRATEGY, runSmokeTests, verifyDeploymentHealth, ZeroDowntimeDeployment } from './index.js';

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  Deployment: Deployment as never,
  Service: Service as never,
  PodDisruptionBudget: PodDisruptionBudget as never,
  HorizontalPodAutoscaler: HorizontalPodAutoscaler as never,
  Ingress: Ingress as never,
};

const full: DeploymentConfigInput = {
  appName: 'shop',
  environment: 'staging',
  cloudProvider: 'gcp',
  image: 'registry.example.com/shop:1.4.2',
  resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  probes: { liveness: { path: '/livez', port: 8080 }, readiness: { path: '/readyz', port: 8080 }, startup: { path: '/startz', port: 8080 } },
  autoscaling: { enabled: true, workload: 'api', minReplicas: 2, maxReplicas: 8 },
  networking: { port: 8080, serviceType: 'LoadBalancer', ingress: { enabled: true, host: 'shop.example.com', tls: true } },
  kubernetes: { clusterName: 'c', namespace: 'shop' },
  env: { LOG_LEVEL: 'info' },
};

describe('deployment manifests', () => {
  it.each(['development', 'staging', 'production'] as const)('validate against the Kubernetes schema (kubernetes-models 4.5.1) for %s', (environment) => {
    const list = new ZeroDowntimeDeployment().manifests({ ...full, environment });
    expect(list.map((o) => o.kind)).toEqual(['Service', 'Deployment', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Ingress']);
    for (const o of list) {
      const Model = MODELS[o.kind];
      expect(Model, o.kind).toBeDefined();
      expect(() => new (Model as new (d: unknown) => { validate(): void })(o).validate(), `${o.kind} must validate`).not.toThrow();
    }
    const dep = list.find((o) => o.kind === 'Deployment');
    expect(dep?.spec?.['strategy']).toEqual({ type: 'RollingUpdate', rollingUpdate: ROLLOUT_STRATEGY[environment] });
  });

  it('the schema check can fail: a broken Deployment is rejected', () => {
    const [, dep] = new ZeroDowntimeDeployment().manifests(full);
    const broken = { ...dep, spec: { ...dep?.spec, replicas: 'three' } };
    expect(() => new Deployment(broken as never).validate()).toThrow();
  });
});

describe('runSmokeTests and verifyDeploymentHealth', () => {
  let server: Server;
  let url: string;
  let calls = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/flaky') calls++;
      if (req.url === '/flaky' && calls % 2 === 1) return void res.writeHead(500).end('boom');
      if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('ok'), 120);
      if (req.url === '/down') return void res.writeHead(503).end('down');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok","version":"1.4.2"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('checks status, body, latency budget, and retries', async () => {
    calls = 0;
    const report = await runSmokeTests(url, [
      { name: 'ok', path: '/healthz', bodyMatches: /"version":"1\.4\.2"/ },
      { name: 'flaky', path: '/flaky', retries: 2, retryDelayMs: 10 },
      { name: 'slow', path: '/slow', maxLatencyMs: 50, retries: 0 },
      { name: 'wrong body', path: '/healthz', bodyIncludes: 'nope', retries: 0 },
      { name: 'accepts 503', path: '/down', expectedStatus: [503] },
    ]);
    expect(report.passed).toBe(false);
    expect(report.results.map((r) => [r.name, r.passed])).toEqual([
      ['ok', true],
      ['flaky', true],
      ['slow', false],
      ['wrong body', false],
      ['accepts 503', true],
    ]);
    expect(report.results[1]?.attempts).toBe(2);
    expect(report.results[2]?.error).toMatch(/budget 50 ms/);
  });

  it('bad input is INVALID_CONFIG before any request, not a TypeError or RangeError', async () => {
    const invalid = expect.objectContaining({ name: 'GatiError', code: 'INVALID_CONFIG' }) as Error;
    await expect(runSmokeTests('not a url', [{ name: 'h', path: '/' }])).rejects.toThrow(invalid);
    await expect(runSmokeTests(url, [{ name: 'h', path: '/', timeoutMs: -1 }])).rejects.toThrow(invalid);
    await expect(verifyDeploymentHealth('not a url', 100)).rejects.toThrow(invalid);
    await expect(verifyDeploymentHealth(`${url}/healthz`, Number.NaN)).rejects.toThrow(invalid);
    await expect(verifyDeploymentHealth(`${url}/healthz`, 100, { intervalMs: -5 })).rejects.toThrow(invalid);
  });

  it('verifyDeploymentHealth reports healthy and unhealthy services', async () => {
    expect(await verifyDeploymentHealth(`${url}/healthz`, 1000)).toMatchObject({ healthy: true, status: 200 });
    const down = await verifyDeploymentHealth(`${url}/down`, 300, { intervalMs: 50 });
    expect(down).toMatchObject({ healthy: false, status: 503 });
    expect(down.attempts).toBeGreaterThan(1);
    expect((await verifyDeploymentHealth('http://127.0.0.1:1/', 200, { intervalMs: 50 })).healthy).toBe(false);
  });
});
