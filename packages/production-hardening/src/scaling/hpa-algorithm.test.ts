import { describe, expect, it } from 'vitest';
import { AutoScalingOptimizer, HPAController, averageValueReplicas, resourceUtilizationReplicas, valueReplicas, type PodSample } from './index.js';

const optimizer = new AutoScalingOptimizer();
const pods = (values: (number | undefined)[], extra: Partial<PodSample> = {}): PodSample[] =>
  values.map((value, i) => ({ name: `p${i}`, ...(value === undefined ? {} : { value }), request: 1000, ...extra }));

describe('the HPA formula (Kubernetes documentation, "Algorithm details")', () => {
  it('200m current vs 100m desired doubles the replicas; 50m halves them', () => {
    expect(optimizer.calculateOptimalReplicas({ currentReplicas: 4, currentValue: 200, targetValue: 100 })).toBe(8);
    expect(optimizer.calculateOptimalReplicas({ currentReplicas: 4, currentValue: 50, targetValue: 100 })).toBe(2);
  });

  it('skips scaling within the 10 % tolerance', () => {
    expect(optimizer.calculateOptimalReplicas({ currentReplicas: 5, currentValue: 109, targetValue: 100 })).toBe(5);
    expect(optimizer.calculateOptimalReplicas({ currentReplicas: 5, currentValue: 91, targetValue: 100 })).toBe(5);
    expect(optimizer.calculateOptimalReplicas({ currentReplicas: 5, currentValue: 111, targetValue: 100 })).toBe(6);
    expect(optimizer.calculateOptimalReplicas({ currentReplicas: 5, currentValue: 111, targetValue: 100, maxReplicas: 5 })).toBe(5);
  });

  it('HPA walkthrough: php-apache at 305 % CPU of a 50 % target, 1 replica → 7', () => {
    const r = resourceUtilizationReplicas(1, [{ name: 'php-apache', value: 610, request: 200 }], 50);
    expect(r?.replicas).toBe(7);
    expect(r?.usage).toBeCloseTo(305);
  });
});

describe('missing and not-ready pods, as the controller handles them', () => {
  it('scale down: pods without metrics count as using 100 % of their request, which can cancel the scale-down', () => {
    // 3 pods at 20 % of a 50 % target: ratio 0.4 → would be 2 replicas.
    expect(resourceUtilizationReplicas(3, pods([200, 200, 200]), 50)?.replicas).toBe(2);
    // A 4th pod without metrics is assumed at 100 %: ratio (600+1000)/4000/0.5 = 0.8 → ceil(0.8×4) = 4 → no change.
    expect(resourceUtilizationReplicas(4, pods([200, 200, 200, undefined]), 50)?.replicas).toBe(4);
  });

  it('scale up: missing pods count as 0 %, which dampens the scale-up', () => {
    // 2 pods at 100 % of a 50 % target → ratio 2 → 4 replicas; with 2 more missing pods: (2000)/4000/0.5 = 1.0 → within tolerance.
    expect(resourceUtilizationReplicas(2, pods([1000, 1000]), 50)?.replicas).toBe(4);
    expect(resourceUtilizationReplicas(4, pods([1000, 1000, undefined, undefined]), 50)?.replicas).toBe(4);
    expect(resourceUtilizationReplicas(4, pods([1500, 1500, undefined, undefined]), 50)?.replicas).toBe(6);
  });

  it('not-ready pods are ignored on scale down and count as 0 % on scale up (CPU)', () => {
    const notReady: PodSample = { name: 'cold', value: 900, request: 1000, ready: false };
    // Scale down: the unready pod's high usage is ignored, ratio 0.4 → ceil(0.4 × 3 ready pods) = 2.
    expect(resourceUtilizationReplicas(4, [...pods([200, 200, 200]), notReady], 50)?.replicas).toBe(2);
    // Scale up: ratio (800×3)/3000/0.5 = 1.6; with the unready pod at 0: 2400/4000/0.5 = 1.2 → ceil(1.2 × 4) = 5.
    expect(resourceUtilizationReplicas(4, [...pods([800, 800, 800]), notReady], 50)?.replicas).toBe(5);
    // Pending pods are unready for every metric type; a missing-metric-only set gives no proposal.
    expect(averageValueReplicas(2, [{ name: 'a', value: 1500 }, { name: 'b', value: 1500 }], 1000)?.replicas).toBe(3);
    expect(averageValueReplicas(3, [{ name: 'a', value: 1500 }, { name: 'b', value: 1500 }, { name: 'c', phase: 'Pending' }], 1000)?.replicas).toBe(3);
    expect(averageValueReplicas(3, [{ name: 'a', value: 3000 }, { name: 'b', value: 3000 }, { name: 'c', phase: 'Pending' }], 1000)?.replicas).toBe(6);
    expect(resourceUtilizationReplicas(2, pods([undefined, undefined]), 50)).toBeUndefined();
  });

  it('a direction flip after filling in missing pods means no change', () => {
    // Ratio 1.25 from the one reporting pod; 3 missing at 0 → 1250/4000/0.5 = 0.625 < 1: flip → keep 4.
    expect(resourceUtilizationReplicas(4, pods([625, undefined, undefined, undefined]), 50)?.replicas).toBe(4);
  });

  it('ignores deleted and failed pods', () => {
    expect(averageValueReplicas(2, [{ name: 'a', value: 2000 }, { name: 'b', value: 2000 }, { name: 'x', value: 0, deleting: true }, { name: 'y', value: 0, phase: 'Failed' }], 1000)?.replicas).toBe(4);
  });

  it('Object metric with a Value target scales by ratio × ready pods; AverageValue by total ÷ target', () => {
    expect(valueReplicas(3, 3, 200, 100).replicas).toBe(6);
    expect(valueReplicas(3, 3, 105, 100).replicas).toBe(3);
    const c = new HPAController({
      minReplicas: 1,
      maxReplicas: 50,
      metrics: [{ type: 'External', external: { metric: { name: 'queue_messages_ready' }, target: { type: 'AverageValue', averageValue: '30' } } }],
      behavior: { scaleUp: { policies: [{ type: 'Pods', value: 100, periodSeconds: 15 }] } },
    });
    expect(c.step({ now: 0, currentReplicas: 2, observations: [{ value: 600 }] }).desiredReplicas).toBe(20);
  });
});

describe('HPAController: max across metrics, behavior policies and stabilization', () => {
  it('takes the largest proposal across metrics', () => {
    const c = new HPAController({
      minReplicas: 1,
      maxReplicas: 100,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
        { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } } },
      ],
    });
    const r = c.step({ now: 0, currentReplicas: 4, observations: [{ pods: pods([600, 600, 600, 600]) }, { pods: pods([300, 300, 300, 300]) }] });
    expect(r.proposals.map((p) => p?.replicas)).toEqual([5, 12]);
    expect(r.metricReplicas).toBe(12);
    expect(r.desiredReplicas).toBe(8); // default scale-up: max(+4 pods, +100 %) per 15 s
  });

  it('documentation example: 80 → 10 with Pods 4 / Percent 10 per 60 s removes 8, then 8 (7.2 rounded up), then 4 at a time below 40', () => {
    const c = new HPAController({
      minReplicas: 1,
      maxReplicas: 100,
      metrics: [{ type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } } }],
      behavior: {
        scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }, { type: 'Percent', value: 10, periodSeconds: 60 }] },
      },
    });
    let replicas = 80;
    const seen: number[] = [];
    for (let t = 0; replicas > 10 && t < 60 * 40; t += 60) {
      // Load worth 10 replicas, spread over the current pods (truncated to milli-units, as metrics are).
      const perPod = Math.floor(1_000_000 / replicas) / 1000;
      replicas = c.step({ now: t, currentReplicas: replicas, observations: [{ pods: pods(Array.from({ length: replicas }, () => perPod)) }] }).desiredReplicas;
      seen.push(replicas);
    }
    // Percent wins above 40 (10 % of 72 is 7.2, so 8 go: int(72 × 0.9) = 64), Pods (4) below.
    expect(seen).toEqual([72, 64, 57, 51, 45, 40, 36, 32, 28, 24, 20, 16, 12, 10]);
  });

  it('counts changes within a policy period: the second step inside the period may not scale again', () => {
    const c = new HPAController({
      minReplicas: 1,
      maxReplicas: 100,
      metrics: [{ type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } } }],
      behavior: { scaleUp: { policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] } },
    });
    const step = (now: number, current: number): number => c.step({ now, currentReplicas: current, observations: [{ pods: pods(Array.from({ length: current }, () => 400)) }] }).desiredReplicas;
    expect(step(0, 2)).toBe(4); // +2 allowed
    expect(step(15, 4)).toBe(4); // already +2 within 60 s
    expect(step(61, 4)).toBe(6); // a new period
  });

  it('selectPolicy Min picks the smallest change; Disabled never scales that way', () => {
    const spec = (selectPolicy: 'Min' | 'Max' | 'Disabled'): HPAController =>
      new HPAController({
        minReplicas: 1,
        maxReplicas: 100,
        metrics: [{ type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } } }],
        behavior: { scaleUp: { selectPolicy, policies: [{ type: 'Pods', value: 1, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] } },
      });
    const obs = [{ pods: pods([1000, 1000, 1000, 1000]) }];
    expect(spec('Max').step({ now: 0, currentReplicas: 4, observations: obs }).desiredReplicas).toBe(8);
    expect(spec('Min').step({ now: 0, currentReplicas: 4, observations: obs }).desiredReplicas).toBe(5);
    expect(spec('Disabled').step({ now: 0, currentReplicas: 4, observations: obs }).desiredReplicas).toBe(4);
  });

  it('the scale-down stabilization window keeps the highest recommendation of the last 300 s', () => {
    const c = new HPAController({ minReplicas: 1, maxReplicas: 20, metrics: [{ type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } } }] });
    const step = (now: number, current: number, perPod: number): number => c.step({ now, currentReplicas: current, observations: [{ pods: pods(Array.from({ length: current }, () => perPod)) }] }).desiredReplicas;
    expect(step(0, 10, 100)).toBe(10);
    expect(step(15, 10, 20)).toBe(10); // wants 2, but 10 was recommended 15 s ago
    expect(step(150, 10, 20)).toBe(10);
    expect(step(301, 10, 20)).toBe(2); // the 10 has left the window (the 2s recommended since remain)
  });

  it('the scale-up stabilization window takes the lowest recommendation in the window', () => {
    const c = new HPAController({
      minReplicas: 1,
      maxReplicas: 20,
      metrics: [{ type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } } }],
      behavior: { scaleUp: { stabilizationWindowSeconds: 60 } },
    });
    const step = (now: number, current: number, perPod: number): number => c.step({ now, currentReplicas: current, observations: [{ pods: pods(Array.from({ length: current }, () => perPod)) }] }).desiredReplicas;
    expect(step(0, 2, 100)).toBe(2);
    expect(step(15, 2, 400)).toBe(2); // a spike: 8 wanted, but 2 was recommended within 60 s
    expect(step(61, 2, 400)).toBe(6); // the spike lasted; default rate limit: max(+4, +100 %) → 6
  });

  it('clamps to min/max and does nothing with 0 replicas or no metrics', () => {
    const c = new HPAController({ minReplicas: 2, maxReplicas: 5, metrics: [{ type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } } }] });
    expect(c.step({ now: 0, currentReplicas: 8, observations: [] }).desiredReplicas).toBe(5);
    expect(c.step({ now: 15, currentReplicas: 1, observations: [] }).desiredReplicas).toBe(2);
    expect(c.step({ now: 30, currentReplicas: 0, observations: [] }).desiredReplicas).toBe(0);
    expect(c.step({ now: 45, currentReplicas: 3, observations: [] })).toMatchObject({ desiredReplicas: 3, reason: 'no metric data' });
    expect(c.step({ now: 60, currentReplicas: 3, observations: [{ pods: pods([10000, 10000, 10000]) }] }).desiredReplicas).toBe(5);
  });
});

describe('HPAController: a bad spec is INVALID_CONFIG with paths, at construction', () => {
  const rps = { type: 'Pods' as const, pods: { metric: { name: 'rps' }, target: { type: 'AverageValue' as const, averageValue: '100' } } };
  const issuesOf = (spec: unknown): { path: string; code: string }[] => {
    try {
      new HPAController(spec as ConstructorParameters<typeof HPAController>[0]);
    } catch (e) {
      expect(e).toMatchObject({ name: 'GatiError', code: 'INVALID_CONFIG' });
      return (e as { details: { issues: { path: string; code: string }[] } }).details.issues.map(({ path, code }) => ({ path, code }));
    }
    return [];
  };

  it('names each problem', () => {
    expect(issuesOf({ minReplicas: 5, maxReplicas: 2, metrics: [rps] })).toEqual([{ path: 'minReplicas', code: 'min_exceeds_max' }]);
    expect(issuesOf({ minReplicas: -1, maxReplicas: 1.5, metrics: [rps] }).map((i) => i.path)).toEqual(['minReplicas', 'maxReplicas']);
    expect(issuesOf({ minReplicas: 1, maxReplicas: 3, metrics: [{ ...rps, pods: { ...rps.pods, target: { type: 'AverageValue', averageValue: 'lots' } } }] })).toEqual([{ path: 'metrics.0.pods.target', code: 'invalid_target' }]);
    expect(issuesOf({ minReplicas: 1, maxReplicas: 3, metrics: [rps, { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } } }, { type: 'Nope' }] }).map((i) => i.path)).toEqual([
      'metrics.1.resource.target',
      'metrics.2.type',
    ]);
    expect(issuesOf({ minReplicas: 1, maxReplicas: 3 })).toEqual([{ path: 'metrics', code: 'invalid_type' }]);
    expect(issuesOf({ minReplicas: 1, maxReplicas: 3, metrics: [rps] })).toEqual([]);
  });

  it('reaches users of createController and simulate the same way', () => {
    expect(() => optimizer.createController({ minReplicas: 3, maxReplicas: 1, metrics: [rps] })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }) as Error);
    expect(() => optimizer.simulate({ workload: 'api', minReplicas: 9, maxReplicas: 2, trace: [1] })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }) as Error);
  });
});
