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

describe.skipIf(!hasPrometheus)('a real Prometheus scraping the example app', () => {
  const prom = new PrometheusServer();
  const obs = new ObservabilityStack({ serviceName: 'gati-example', logging: false, tracing: {} });
  let server: Server;
  let base: string;
  const OK = 37;
  const FAIL = 3;
  const MISSING = 5;

  beforeAll(async () => {
    server = createServer(exampleApp(obs));
    base = await listen(server);
    await prom.start([{ job: 'gati-example', target: base.replace('http://', '') }]);
    for (let i = 0; i < OK; i++) expect((await fetch(`${base}/api/items/${i % 7}`)).status).toBe(200);
    for (let i = 0; i < FAIL; i++) expect((await fetch(`${base}/api/fail`)).status).toBe(500);
    for (let i = 0; i < MISSING; i++) expect((await fetch(`${base}/random/${Math.random()}`)).status).toBe(404);
    // Make sure at least one garbage collection happened, so the GC panel has a series (Node 24 may not collect otherwise).
    let keep = 0;
    for (let i = 0; i < 300; i++) keep += new Array(50_000).fill(i).length;
    expect(keep).toBeGreaterThan(0);
  }, 60_000);
  afterAll(async () => {
    await prom.stop();
    await close(server);
    await obs.shutdown();
  });

  it('PromQL returns exactly the counts of the traffic sent', async () => {
    const job = 'job="gati-example"';
    await prom.waitFor(`sum(gati_http_requests_total{${job},route="/api/items/:id",status_code="200"})`, (v) => v === OK);
    const [target] = await prom.targets();
    expect(target?.health).toBe('up');
    expect(target?.lastError).toBe('');
    expect(Number((await prom.query(`sum(gati_http_requests_total{${job},route="/api/fail",status_code="500"})`))[0]?.value[1])).toBe(FAIL);
    expect(Number((await prom.query(`sum(gati_http_requests_total{${job},route="__unmatched__",status_code="404"})`))[0]?.value[1])).toBe(MISSING);
    expect(Number((await prom.query(`sum(gati_errors_total{${job},type="5xx"})`))[0]?.value[1])).toBe(FAIL);
    expect(Number((await prom.query(`sum(gati_http_request_duration_seconds_count{${job},route="/api/items/:id"})`))[0]?.value[1])).toBe(OK);
    expect(await prom.query(`count(gati_http_requests_total{${job},route!="/metrics"}) by (route)`)).toHaveLength(3); // items, fail, __unmatched__
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

  it('every panel of the Grafana dashboard returns data', async () => {
    const dashboard = JSON.parse(readFileSync(new URL('../dashboards/gati-red.json', import.meta.url), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(9);
    // Two scrapes after traffic so rate() has a window to work with.
    await new Promise((r) => setTimeout(r, 2500));
    const empty: string[] = [];
    for (const panel of dashboard.panels) {
      for (const t of panel.targets) {
        const expr = t.expr.replaceAll('$__rate_interval', '1m').replaceAll('$job', 'gati-example');
        if ((await prom.query(expr)).length === 0) empty.push(`${panel.title}: ${expr}`);
      }
    }
    expect(empty).toEqual([]);
  });
});
