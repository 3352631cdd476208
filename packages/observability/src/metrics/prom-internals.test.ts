import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { openMetricsRegistry, samplesOf, seriesOf, updateExemplar, upperBoundsOf } from './prom-internals.js';

/**
 * The prom-client internals the hot path writes to directly. Each test names the assumption;
 * when a prom-client upgrade breaks one, fix prom-internals.ts (and the code using it) before
 * moving the pinned version.
 */
describe('prom-client internals (prom-internals.ts)', () => {
  it('a counter keeps one hashMap entry per label set, holding the label object it was given, with a mutable value', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 't_total', help: 'x', labelNames: ['a'], registers: [registry] });
    const labels = { a: 'x' };
    c.inc(labels, 2);
    const entries = Object.values(seriesOf(c).hashMap);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.labels).toBe(labels); // identity: BoundSeries.bind() finds its entry by it
    entries[0]!.value += 3;
    expect((await c.get()).values).toEqual([{ labels: { a: 'x' }, value: 5 }]);
    c.reset();
    expect(Object.keys(seriesOf(c).hashMap)).toHaveLength(0);
  });

  it('an unlabeled counter and gauge keep their one entry under the empty key', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 'u_total', help: 'x', registers: [registry] });
    const g = new Gauge({ name: 'g', help: 'x', registers: [registry] });
    c.inc();
    g.set(4);
    seriesOf(c).hashMap['']!.value += 1;
    seriesOf(g).hashMap['']!.value -= 1;
    expect((await c.get()).values[0]!.value).toBe(2);
    expect((await g.get()).values[0]!.value).toBe(3);
  });

  it('a histogram: upperBounds, and sum / count / bucketValues keyed by bound, all read at render', async () => {
    const registry = new Registry();
    const h = new Histogram({ name: 'h_seconds', help: 'x', labelNames: ['r'], buckets: [0.1, 1], registers: [registry] });
    expect(upperBoundsOf(h)).toEqual([0.1, 1]);
    h.observe({ r: '/' }, 0.5);
    const entry = Object.values(seriesOf(h).hashMap)[0]!;
    expect(entry).toMatchObject({ sum: 0.5, count: 1, bucketValues: { 0.1: 0, 1: 1 } });
    entry.sum += 0.05;
    entry.count += 1;
    entry.bucketValues[0.1]! += 1;
    const text = await registry.metrics();
    expect(text).toContain('h_seconds_bucket{le="0.1",r="/"} 1');
    expect(text).toContain('h_seconds_bucket{le="1",r="/"} 2');
    expect(text).toContain('h_seconds_count{r="/"} 2');
    expect(text).toContain('h_seconds_sum{r="/"} 0.55');
  });

  it('exemplars: only in an OpenMetrics registry; updateExemplar creates the bucket object the hot path updates in place', async () => {
    const registry = openMetricsRegistry();
    expect(registry.contentType).toBe(Registry.OPENMETRICS_CONTENT_TYPE);
    const h = new Histogram({ name: 'e_seconds', help: 'x', labelNames: ['r'], buckets: [1], registers: [registry], enableExemplars: true });
    const labels = { r: '/' };
    h.observe({ labels, value: 0.5, exemplarLabels: {} });
    updateExemplar(h, labels, 0.5, { trace_id: 'a'.repeat(32) });
    const entry = Object.values(seriesOf(h).hashMap)[0]!;
    const exemplar = entry.bucketExemplars?.[1];
    expect(exemplar).toMatchObject({ labelSet: { trace_id: 'a'.repeat(32) }, value: 0.5 });
    exemplar!.labelSet = { trace_id: 'b'.repeat(32) };
    expect(await registry.metrics()).toContain(`trace_id="${'b'.repeat(32)}"`);
  });

  it('samplesOf: histograms through getForPromString, bucket labels apart from one shared label object', async () => {
    const registry = new Registry();
    const h = new Histogram({ name: 's_seconds', help: 'x', labelNames: ['r'], buckets: [1], registers: [registry] });
    new Counter({ name: 's_total', help: 'y', registers: [registry] }).inc();
    h.observe({ r: '/' }, 2);
    const [hist, counter] = await samplesOf(registry);
    expect(hist!.values.map((v) => [v.metricName, v.labels, v.value])).toEqual([
      ['s_seconds_bucket', { le: 1 }, 0],
      ['s_seconds_bucket', { le: '+Inf' }, 1],
      ['s_seconds_sum', {}, 2],
      ['s_seconds_count', {}, 1],
    ]);
    expect(hist!.values[0]!.sharedLabels).toEqual({ r: '/' });
    expect(hist!.values[1]!.sharedLabels).toBe(hist!.values[0]!.sharedLabels);
    expect(counter).toMatchObject({ name: 's_total', type: 'counter', values: [{ value: 1 }] });
  });
});
