import { createServer } from 'node:http';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { ObservabilityStack, type ObservabilityOptions } from '../src/index.js';
import { CaptureTransport, close, listen, parseExposition, sample } from './helpers/servers.js';

/** An app with a JSON body route, a failing route and the metrics endpoint, behind the stack. */
async function withApp(metrics: ObservabilityOptions['metrics'], run: (base: string, obs: ObservabilityStack, capture: CaptureTransport) => Promise<void>): Promise<void> {
  const capture = new CaptureTransport();
  const obs = new ObservabilityStack({ serviceName: 'own', logging: { console: false }, tracing: {}, metrics }, { logTransports: [capture] });
  const app = express();
  app.use(...obs.getMiddleware());
  app.post('/items', express.json(), (req, res) => {
    res.status(201).json(req.body);
  });
  app.get('/boom', () => {
    throw new Error('kaboom');
  });
  app.get('/scrape', obs.metricsHandler());
  app.use(obs.errorMiddleware());
  const server = createServer(app);
  const base = await listen(server);
  try {
    await run(base, obs, capture);
  } finally {
    await close(server);
    await obs.shutdown();
  }
}

const scrape = async (base: string): Promise<Map<string, number>> => parseExposition(await (await fetch(`${base}/scrape`)).text());
const gatiRoutes = (m: Map<string, number>): string[] =>
  [...new Set([...m.keys()].filter((k) => k.startsWith('gati_http_requests_total{')).map((k) => /route="([^"]*)"/.exec(k)?.[1]))].sort() as string[];

describe('what the request metrics count', () => {
  it('leaves scrapes and health probes out by default; a 400 from express.json() is not a server error', async () => {
    await withApp({ path: '/scrape' }, async (base, _obs, capture) => {
      const bad = await fetch(`${base}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken' });
      expect(bad.status).toBe(400);
      expect((await fetch(`${base}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })).status).toBe(201);
      expect((await fetch(`${base}/boom`)).status).toBe(500);
      for (let i = 0; i < 3; i++) expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      for (let i = 0; i < 3; i++) await scrape(base);
      const m = await scrape(base);
      expect(gatiRoutes(m)).toEqual(['/boom', '/items']);
      // An idle service (nothing but this scrape running) has nothing in flight.
      expect(sample(m, 'gati_active_connections')).toBe(0);
      expect(sample(m, 'gati_http_requests_total', 'route="/items"', 'status_code="400"')).toBe(1);
      expect(sample(m, 'gati_http_requests_total', 'route="/items"', 'status_code="201"')).toBe(1);
      // Only the thrown 500 is a server error; the client's malformed body is not.
      expect(sample(m, 'gati_errors_total', 'type="exception"', 'route="/boom"')).toBe(1);
      expect([...m.keys()].filter((k) => k.startsWith('gati_errors_total{') && k.includes('/items'))).toEqual([]);
      // Scrapes keep their log line (and span); only the metrics leave them out.
      expect(capture.requests().filter((l) => l['route'] === '/scrape').length).toBeGreaterThanOrEqual(3);
    });
  });

  it('counts them like any request with metrics.includeOwnEndpoints', async () => {
    await withApp({ path: '/scrape', includeOwnEndpoints: true }, async (base) => {
      for (let i = 0; i < 2; i++) expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      await scrape(base);
      const m = await scrape(base);
      expect(gatiRoutes(m)).toEqual(['/health/live', '/health/ready', '/scrape']);
      expect(sample(m, 'gati_http_requests_total', 'route="/health/ready"', 'status_code="200"')).toBe(2);
      expect(sample(m, 'gati_http_requests_total', 'route="/scrape"', 'status_code="200"')).toBe(1);
      expect(sample(m, 'gati_active_connections')).toBe(1); // this scrape itself
    });
  });
});
