import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ObservabilityStack } from '@gati-framework/observability';
import type { Printer } from '../print.js';

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || line.startsWith('#')) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** Quantile from cumulative histogram buckets, interpolated linearly inside the bucket (as PromQL does). */
function quantile(q: number, buckets: { le: number; count: number }[]): number {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return prevLe;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / Math.max(1, b.count - prevCount);
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

/** Step: run an instrumented Express app in-process, send traffic, print a RED summary read from /metrics. */
export async function runObservabilityStep(print: Printer): Promise<void> {
  print.heading('Observability: one middleware, read back from /metrics');
  const obs = new ObservabilityStack({
    serviceName: 'shop-api',
    environment: 'demo',
    logging: { console: false },
    health: { shutdownDelayMs: 0 },
  });
  const app = express();
  app.use(...obs.getMiddleware());
  app.get('/metrics', obs.metricsHandler());
  app.get('/api/products/:id', (req, res) => {
    setTimeout(() => res.json({ id: req.params.id }), Number(req.params.id) % 20);
  });
  app.post('/api/checkout', express.json(), (_req, res) => {
    res.status(201).json({ ok: true });
  });
  app.get('/api/payments', (_req, res) => {
    res.status(502).json({ error: 'payment provider down' });
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  print.ok(`example app listening on ${base} (metrics, request logs, traces, /health/live, /health/ready)`);

  try {
    const sent: Promise<Response>[] = [];
    for (let i = 0; i < 60; i++) sent.push(fetch(`${base}/api/products/${i}`));
    for (let i = 0; i < 12; i++) sent.push(fetch(`${base}/api/checkout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"items":[1]}' }));
    for (let i = 0; i < 4; i++) sent.push(fetch(`${base}/api/payments`));
    for (let i = 0; i < 9; i++) sent.push(fetch(`${base}/wp-admin/${Math.random().toString(36).slice(2)}.php`));
    const responses = await Promise.all(sent);
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    print.ok(`sent ${responses.length} requests (60 product reads, 12 checkouts, 4 failing payments, 9 scanner hits)`);
    const traced = responses[0]!;
    print.line(`a response carries its trace: x-trace-id ${traced.headers.get('x-trace-id')}`, 2);

    const series = parse(await (await fetch(`${base}/metrics`)).text());
    const routes = new Map<string, { count: number; errors: number; buckets: Map<number, number> }>();
    for (const s of series) {
      const route = s.labels['route'];
      if (route === undefined || route === '/metrics') continue;
      const r = routes.get(route) ?? { count: 0, errors: 0, buckets: new Map<number, number>() };
      routes.set(route, r);
      if (s.name === 'gati_http_requests_total') {
        r.count += s.value;
        if (Number(s.labels['status_code']) >= 500) r.errors += s.value;
      }
      if (s.name === 'gati_http_request_duration_seconds_bucket') {
        const le = s.labels['le'] === '+Inf' ? Infinity : Number(s.labels['le']);
        r.buckets.set(le, (r.buckets.get(le) ?? 0) + s.value);
      }
    }
    print.line('RED summary from /metrics (route template, requests, errors, p50, p95):', 1);
    for (const [route, r] of [...routes].sort((a, b) => b[1].count - a[1].count)) {
      const buckets = [...r.buckets].map(([le, count]) => ({ le, count }));
      const ms = (q: number): string => `${(quantile(q, buckets) * 1000).toFixed(1)} ms`;
      print.line(`${route.padEnd(22)} ${String(r.count).padStart(4)} req  ${String(r.errors).padStart(3)} err  p50 ${ms(0.5).padStart(9)}  p95 ${ms(0.95).padStart(9)}`, 2);
    }
    const seriesCount = series.filter((s) => s.name === 'gati_http_requests_total').length;
    print.ok(`9 random scanner paths became one "__unmatched__" route: ${seriesCount} request series in total`);
    const ready = await fetch(`${base}/health/ready`);
    print.ok(`readiness ${ready.status} ${JSON.stringify(await ready.json())}`);
  } finally {
    await obs.shutdownGracefully([server]);
    print.ok('shut down gracefully: readiness failed, server drained, logs and traces flushed');
  }
}
