import { describe, expect, it } from 'vitest';
import { formatSlice, median, medianInterval, parseSlice, roundRatios } from '../bench/stats.js';

// The benchmark's numbers in docs/benchmarks.md are pooled from saved runs (bench/runs) with these.
describe('benchmark statistics', () => {
  it('reads back the per-slice lines the benchmark writes', () => {
    const slice = { round: 12, variant: 'metrics', rps: 2898.4, p99: 31.5, cpuUs: 332.6 };
    const line = formatSlice(slice);
    expect(line).toBe('round 12 metrics  2898 req/s p99 31.5 ms 333 µs CPU/req');
    expect(parseSlice(line)).toEqual({ round: 12, variant: 'metrics', rps: 2898, p99: 31.5, cpuUs: 333 });
    expect(parseSlice('Load average at the end: 1.41')).toBeUndefined();
  });

  it('takes ratios to bare of the same round, CPU inverted', () => {
    const ratios = roundRatios([
      { round: 1, variant: 'bare', rps: 1000, p99: 1, cpuUs: 100 },
      { round: 1, variant: 'metrics', rps: 900, p99: 1, cpuUs: 125 },
      { round: 2, variant: 'metrics', rps: 500, p99: 1, cpuUs: 400 },
      { round: 2, variant: 'bare', rps: 1000, p99: 1, cpuUs: 200 },
      { round: 3, variant: 'metrics', rps: 1, p99: 1, cpuUs: 1 }, // no bare in round 3: skipped
    ]);
    expect(ratios.get('metrics')).toEqual({ rps: [0.9, 0.5], cpu: [0.8, 0.5] });
    expect(ratios.get('bare')).toEqual({ rps: [1, 1], cpu: [1, 1] });
  });

  it('gives the median with a reproducible interval that narrows with more rounds', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const noisy = (n: number): number[] => Array.from({ length: n }, (_, i) => 0.95 + 0.1 * Math.sin(i * 12.9898));
    const [lo40, hi40] = medianInterval(noisy(40));
    const [lo400, hi400] = medianInterval(noisy(400));
    expect(medianInterval(noisy(40))).toEqual([lo40, hi40]);
    expect(lo40).toBeLessThanOrEqual(median(noisy(40)));
    expect(hi40).toBeGreaterThanOrEqual(median(noisy(40)));
    expect(hi400 - lo400).toBeLessThan(hi40 - lo40);
    expect(medianInterval([0.9])).toEqual([0.9, 0.9]);
  });
});
