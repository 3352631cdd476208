import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { renderExposition } from './open-metrics.js';

function sampleRegistry(): Registry {
  const registry = new Registry();
  const c = new Counter({ name: 'x_requests_total', help: 'Requests with \\ and\nnewline.', labelNames: ['route'], registers: [registry] });
  c.inc({ route: '/a"b\\c\nd' }, 3);
  c.inc({ route: '/plain' });
  new Gauge({ name: 'x_level', help: 'A gauge.', registers: [registry] }).set(NaN);
  const h = new Histogram({ name: 'x_seconds', help: 'A histogram.', labelNames: ['route'], buckets: [0.1, 1], registers: [registry] });
  h.observe({ route: '/plain' }, 0.05);
  h.observe({ route: '/plain' }, 5);
  return registry;
}

describe('exposition renderer', () => {
  it('renders Prometheus text exactly like prom-client (same samples, same escaping)', async () => {
    const registry = sampleRegistry();
    const ours = await renderExposition(registry, false);
    const theirs = (await registry.metrics()).replace(' Nan\n', ' NaN\n');
    const lines = (t: string): string[] => t.split('\n').filter((l) => l !== '');
    expect(lines(ours)).toEqual(lines(theirs));
    // A second render (label strings from the cache) is identical.
    expect(await renderExposition(registry, false)).toBe(ours);
  });

  it('renders OpenMetrics: counter families without _total, samples with it, # EOF last', async () => {
    const text = await renderExposition(sampleRegistry(), true);
    expect(text).toContain('# TYPE x_requests counter\n# HELP x_requests Requests with \\\\ and\\nnewline.\n');
    expect(text).toContain('x_requests_total{route="/a\\"b\\\\c\\nd"} 3\n');
    expect(text).toContain('x_seconds_bucket{le="+Inf",route="/plain"} 2\n');
    expect(text.endsWith('# EOF\n')).toBe(true);
  });
});
