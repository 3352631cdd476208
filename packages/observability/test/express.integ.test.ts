import { createServer, request as httpRequest, type Server } from 'node:http';
import { isGatiError } from '@gati-framework/core';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObservabilityStack } from '../src/index.js';
import { CaptureTransport, close, listen, parseExposition, sample } from './helpers/servers.js';

describe('Express 5: metrics, request logs, health', () => {
  const capture = new CaptureTransport();
  const obs = new ObservabilityStack(
    { serviceName: 'shop', environment: 'test', logging: { console: false }, tracing: false, metrics: { maxSeriesPerMetric: 50 } },
    { logTransports: [capture] },
  );
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use(...obs.getMiddleware());
    const api = express.Router();
    api.get('/users/:id', (req, res) => {
      obs.logger.info('loading user', { id: req.params.id, password: 'hunter2' });
      res.json({ id: req.params.id });
    });
    app.use('/api', api);
    app.get('/boom', () => {
      throw new Error('kaboom');
    });
    app.get('/unavailable', (_req, res) => {
      res.status(503).send('busy');
    });
    app.get('/slow', (_req, res) => {
      setTimeout(() => res.send('late'), 2000).unref();
    });
    app.get('/metrics', obs.metricsHandler());
    app.use(obs.errorMiddleware());
    server = createServer(app);
    base = await listen(server);
  });
  afterAll(async () => {
    await close(server);
    await obs.shutdown();
  });

  async function scrape(): Promise<Map<string, number>> {
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parseExposition(await res.text());
  }

  it('counts requests by route template, never by raw path', async () => {
    for (const id of ['1', '2', '3']) {
      const res = await fetch(`${base}/api/users/${id}?token=s3cr3t&x=1`, { headers: { cookie: 'sid=abc', authorization: 'Bearer zzzzzzzzzzzz' } });
      expect(res.status).toBe(200);
    }
    expect((await fetch(`${base}/nope/${Math.random()}`)).status).toBe(404);
    expect((await fetch(`${base}/boom`)).status).toBe(500);
    expect((await fetch(`${base}/unavailable`)).status).toBe(503);
    const m = await scrape();
    expect(sample(m, 'gati_http_requests_total', 'route="/api/users/:id"', 'status_code="200"', 'method="GET"')).toBe(3);
    expect(sample(m, 'gati_http_requests_total', 'route="__unmatched__"', 'status_code="404"')).toBe(1);
    expect(sample(m, 'gati_http_request_duration_seconds_count', 'route="/api/users/:id"')).toBe(3);
    expect(sample(m, 'gati_errors_total', 'type="exception"', 'route="/boom"')).toBe(1);
    expect(sample(m, 'gati_errors_total', 'type="5xx"', 'route="/unavailable"')).toBe(1);
    expect([...m.keys()].some((k) => k.includes('/api/users/1'))).toBe(false);
  });

  it('writes one request line per request with trace-free JSON fields, no query, cookie or authorization', async () => {
    const lines = capture.requests().filter((l) => l['route'] === '/api/users/:id');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ level: 'info', service: 'shop', environment: 'test', method: 'GET', status_code: 200 });
    expect(typeof lines[0]?.['duration_ms']).toBe('number');
    const all = JSON.stringify(capture.lines);
    expect(all).not.toContain('s3cr3t');
    expect(all).not.toContain('sid=abc');
    expect(all).not.toContain('zzzzzzzzzzzz');
    expect(all).not.toContain('hunter2');
    expect(capture.lines.find((l) => l['message'] === 'loading user')?.['password']).toBe('[REDACTED]');
    expect(capture.requests().find((l) => l['route'] === '/boom')?.['level']).toBe('error');
  });

  it('collapses a path scanner and unknown methods into fixed label values', async () => {
    const gatiSeries = (m: Map<string, number>): number => [...m.keys()].filter((k) => k.startsWith('gati_')).length;
    const before = gatiSeries(await scrape());
    const paths = Array.from({ length: 2000 }, (_, i) => `/scan/${i}/${Math.random().toString(36).slice(2)}`);
    for (let i = 0; i < paths.length; i += 50) await Promise.all(paths.slice(i, i + 50).map((p) => fetch(base + p).then((r) => r.arrayBuffer())));
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}/whatever`, { method: 'PROPFIND' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
    const after = await scrape();
    expect(sample(after, 'gati_http_requests_total', 'route="__unmatched__"', 'status_code="404"', 'method="GET"')).toBe(2001);
    expect(sample(after, 'gati_http_requests_total', 'method="_OTHER"')).toBe(1);
    // New series: only the _OTHER counter and its histogram (buckets + sum + count).
    expect(gatiSeries(after) - before).toBe(1 + 14);
  });

  it('keeps the in-flight gauge exact when clients abort', async () => {
    const controller = new AbortController();
    const pending = fetch(`${base}/slow`, { signal: controller.signal }).catch(() => 'aborted');
    const inFlight = async (expected: number): Promise<number> => {
      let value = NaN;
      for (let i = 0; i < 50 && value !== expected; i++) {
        value = sample(await scrape(), 'gati_active_connections');
        if (value !== expected) await new Promise((r) => setTimeout(r, 50));
      }
      return value;
    };
    expect(await inFlight(1)).toBe(1); // the slow one (scrapes are left out of the request metrics)
    controller.abort();
    expect(await pending).toBe('aborted');
    expect(await inFlight(0)).toBe(0); // the aborted request was taken off
    const aborted = capture.requests().find((l) => l['route'] === '/slow');
    expect(aborted).toMatchObject({ aborted: true, status_code: 499 });
  });

  it('serves liveness and readiness with registered checks and timeouts', async () => {
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    obs.addHealthCheck('db', () => new Promise(() => {}), { timeoutMs: 100 });
    const res = await fetch(`${base}/health/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'fail', checks: { db: { status: 'fail', error: 'timed out after 100 ms' } } });
    obs.addHealthCheck('db', async () => true);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
  });
});

describe('metrics endpoint protection and a separate port', () => {
  it('answers 401 without the bearer token or basic credentials, 200 with them', async () => {
    const obs = new ObservabilityStack({ serviceName: 'guarded', logging: false, tracing: false });
    const app = express();
    app.get('/metrics', obs.metricsHandler({ bearerToken: 'scrape-token-123' }));
    app.get('/metrics-basic', obs.metricsHandler({ basicAuth: 'prom:pw' }));
    const server = createServer(app);
    const base = await listen(server);
    try {
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-12' } })).status).toBe(401);
      const ok = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer scrape-token-123' } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('gati_http_requests_total');
      expect((await fetch(`${base}/metrics-basic`)).headers.get('www-authenticate')).toContain('Basic');
      const basic = await fetch(`${base}/metrics-basic`, { headers: { authorization: `Basic ${Buffer.from('prom:pw').toString('base64')}` } });
      expect(basic.status).toBe(200);
    } finally {
      await close(server);
    }
  });

  it('serves /metrics on its own port', async () => {
    const obs = new ObservabilityStack({ serviceName: 'sidecar', logging: false, tracing: false });
    const server = await obs.serveMetrics({ port: 0 });
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('process_cpu_seconds_total');
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      await close(server);
    }
  });
});

describe('ObservabilityStack options and registries', () => {
  it('throws INVALID_CONFIG naming each bad option', () => {
    let error: unknown;
    try {
      new ObservabilityStack({ serviceName: '', metrics: { maxSeriesPerMetric: -1 }, tracing: { sampleRatio: 2 } });
    } catch (e) {
      error = e;
    }
    expect(isGatiError(error, 'INVALID_CONFIG')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('serviceName');
    expect(message).toContain('metrics');
    expect(message).toContain('tracing.sampleRatio');
  });

  it('gives each stack its own registry; creating a metric twice returns the same one', async () => {
    const a = new ObservabilityStack({ serviceName: 'a', logging: false, tracing: false, metrics: { defaultMetrics: false } });
    const b = new ObservabilityStack({ serviceName: 'b', logging: false, tracing: false, metrics: { defaultMetrics: false } });
    const orders = a.metrics!.createCounter('orders_total', 'Orders placed.', ['kind']);
    expect(a.metrics!.createCounter('orders_total', 'Orders placed.', ['kind'])).toBe(orders);
    orders.inc({ kind: 'web' }, 2);
    b.metrics!.createCounter('orders_total', 'Orders placed.', ['kind']).inc({ kind: 'web' });
    expect(sample(parseExposition((await a.metrics!.render()).body), 'gati_orders_total', 'kind="web"')).toBe(2);
    expect(sample(parseExposition((await b.metrics!.render()).body), 'gati_orders_total', 'kind="web"')).toBe(1);
    expect(() => a.metrics!.createGauge('orders_total', 'x')).toThrow(/already exists/);
  });

  it('caps label sets per metric and counts what it dropped', async () => {
    const obs = new ObservabilityStack({ serviceName: 'cap', logging: false, tracing: false, metrics: { defaultMetrics: false, maxSeriesPerMetric: 5 } });
    const c = obs.metrics!.createCounter('lookups_total', 'Lookups.', ['key']);
    for (let i = 0; i < 12; i++) c.inc({ key: `k${i}` });
    c.inc({ key: 'k0' });
    const m = parseExposition((await obs.metrics!.render()).body);
    expect([...m.keys()].filter((k) => k.startsWith('gati_lookups_total{'))).toHaveLength(5);
    expect(sample(m, 'gati_lookups_total', 'key="k0"')).toBe(2);
    expect(sample(m, 'gati_metric_series_dropped_total', 'metric="gati_lookups_total"')).toBe(7);
  });
});
