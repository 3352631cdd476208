import { createServer, type Server } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObservabilityStack, setRoute } from '../src/index.js';
import { CaptureTransport, close, listen, parseExposition, sample } from './helpers/servers.js';

function stack(capture: CaptureTransport): ObservabilityStack {
  return new ObservabilityStack({ serviceName: 'svc', environment: 'test', logging: { console: false }, tracing: {} }, { logTransports: [capture] });
}

describe('Fastify 5 plugin', () => {
  const capture = new CaptureTransport();
  const obs = stack(capture);
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    app = Fastify();
    await app.register(obs.fastifyPlugin);
    app.get('/items/:id', async (request) => {
      obs.logger.info('fastify handler');
      return { id: (request.params as { id: string }).id, traceId: obs.getTraceContext().traceId };
    });
    app.post('/items', async (request) => ({ body: request.body, traceId: obs.getTraceContext().traceId }));
    app.get('/explode', async () => {
      throw new Error('nope');
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await obs.shutdown();
  });

  it('records the same metrics, logs and spans as Express', async () => {
    const first = await fetch(`${base}/items/1`);
    const body = (await first.json()) as { traceId: string };
    expect(body.traceId).toBe(first.headers.get('x-trace-id'));
    await fetch(`${base}/items/2`);
    const post = await fetch(`${base}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    const postBody = (await post.json()) as { traceId: string };
    expect(postBody.traceId).toBe(post.headers.get('x-trace-id'));
    expect((await fetch(`${base}/not/here/${Date.now()}`)).status).toBe(404);
    expect((await fetch(`${base}/explode`)).status).toBe(500);
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const m = parseExposition(await (await fetch(`${base}/metrics`)).text());
    expect(sample(m, 'gati_http_requests_total', 'route="/items/:id"', 'status_code="200"')).toBe(2);
    expect(sample(m, 'gati_http_requests_total', 'route="/items"', 'method="POST"')).toBe(1);
    expect(sample(m, 'gati_http_requests_total', 'route="__unmatched__"', 'status_code="404"')).toBe(1);
    expect(sample(m, 'gati_errors_total', 'type="exception"', 'route="/explode"')).toBe(1);
    expect(sample(m, 'gati_http_requests_total', 'route="/health/live"')).toBe(0);
    expect(capture.lines.find((l) => l['message'] === 'fastify handler')?.['trace_id']).toBe(body.traceId);
    expect(capture.requests().find((l) => l['route'] === '/items/:id')).toMatchObject({ method: 'GET', status_code: 200, trace_id: body.traceId });
  });
});

describe('plain node:http with wrap()', () => {
  const capture = new CaptureTransport();
  const obs = stack(capture);
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const metrics = obs.metricsHandler();
    server = createServer(
      obs.wrap(async (req, res) => {
        if (req.url === '/metrics') return metrics(req, res);
        if (req.url?.startsWith('/hello/')) {
          setRoute(req, '/hello/:name');
          obs.logger.info('plain handler');
          res.end(obs.getTraceContext().traceId);
          return;
        }
        if (req.url === '/reject') throw new Error('async failure');
        res.statusCode = 404;
        res.end();
      }),
    );
    base = await listen(server);
  });
  afterAll(async () => {
    await close(server);
    await obs.shutdown();
  });

  it('instruments a bare handler; rejected handlers become counted 500s', async () => {
    const res = await fetch(`${base}/hello/ann`, { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    expect(await res.text()).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(res.headers.get('x-trace-id')).toBe('0af7651916cd43dd8448eb211c80319c');
    expect((await fetch(`${base}/random/${Math.random()}`)).status).toBe(404);
    expect((await fetch(`${base}/reject`)).status).toBe(500);
    const m = parseExposition(await (await fetch(`${base}/metrics`)).text());
    expect(sample(m, 'gati_http_requests_total', 'route="/hello/:name"', 'status_code="200"')).toBe(1);
    expect(sample(m, 'gati_http_requests_total', 'route="__unmatched__"')).toBe(2); // the 404 and the 500 (the scrape is still in flight)
    expect(sample(m, 'gati_errors_total', 'type="exception"')).toBe(1);
    expect(capture.lines.find((l) => l['message'] === 'plain handler')?.['trace_id']).toBe('0af7651916cd43dd8448eb211c80319c');
  });
});
