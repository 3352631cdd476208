import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MetricsOptionsSchema } from '../config/options.js';
import { ObservabilityMetrics } from './metrics.js';

const BUCKETS = [0.005, 0.01, 0.1, 1];

/** The same observations through plain prom-client, as the reference. */
function reference(observations: [string, string, number][]): Registry {
  const registry = new Registry();
  const c = new Counter({ name: 'gati_http_requests_total', help: 'x', labelNames: ['method', 'route', 'status_code'], registers: [registry] });
  const h = new Histogram({ name: 'gati_http_request_duration_seconds', help: 'x', labelNames: ['method', 'route', 'status_code'], buckets: BUCKETS, registers: [registry] });
  for (const [route, status, s] of observations) {
    c.inc({ method: 'GET', route, status_code: status });
    h.observe({ method: 'GET', route, status_code: status }, s);
  }
  return registry;
}

async function values(registry: Registry, name: string): Promise<unknown> {
  const m = registry.getSingleMetric(name);
  // Exemplars are compared in their own test; here only names, labels and values.
  return (await m!.get()).values.map((v) => ({ name: (v as { metricName?: string }).metricName, labels: { ...v.labels }, value: v.value })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('request hot path (series updated in place)', () => {
  const observations: [string, string, number][] = [
    ['/a', '200', 0.001],
    ['/a', '200', 0.005], // exactly on a bound
    ['/a', '200', 0.05],
    ['/a', '500', 2], // above every bound: only +Inf
    ['/b', '200', 0.5],
    ['/a', '200', 0.0099],
    ['/b', '200', 1],
  ];

  for (const exemplars of [false, true]) {
    it(`counts and buckets exactly like prom-client (exemplars ${exemplars ? 'on' : 'off'})`, async () => {
      const m = new ObservabilityMetrics(MetricsOptionsSchema.parse({ buckets: BUCKETS, defaultMetrics: false, exemplars }));
      for (const [route, status, s] of observations) m.recordRequest('GET', route, status, s, exemplars ? 'a'.repeat(32) : undefined);
      const ref = reference(observations);
      for (const name of ['gati_http_requests_total', 'gati_http_request_duration_seconds']) {
        expect(await values(m.registry, name)).toEqual(await values(ref, name));
      }
    });
  }

  it('counts the same when read between observations (bucket counts kept aside until a read)', async () => {
    const m = new ObservabilityMetrics(MetricsOptionsSchema.parse({ buckets: BUCKETS, defaultMetrics: false, exemplars: false }));
    const name = 'gati_http_request_duration_seconds';
    for (const [i, [route, status, s]] of observations.entries()) {
      m.recordRequest('GET', route, status, s, undefined);
      expect(await values(m.registry, name), `after ${i + 1}`).toEqual(await values(reference(observations.slice(0, i + 1)), name));
    }
    expect((await m.render()).body).toContain('gati_http_request_duration_seconds_bucket{le="0.01",method="GET",route="/a",status_code="200"} 3');
  });

  it('keeps counting correctly after the registry is reset', async () => {
    const m = new ObservabilityMetrics(MetricsOptionsSchema.parse({ buckets: BUCKETS, defaultMetrics: false, exemplars: false }));
    for (let i = 0; i < 3; i++) m.recordRequest('GET', '/a', '200', 0.05, undefined);
    m.registry.resetMetrics();
    for (let i = 0; i < 2; i++) m.recordRequest('GET', '/a', '200', 0.05, undefined);
    const ref = reference([
      ['/a', '200', 0.05],
      ['/a', '200', 0.05],
    ]);
    for (const name of ['gati_http_requests_total', 'gati_http_request_duration_seconds']) {
      expect(await values(m.registry, name)).toEqual(await values(ref, name));
    }
  });

  it('attaches the trace id exemplar to the bucket of the observed value', async () => {
    const m = new ObservabilityMetrics(MetricsOptionsSchema.parse({ buckets: BUCKETS, defaultMetrics: false, exemplars: true }));
    m.recordRequest('GET', '/a', '200', 0.05, undefined);
    m.recordRequest('GET', '/a', '200', 0.05, 'b'.repeat(32)); // creates the bucket's exemplar
    let { body } = await m.render('application/openmetrics-text; version=1.0.0');
    expect(body).toMatch(/gati_http_request_duration_seconds_bucket\{le="0.1",method="GET",route="\/a",status_code="200"\} 2 # \{trace_id="b{32}"\} 0.05 \d/);
    m.recordRequest('GET', '/a', '200', 0.07, 'c'.repeat(32)); // updates it in place
    ({ body } = await m.render('application/openmetrics-text; version=1.0.0'));
    expect(body).toMatch(/gati_http_request_duration_seconds_bucket\{le="0.1",method="GET",route="\/a",status_code="200"\} 3 # \{trace_id="c{32}"\} 0.07 \d/);
    expect(body).not.toContain('b'.repeat(32));
  });
});

describe('gauges and unlabeled counters (updated in place)', () => {
  /** The same calls on our metrics and on plain prom-client ones, with a registry reset in the middle. */
  it('hold exactly the values prom-client would', async () => {
    const m = new ObservabilityMetrics(MetricsOptionsSchema.parse({ defaultMetrics: false }));
    const ref = new Registry();
    const ours = {
      plain: m.createGauge('g_plain', 'x'),
      labeled: m.createGauge('g_labeled', 'x', ['pool']),
      counter: m.createCounter('c_plain', 'x'),
    };
    const theirs = {
      plain: new Gauge({ name: 'gati_g_plain', help: 'x', registers: [ref] }),
      labeled: new Gauge({ name: 'gati_g_labeled', help: 'x', labelNames: ['pool'], registers: [ref] }),
      counter: new Counter({ name: 'gati_c_plain', help: 'x', registers: [ref] }),
    };
    const script = (o: typeof ours | typeof theirs, round: number): void => {
      const plain = o.plain as { inc(v?: number): void; dec(v?: number): void; set(v: number): void };
      const labeled = o.labeled as { inc(l: object, v?: number): void; dec(l: object, v?: number): void; set(l: object, v: number): void };
      plain.inc();
      plain.inc(2.5);
      plain.dec();
      if (round === 1) plain.set(-7);
      plain.dec(0.5);
      labeled.inc({ pool: 'a' });
      labeled.inc({ pool: 'b' }, 3);
      labeled.set({ pool: 'a' }, 10);
      labeled.dec({ pool: 'a' }, 4);
      labeled.inc({ pool: 'a' });
      (o.counter as { inc(v?: number): void }).inc();
      (o.counter as { inc(v?: number): void }).inc(4);
    };
    for (const round of [0, 1]) {
      script(ours, round);
      script(theirs, round);
      for (const name of ['gati_g_plain', 'gati_g_labeled', 'gati_c_plain']) {
        expect(await values(m.registry, name), `${name} round ${round}`).toEqual(await values(ref, name));
      }
      m.registry.resetMetrics();
      ref.resetMetrics();
    }
    // prom-client's own validation still applies: a non-number is refused, not stored.
    expect(() => ours.plain.inc(undefined, 'x' as unknown as number)).toThrow(TypeError);
    expect(() => ours.plain.dec(undefined, 'x' as unknown as number)).toThrow(TypeError);
  });

  it('counts requests in flight back to zero', async () => {
    const m = new ObservabilityMetrics(MetricsOptionsSchema.parse({ defaultMetrics: false }));
    for (let i = 0; i < 5; i++) m.activeConnections.inc();
    expect(await values(m.registry, 'gati_active_connections')).toEqual([{ labels: {}, value: 5 }]);
    for (let i = 0; i < 5; i++) m.activeConnections.dec();
    expect(await values(m.registry, 'gati_active_connections')).toEqual([{ labels: {}, value: 0 }]);
  });
});
