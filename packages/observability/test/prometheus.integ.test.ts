import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObservabilityStack } from '../src/index.js';
import { close, listen } from './helpers/servers.js';
import { PrometheusServer, which } from './helpers/prometheus.js';

const hasPrometheus = which('prometheus') !== undefined;
const hasPromtool = which('promtool') !== undefined;
if (!hasPrometheus) console.warn('SKIPPED: Prometheus tests need the `prometheus` binary (Debian package prometheus); it is not on PATH.');
if (!hasPromtool) console.warn('SKIPPED: promtool check needs the `promtool` binary (Debian package prometheus); it is not on PATH.');

function exampleApp(obs: ObservabilityStack): express.Express {
  const app = express();
  app.use(...obs.getMiddleware());
  app.get('/api/items/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  app.get('/api/fail', (_req, res) => {
    res.status(500).json({ error: 'failed on purpose' });
  });
  app.get('/metrics', obs.metricsHandler());
  return app;
}

describe('exposition', () => {
  it.skipIf(!hasPromtool)('passes `promtool check metrics` with zero findings (HTTP, process, GC, heap metrics)', async () => {
    const obs = new ObservabilityStack({ serviceName: 'lint', logging: false, tracing: false });
    const server = createServer(exampleApp(obs));
    const base = await listen(server);
    try {
      for (let i = 0; i < 20; i++) await fetch(`${base}/api/items/${i}`);
      await fetch(`${base}/api/fail`);
      await fetch(`${base}/nope`);
      global.gc?.();
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain('nodejs_heap_size_used_bytes');
      expect(text).toContain('nodejs_eventloop_lag_p99_seconds');
      expect(text).toContain('nodejs_gc_duration_seconds');
      expect(text).toContain('process_cpu_seconds_total');
      expect(text).toContain('nodejs_handles_active');
      expect(text).not.toContain('nodejs_active_handles_total');
      const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(lint.stdout + lint.stderr).toBe('');
      expect(lint.status).toBe(0);
    } finally {
      await close(server);
    }
  });
});

interface Dashboard {
  __inputs: { name: string; type: string; pluginId?: string; value?: string }[];
  templating: { list: { name: string; type: string; query?: unknown }[] };
  panels: { title: string; targets: { expr: string }[] }[];
}

const dashboard = JSON.parse(readFileSync(new URL('../dashboards/gati-red.json', import.meta.url), 'utf8')) as Dashboard;

/** A panel query as Grafana would send it for one job, all instances, and a metric prefix. */
function panelQuery(expr: string, job: string, prefix = 'gati_'): string {
  return expr.replaceAll('$__rate_interval', '1m').replaceAll('${prefix}', prefix).replaceAll('$job', job).replaceAll('$instance', '.*');
}

describe('the Grafana dashboard JSON', () => {
  it('offers the data source and the metric prefix in the import dialog, and has job and instance variables', () => {
    expect(dashboard.__inputs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }),
        expect.objectContaining({ name: 'VAR_PREFIX', type: 'constant', value: 'gati_' }),
      ]),
    );
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'prefix', 'job', 'instance']);
    for (const panel of dashboard.panels) {
      for (const t of panel.targets) {
        expect(t.expr, panel.title).not.toContain('vector(');
        expect(t.expr, panel.title).not.toMatch(/[{ (]gati_/); // every own metric through ${prefix}
        expect(t.expr, panel.title).toContain('instance=~"$instance"');
      }
    }
  });
});

describe.skipIf(!hasPrometheus)('a real Prometheus scraping the example app', () => {
  const prom = new PrometheusServer();
  const obs = new ObservabilityStack({ serviceName: 'gati-example', logging: false, tracing: {} });
  // Same app with another metrics.prefix, and one that is only ever scraped (no traffic).
  const shop = new ObservabilityStack({ serviceName: 'gati-shop', logging: false, tracing: false, metrics: { prefix: 'shop_' } });
  const idle = new ObservabilityStack({ serviceName: 'gati-idle', logging: false, tracing: false });
  const servers: Server[] = [];
  let base: string;
  let shopBase: string;
  const OK = 37;
  const FAIL = 3;
  const MISSING = 5;

  async function send(url: string, n: number, status: number): Promise<void> {
    for (let i = 0; i < n; i++) expect((await fetch(url.replace('RANDOM', String(Math.random())))).status).toBe(status);
  }

  beforeAll(async () => {
    const urls: string[] = [];
    for (const stack of [obs, shop, idle]) {
      const server = createServer(exampleApp(stack));
      servers.push(server);
      urls.push(await listen(server));
    }
    [base, shopBase] = urls as [string, string];
    await prom.start([
      { job: 'gati-example', target: base.replace('http://', '') },
      { job: 'gati-shop', target: shopBase.replace('http://', '') },
      { job: 'gati-idle', target: urls[2]!.replace('http://', '') },
    ]);
    // Prometheus counts no increase into a series' first sample: one request of each kind,
    // scraped, and only then the rest, so the rates the panels show must be above zero.
    await send(`${base}/api/items/0`, 1, 200);
    await send(`${base}/api/fail`, 1, 500);
    await send(`${base}/random/RANDOM`, 1, 404);
    await send(`${shopBase}/api/items/0`, 1, 200);
    await prom.waitFor('sum(gati_http_requests_total{job="gati-example"})', (v) => v === 3);
    await prom.waitFor('sum(shop_http_requests_total{job="gati-shop"})', (v) => v === 1);
    for (let i = 1; i < OK; i++) expect((await fetch(`${base}/api/items/${i % 7}`)).status).toBe(200);
    await send(`${base}/api/fail`, FAIL - 1, 500);
    await send(`${base}/random/RANDOM`, MISSING - 1, 404);
    await send(`${shopBase}/api/items/1`, 4, 200);
    // Make sure at least one garbage collection happened, so the GC panel has a series (Node 24 may not collect otherwise).
    let keep = 0;
    for (let i = 0; i < 300; i++) keep += new Array(50_000).fill(i).length;
    expect(keep).toBeGreaterThan(0);
  }, 90_000);
  afterAll(async () => {
    await prom.stop();
    for (const server of servers) await close(server);
    for (const stack of [obs, shop, idle]) await stack.shutdown();
  });

  it('PromQL returns exactly the counts of the traffic sent; the scrapes themselves are not counted', async () => {
    const job = 'job="gati-example"';
    await prom.waitFor(`sum(gati_http_requests_total{${job},route="/api/items/:id",status_code="200"})`, (v) => v === OK);
    const [target] = await prom.targets();
    expect(target?.health).toBe('up');
    expect(target?.lastError).toBe('');
    expect(Number((await prom.query(`sum(gati_http_requests_total{${job},route="/api/fail",status_code="500"})`))[0]?.value[1])).toBe(FAIL);
    expect(Number((await prom.query(`sum(gati_http_requests_total{${job},route="__unmatched__",status_code="404"})`))[0]?.value[1])).toBe(MISSING);
    expect(Number((await prom.query(`sum(gati_errors_total{${job},type="5xx"})`))[0]?.value[1])).toBe(FAIL);
    expect(Number((await prom.query(`sum(gati_http_request_duration_seconds_count{${job},route="/api/items/:id"})`))[0]?.value[1])).toBe(OK);
    expect(await prom.query(`count(gati_http_requests_total{${job}}) by (route)`)).toHaveLength(3); // items, fail, __unmatched__: no /metrics
    expect(await prom.query('gati_http_requests_total{job="gati-idle"}')).toEqual([]);
  });

  it('stores the trace-id exemplars scraped over OpenMetrics', async () => {
    const now = Date.now() / 1000;
    const res = await fetch(
      `${prom.url}/api/v1/query_exemplars?query=${encodeURIComponent('gati_http_request_duration_seconds_bucket{route="/api/items/:id"}')}&start=${now - 600}&end=${now + 60}`,
    );
    const body = (await res.json()) as { data: { exemplars: { labels: Record<string, string> }[] }[] };
    const ids = body.data.flatMap((s) => s.exemplars.map((e) => e.labels['trace_id']));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('every panel answers for the job with traffic, with non-zero values where the traffic must produce them', async () => {
    await prom.waitFor('sum(shop_http_requests_total{job="gati-shop"})', (v) => v === 5);
    await prom.waitFor(`sum(gati_http_requests_total{job="gati-example"})`, (v) => v === OK + FAIL + MISSING);
    // The GC series exists only after a collection; a rate needs two scraped samples of it.
    await prom.waitFor('min(count_over_time(nodejs_gc_duration_seconds_sum{job="gati-example"}[1m]))', (v) => v >= 2);
    const values = async (title: string, job = 'gati-example', prefix = 'gati_'): Promise<{ labels: Record<string, string>; value: number }[]> => {
      const panel = dashboard.panels.find((p) => p.title === title);
      expect(panel, title).toBeDefined();
      const out: { labels: Record<string, string>; value: number }[] = [];
      for (const t of panel!.targets) for (const r of await prom.query(panelQuery(t.expr, job, prefix))) out.push({ labels: r.metric, value: Number(r.value[1]) });
      return out;
    };
    const empty: string[] = [];
    for (const panel of dashboard.panels) if ((await values(panel.title)).length === 0) empty.push(panel.title);
    expect(empty).toEqual([]);
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(10);

    const rates = await values('Request rate by route');
    expect(rates.map((r) => r.labels['route']).sort()).toEqual(['/api/fail', '/api/items/:id', '__unmatched__']);
    for (const r of rates) expect(r.value, r.labels['route']).toBeGreaterThan(0);
    const [ratio] = await values('Error ratio (5xx / all)');
    expect(ratio!.value).toBeGreaterThan(0);
    expect(ratio!.value).toBeLessThan(0.5);
    const errors = await values('Errors by type');
    expect(errors.find((e) => e.labels['type'] === '5xx')?.value).toBeGreaterThan(0);
    const latency = await values('Latency p50 / p95 / p99 by route');
    expect(latency.length).toBe(9); // 3 quantiles x 3 routes
    for (const l of latency) expect(l.value).toBeGreaterThan(0);
    // Nothing in flight between requests: the scrape is not a request in flight.
    expect((await values('Requests in flight')).map((v) => v.value)).toEqual([0]);
    for (const v of await values('Heap used')) expect(v.value).toBeGreaterThan(0);
    expect((await values('Metric series dropped (cardinality cap)')).map((v) => v.value)).toEqual([0]);

    // Another metrics.prefix: the same panels through the prefix variable.
    for (const r of await values('Request rate by route', 'gati-shop', 'shop_')) expect(r.value).toBeGreaterThan(0);
    expect(await values('Request rate by route', 'gati-shop', 'gati_')).toEqual([]);
  });

  it('traffic panels answer nothing for a job with no traffic, and no panel answers for a job that does not exist', async () => {
    await prom.waitFor('count(up{job="gati-idle"} == 1)', (v) => v === 1);
    await new Promise((r) => setTimeout(r, 2500)); // a few scrapes of the idle app
    const traffic = ['Request rate by route', 'Error ratio (5xx / all)', 'Errors by type', 'Latency p50 / p95 / p99 by route', 'Metric series dropped (cardinality cap)'];
    const answered: string[] = [];
    for (const panel of dashboard.panels) {
      for (const t of panel.targets) {
        const idleAnswer = await prom.query(panelQuery(t.expr, 'gati-idle'));
        if (traffic.includes(panel.title) && idleAnswer.length > 0) answered.push(`gati-idle: ${panel.title}`);
        if ((await prom.query(panelQuery(t.expr, 'no-such-job'))).length > 0) answered.push(`no-such-job: ${panel.title}`);
      }
    }
    expect(answered).toEqual([]);
    // The idle app is up and scraped: its process panels answer, and nothing is in flight.
    const inFlight = dashboard.panels.find((p) => p.title === 'Requests in flight')!.targets[0]!.expr;
    expect((await prom.query(panelQuery(inFlight, 'gati-idle'))).map((r) => Number(r.value[1]))).toEqual([0]);
  });
});
