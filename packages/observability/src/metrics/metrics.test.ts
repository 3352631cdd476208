import { Counter, Histogram, Registry } from 'prom-client';
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
