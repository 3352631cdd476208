import { createServer, type Server } from 'node:http';
import { trace } from '@opentelemetry/api';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ObservabilityStack, OPENMETRICS_CONTENT_TYPE } from '../src/index.js';
import { CaptureTransport, close, listen, OtlpReceiver } from './helpers/servers.js';

describe('trace propagation end to end (OTLP/HTTP JSON to a local receiver)', () => {
  const otlp = new OtlpReceiver();
  const capture = new CaptureTransport();
  let obs: ObservabilityStack;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const url = await otlp.start();
    obs = new ObservabilityStack(
      { serviceName: 'traced', environment: 'test', logging: { console: false }, tracing: { sampleRatio: 1, exporter: { url } } },
      { logTransports: [capture] },
    );
    const app = express();
    app.use(...obs.getMiddleware());
    app.get('/orders/:id', (req, res) => {
      obs.logger.info('inside handler', { id: req.params.id });
      res.json({ ctx: obs.getTraceContext() });
    });
    app.post('/orders', express.json(), (req, res) => {
      obs.logger.info('after body parse');
      res.json({ got: req.body as unknown, ctx: obs.getTraceContext() });
    });
    app.get('/metrics', obs.metricsHandler());
    server = createServer(app);
    base = await listen(server);
  });
  afterAll(async () => {
    await close(server);
    await obs.shutdown();
    await otlp.stop();
  });

  it('continues the client trace: server span, response headers and log lines share its trace id', async () => {
    const { clientTraceId, body, headers } = await obs.withSpan('client call', async (span) => {
      const res = await fetch(`${base}/orders/42?secret=x`, { headers: obs.injectTraceHeaders({}) });
      return { clientTraceId: span.spanContext().traceId, body: (await res.json()) as { ctx: { traceId: string; spanId: string } }, headers: res.headers };
    });
    expect(clientTraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(headers.get('x-trace-id')).toBe(clientTraceId);
    expect(headers.get('traceparent')).toMatch(new RegExp(`^00-${clientTraceId}-[0-9a-f]{16}-01$`));
    expect(body.ctx.traceId).toBe(clientTraceId);
    const handlerLine = capture.lines.find((l) => l['message'] === 'inside handler');
    expect(handlerLine).toMatchObject({ trace_id: clientTraceId, span_id: body.ctx.spanId });
    expect(capture.requests().at(-1)).toMatchObject({ trace_id: clientTraceId, route: '/orders/:id' });

    await obs.tracing!.forceFlush();
    const server = otlp.spans.find((s) => s.traceId === clientTraceId && s.kind === 2);
    const client = otlp.spans.find((s) => s.traceId === clientTraceId && s.name === 'client call');
    expect(server?.name).toBe('GET /orders/:id');
    expect(server?.parentSpanId).toBe(client?.spanId);
    expect(JSON.stringify(server?.attributes)).not.toContain('secret');
  });

  it('keeps the span active through body parsing (POST)', async () => {
    const res = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: 1 }) });
    const body = (await res.json()) as { ctx: { traceId: string } };
    expect(body.ctx.traceId).toBe(res.headers.get('x-trace-id'));
    expect(capture.lines.find((l) => l['message'] === 'after body parse')?.['trace_id']).toBe(body.ctx.traceId);
  });

  it('starts a new trace without a traceparent and puts the trace id as exemplar in OpenMetrics', async () => {
    const res = await fetch(`${base}/orders/7`);
    const traceId = res.headers.get('x-trace-id');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const om = await fetch(`${base}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
    expect(om.headers.get('content-type')).toBe(OPENMETRICS_CONTENT_TYPE);
    const text = await om.text();
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text).toContain('# TYPE gati_http_requests counter');
    expect(text).toMatch(/gati_http_requests_total\{method="GET",route="\/orders\/:id",status_code="200"\} 2/);
    expect(text).toMatch(/gati_http_request_duration_seconds_bucket\{.*route="\/orders\/:id".*\} \d+ # \{trace_id="[0-9a-f]{32}"\} [\d.e-]+ [\d.]+/);
    expect(text).toContain(`trace_id="${traceId}"`);
    const plain = await (await fetch(`${base}/metrics`)).text();
    expect(plain).not.toContain('trace_id=');
  });

  it('has no active span outside a request', () => {
    expect(trace.getActiveSpan()).toBeUndefined();
    expect(obs.getTraceContext().traceId).toBe('');
  });
});

describe('sampling ratio', () => {
  it('with sampleRatio 0 new traces are not recorded, yet ids still flow in headers and logs', async () => {
    const exporter = new InMemorySpanExporter();
    const obs = new ObservabilityStack(
      { serviceName: 'unsampled', logging: { console: false }, tracing: { sampleRatio: 0 } },
      { spanProcessors: [new SimpleSpanProcessor(exporter)] },
    );
    const app = express();
    app.use(...obs.getMiddleware());
    app.get('/x', (_req, res) => {
      res.send('ok');
    });
    app.get('/metrics', obs.metricsHandler());
    const server = createServer(app);
    const base = await listen(server);
    try {
      const res = await fetch(`${base}/x`);
      expect(res.headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      // An incoming sampled parent is followed even at ratio 0.
      const parented = await fetch(`${base}/x`, { headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
      expect(parented.headers.get('traceparent')).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
      await obs.tracing!.forceFlush();
      expect(exporter.getFinishedSpans().map((s) => s.spanContext().traceId)).toEqual(['4bf92f3577b34da6a3ce929d0e0e4736']);
      const om = await (await fetch(`${base}/metrics`, { headers: { accept: 'application/openmetrics-text' } })).text();
      expect(om).not.toContain(res.headers.get('x-trace-id') ?? 'missing');
    } finally {
      await close(server);
      await obs.shutdown();
    }
  });
});

