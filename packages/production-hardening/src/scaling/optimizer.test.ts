import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { AutoScalingOptimizer, POLICIES, REQUESTS_PER_SECOND_METRIC, type KubernetesObject, type WorkloadKind } from './index.js';
import { validateAgainstKubernetesSchema } from '../../test/fixtures/kube-schema.js';

const optimizer = new AutoScalingOptimizer();

describe('workload policies and HPA manifests', () => {
  it('has the four policies of the issue', () => {
    expect(POLICIES.web).toMatchObject({ minReplicas: 2, maxReplicas: 10, metric: { resource: { name: 'cpu', target: { averageUtilization: 70 } } } });
    expect(POLICIES.api).toMatchObject({ minReplicas: 3, maxReplicas: 20, metric: { pods: { metric: { name: REQUESTS_PER_SECOND_METRIC }, target: { averageValue: '1k' } } } });
    expect(POLICIES.batch).toMatchObject({ minReplicas: 1, maxReplicas: 50, metric: { resource: { name: 'cpu', target: { averageUtilization: 80 } } } });
    expect(POLICIES.stream).toMatchObject({ minReplicas: 2, maxReplicas: 15, metric: { resource: { name: 'memory', target: { averageUtilization: 75 } } } });
    for (const p of Object.values(POLICIES)) expect(p.behavior.scaleUp?.policies?.length && p.behavior.scaleDown?.stabilizationWindowSeconds).toBeTruthy();
  });

  it('generates schema-valid autoscaling/v2 HPAs for every workload', () => {
    for (const workload of Object.keys(POLICIES) as WorkloadKind[]) {
      const hpa = optimizer.generateHPAManifest({ name: 'shop-api', namespace: 'shop', workload });
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-api' });
      expect(() => validateAgainstKubernetesSchema(hpa as unknown as KubernetesObject), workload).not.toThrow();
    }
  });

  it('supports Resource, Pods, Object and External metrics', () => {
    const hpa = optimizer.generateHPAManifest({
      name: 'worker',
      workload: 'batch',
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
        { type: 'Pods', pods: { metric: { name: 'jobs_in_flight' }, target: { type: 'AverageValue', averageValue: '5' } } },
        { type: 'Object', object: { describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main' }, metric: { name: 'requests_per_second' }, target: { type: 'Value', value: '2k' } } },
        { type: 'External', external: { metric: { name: 'queue_messages_ready', selector: { matchLabels: { queue: 'jobs' } } }, target: { type: 'AverageValue', averageValue: '30' } } },
      ],
    });
    expect(hpa.spec.metrics.map((m) => m.type)).toEqual(['Resource', 'Pods', 'Object', 'External']);
    expect(() => validateAgainstKubernetesSchema(hpa as unknown as KubernetesObject)).not.toThrow();
    const yaml = optimizer.generateHPAYAML({ name: 'shop-api', namespace: 'shop', workload: 'api' });
    expect(parse(yaml)).toEqual(optimizer.generateHPAManifest({ name: 'shop-api', namespace: 'shop', workload: 'api' }));
    expect(yaml).toContain('kind: HorizontalPodAutoscaler');
  });

  it('refuses a broken range', () => {
    expect(() => optimizer.generateHPAManifest({ name: 'x', minReplicas: 5, maxReplicas: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }) as Error);
  });

  it('emits the prometheus-adapter rule for the api policy', () => {
    const rule = optimizer.prometheusAdapterRule();
    expect(rule).toEqual({
      seriesQuery: 'gati_http_requests_total{namespace!="",pod!=""}',
      resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
      name: { matches: '^(.*)_total$', as: '${1}_per_second' },
      metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)',
    });
    // The adapter's renaming yields exactly the metric the api HPA reads.
    expect('gati_http_requests_total'.replace(new RegExp(rule.name.matches), rule.name.as.replace('${1}', '$1'))).toBe(REQUESTS_PER_SECOND_METRIC);
    expect(parse(optimizer.prometheusAdapterConfigYAML())).toEqual({ rules: [rule] });
  });
});

describe('simulate', () => {
  it('follows a load spike up and back down, honoring policies and the scale-down window', () => {
    // api policy: 1000 req/s per pod, 3–20 replicas. 4 minutes at 2k, 5 at 12k, then 10 at 2k (15 s steps).
    const trace = [...Array(16).fill(2000), ...Array(20).fill(12000), ...Array(40).fill(2000)] as number[];
    const steps = optimizer.simulate({ workload: 'api', trace, podStartupSeconds: 30 });
    expect(steps[0]?.replicas).toBe(3);
    const peak = Math.max(...steps.map((s) => s.replicas));
    expect(peak).toBeGreaterThanOrEqual(12);
    expect(peak).toBeLessThanOrEqual(20);
    // Up: the first step of the spike (12 wanted) may add max(+4 pods, +100 % of 3) → 7.
    expect(steps[16]?.metricReplicas).toBe(12);
    expect(steps[17]?.replicas).toBe(7);
    // Down: nothing is removed for 300 s after the load drops (stabilization window).
    const drop = 36;
    for (let i = drop; i < drop + 20; i += 1) expect(steps[i]?.replicas, `step ${i}`).toBe(steps[drop]?.replicas);
    expect(steps.at(-1)?.replicas).toBeLessThan(peak);
    expect(steps.at(-1)?.replicas).toBeGreaterThanOrEqual(3);
  });

  it('takes a bare trace for the web policy (CPU 70 %, 2–10)', () => {
    const steps = optimizer.simulate([1000, 1000, 5000, 5000, 5000, 5000, 5000, 5000]);
    // 5 CPUs on 2 pods: 250 % vs 70 % wants 8; the first step may add max(+100 %, +4 pods) = 6.
    expect(steps.map((s) => s.replicas)).toEqual([2, 2, 2, 6, 8, 8, 8, 8]);
  });

  it('with a full spec and CPU utilization, new pods join only once ready', () => {
    const steps = optimizer.simulate({
      spec: { minReplicas: 1, maxReplicas: 10, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
      trace: [400, 2000, 2000, 2000, 2000, 2000],
      podRequest: 1000,
      podStartupSeconds: 20,
    });
    expect(steps.map((s) => s.replicas)).toEqual([1, 1, 4, 4, 4, 4]);
    expect(steps[2]?.readyReplicas).toBe(1);
    expect(steps[4]?.readyReplicas).toBe(4);
  });
});

describe('recommend', () => {
  it('sets requests at p90 + 15 % and a memory limit above the peak', () => {
    const cpu = Array.from({ length: 100 }, (_, i) => 100 + i); // 100..199 m
    const memory = Array.from({ length: 100 }, (_, i) => (200 + i) * 2 ** 20); // 200..299 Mi
    const r = optimizer.recommend({ cpu, memory });
    expect(r.cpu.target).toBeCloseTo(189 * 1.15);
    expect(r.requests.cpu).toBe('218m');
    expect(r.requests.memory).toBe(`${Math.ceil(289 * 1.15)}Mi`);
    expect(r.limits.memory).toBe(`${Math.ceil(299 * 1.15)}Mi`);
    expect(r.cpu.lowerBound).toBeLessThan(r.cpu.target);
    expect(r.cpu.upperBound).toBeGreaterThanOrEqual(r.cpu.target);
    expect(optimizer.recommend({ cpu: [1], memory: [1] }).requests).toEqual({ cpu: '10m', memory: '16Mi' });
    expect(() => optimizer.recommend({ cpu: [], memory: [1] })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }) as Error);
  });
});
