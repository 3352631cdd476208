import type { IncomingMessage, ServerResponse } from 'node:http';
// Imported: the global `performance` is a lazy accessor on globalThis, a getter call per read.
import { performance } from 'node:perf_hooks';
import { SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { writeRequestLine, type WinstonLogger } from '../logging/logger.js';
import type { ObservabilityMetrics } from '../metrics/metrics.js';
import type { Health } from '../health/health.js';
import { spanTraceContext, type Tracing } from '../tracing/tracing.js';
import { bindListeners } from './bind-listeners.js';
import { onRequestEnd, type RequestEnd } from './request-end.js';
import { HEADERS, HEADERS_SENT, SET_HEADER, STATUS_CODE, WRITABLE_ENDED } from './keyed.js';
import { getExplicitRoute, marks, normalizeMethod, pathOf, UNMATCHED_ROUTE } from './route.js';

export interface InstrumentParts {
  metrics: ObservabilityMetrics | undefined;
  logger: WinstonLogger;
  requestLog: boolean;
  tracing: Tracing | undefined;
  health: Health;
}

const STATE = Symbol.for('gati-framework.observability.request');

let reported = 0;
function reportOnce(error: unknown): void {
  if (reported++ === 0) {
    process.emitWarning(`@gati-framework/observability: recording a request failed: ${error instanceof Error ? error.message : String(error)}`, 'GatiObservabilityWarning');
  }
}

/** Marks a request as failed by a thrown error (counted as `type="exception"`, not `"5xx"`). */
export function recordRequestError(req: IncomingMessage, error: unknown): void {
  // Set only on the error path, so ordinary requests keep their object shape.
  marks.errors = true;
  (req as unknown as Record<symbol, unknown>)[STATE] = error === undefined ? null : error;
}

function errorOf(req: IncomingMessage): unknown {
  if (!marks.errors) return undefined;
  const e = (req as unknown as Record<symbol, unknown>)[STATE];
  return e === null ? undefined : e;
}

/**
 * The one instrumentation every integration shares: in-flight gauge, server
 * span (continuing `traceparent`), response trace headers, and at the request's end
 * (`onRequestEnd`) the request counter, duration histogram, error counter, span end and
 * log line.
 * Returns the context the handler must run in.
 *
 * `rawMethod` and `url` are the ones the integration already read: Express gives every
 * request and response object a map of its own (a property added after
 * `Object.setPrototypeOf` never becomes a cached transition), so each property read on
 * them misses V8's inline caches unless read through a keyed load (`keyed.ts`). The hot path
 * reads each property once, only those it needs, and keyed.
 */
export function beginRequest(
  parts: InstrumentParts,
  req: IncomingMessage,
  res: ServerResponse,
  resolveRoute: (req: IncomingMessage) => string | undefined,
  rawMethod: string | undefined,
  url: string | undefined,
): Context | undefined {
  const start = performance.now();
  const method = normalizeMethod(rawMethod);
  const { metrics, tracing } = parts;
  metrics?.activeConnections.inc();

  let ctx: Context | undefined;
  let span: Span | undefined;
  // The span's ids never change: computed once, used for the headers, metrics exemplar and log line.
  let ids: ReturnType<typeof spanTraceContext> | undefined;
  if (tracing) {
    // The request is a new unit of work: its context starts from the incoming headers only
    // (never from whatever was active, e.g. a suppressed context of another instrumentation).
    const parent = tracing.extract(req[HEADERS]);
    span = tracing.startServerSpan(method, parent, { 'http.request.method': method, 'url.path': pathOf(url) });
    ids = spanTraceContext(span);
    ctx = trace.setSpan(parent, span);
    res[SET_HEADER]('traceparent', ids.traceparent);
    res[SET_HEADER]('x-trace-id', ids.traceId);
    // Body events fire outside the middleware's call stack (body parsers call next() from
    // them); keep them in the span. The response's events need no context of ours.
    bindListeners(req, ctx);
  }
  if (parts.health.isShuttingDown) res[SET_HEADER]('connection', 'close');
  onRequestEnd(new InFlightRequest(parts, req, res, resolveRoute, method, start, span, ids), res);
  return ctx;
}

/** One request between its start and its end (one object instead of closures: less garbage per request). */
class InFlightRequest implements RequestEnd {
  // Declared, not initialized: a class field is defined once more (to undefined) before the
  // constructor assigns it; plain assignments build the object in one pass.
  private declare done: boolean;
  private declare readonly parts: InstrumentParts;
  private declare readonly req: IncomingMessage;
  declare readonly res: ServerResponse;
  private declare readonly resolveRoute: (req: IncomingMessage) => string | undefined;
  private declare readonly method: string;
  private declare readonly start: number;
  private declare readonly span: Span | undefined;
  private declare readonly ids: ReturnType<typeof spanTraceContext> | undefined;
  constructor(
    parts: InstrumentParts,
    req: IncomingMessage,
    res: ServerResponse,
    resolveRoute: (req: IncomingMessage) => string | undefined,
    method: string,
    start: number,
    span: Span | undefined,
    ids: ReturnType<typeof spanTraceContext> | undefined,
  ) {
    this.done = false;
    this.parts = parts;
    this.req = req;
    this.res = res;
    this.resolveRoute = resolveRoute;
    this.method = method;
    this.start = start;
    this.span = span;
    this.ids = ids;
  }

  end(finished: boolean): void {
    if (this.done) return;
    this.done = true;
    // Observability must never take the server down: a failure here is reported once, not
    // thrown (this runs inside Node's diagnostics-channel publish or an event listener).
    try {
      this.parts.metrics?.activeConnections.dec();
      this.record(finished);
    } catch (error) {
      reportOnce(error);
    }
  }

  private record(finished: boolean): void {
    const { parts, req, res, method, span, ids } = this;
    const seconds = (performance.now() - this.start) / 1e3;
    const error = errorOf(req);
    const route = getExplicitRoute(req) ?? this.resolveRoute(req) ?? UNMATCHED_ROUTE;
    // Aborted: the connection closed before the handler ended the response.
    const aborted = !finished && !res[WRITABLE_ENDED];
    const status = aborted && !res[HEADERS_SENT] ? 499 : res[STATUS_CODE];
    const statusCode = String(status);
    if (span) {
      span.updateName(`${method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
      if (error !== undefined) span.recordException(error as Error);
      if (status >= 500 || error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    const metrics = parts.metrics;
    if (metrics) {
      metrics.recordRequest(method, route, statusCode, seconds, ids?.sampled ? ids.traceId : undefined);
      if (error !== undefined) metrics.errors.inc({ type: 'exception', route });
      else if (status >= 500) metrics.errors.inc({ type: '5xx', route });
    }
    if (parts.requestLog) {
      writeRequestLine(parts.logger, {
        method,
        route,
        status,
        durationMs: Math.round(seconds * 1e6) / 1e3,
        aborted,
        traceId: ids?.traceId,
        spanId: ids?.spanId,
      });
    }
  }
}
