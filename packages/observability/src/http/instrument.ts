import type { IncomingMessage, ServerResponse } from 'node:http';
// Imported: the global `performance` is a lazy accessor on globalThis, a getter call per read.
import { performance } from 'node:perf_hooks';
import { SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { writeRequestLine, type WinstonLogger } from '../logging/logger.js';
import type { ObservabilityMetrics } from '../metrics/metrics.js';
import type { Health } from '../health/health.js';
import { causeOf, type ProblemReporter } from '../logging/problems.js';
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
  /** Failures while recording a request: counted and logged (rate-limited), never thrown. */
  problems: ProblemReporter;
}

/** One integration's instrumentation: the stack's parts and how this integration names a request's route. */
export interface InstrumentScope {
  readonly parts: InstrumentParts;
  readonly resolveRoute: (req: IncomingMessage) => string | undefined;
  /** The stack's metrics, or undefined for requests left out of them (scrapes of `/metrics`). */
  readonly metrics: ObservabilityMetrics | undefined;
}

/** Every scope built the same way (one hidden class for all of them). */
export function instrumentScope(parts: InstrumentParts, resolveRoute: (req: IncomingMessage) => string | undefined, counted = true): InstrumentScope {
  return { parts, resolveRoute, metrics: counted ? parts.metrics : undefined };
}

const STATE = Symbol.for('gati-framework.observability.request');

/** Marks a request as failed by a thrown error (counted as `type="exception"` unless it carries a 4xx status). */
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
 * Whether a thrown error is the client's fault: it carries a 4xx status the way http-errors
 * (Express's body parsers, e.g. express.json()'s 400 on a malformed body) and Fastify do.
 */
function isClientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { status?: unknown; statusCode?: unknown };
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
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
 * reads each property once, only those it needs, and keyed. They stay positional on purpose:
 * grouping them would allocate an object per request just to carry two strings the
 * integration has already read (everything per integration is grouped in `scope`).
 */
export function beginRequest(scope: InstrumentScope, req: IncomingMessage, res: ServerResponse, rawMethod: string | undefined, url: string | undefined): Context | undefined {
  const start = performance.now();
  const method = normalizeMethod(rawMethod);
  const parts = scope.parts;
  const metrics = scope.metrics;
  const tracing = parts.tracing;
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
  // Draining: tell keep-alive clients to take their next request elsewhere (see shutdown.ts).
  if (parts.health.isShuttingDown) res[SET_HEADER]('connection', 'close');
  // The per-request state, filled by plain assignments (see the class).
  const state = new InFlightRequest(scope, req, res);
  state.method = method;
  state.start = start;
  state.span = span;
  state.ids = ids;
  onRequestEnd(state, res);
  return ctx;
}

/** One request between its start and its end (one object instead of closures: less garbage per request). */
class InFlightRequest implements RequestEnd {
  // Declared, not initialized: a class field is defined once more (to undefined) before the
  // constructor assigns it; plain assignments build the object in one pass. The constructor
  // assigns every field (the later ones to initial values) so V8 sizes the object for all of
  // them; beginRequest then fills in what it computed, keeping the same hidden class.
  private declare done: boolean;
  private declare readonly scope: InstrumentScope;
  private declare readonly req: IncomingMessage;
  declare readonly res: ServerResponse;
  declare method: string;
  declare start: number;
  declare span: Span | undefined;
  declare ids: ReturnType<typeof spanTraceContext> | undefined;
  constructor(scope: InstrumentScope, req: IncomingMessage, res: ServerResponse) {
    this.done = false;
    this.scope = scope;
    this.req = req;
    this.res = res;
    this.method = '';
    this.start = 0;
    this.span = undefined;
    this.ids = undefined;
  }

  end(finished: boolean): void {
    if (this.done) return;
    this.done = true;
    // Observability must never take the server down: a failure here is reported once, not
    // thrown (this runs inside Node's diagnostics-channel publish or an event listener).
    const parts = this.scope.parts;
    try {
      this.scope.metrics?.activeConnections.dec();
      this.record(parts, finished);
    } catch (error) {
      parts.problems.report('request', causeOf(error), error);
    }
  }

  private record(parts: InstrumentParts, finished: boolean): void {
    const { req, res, method, span, ids } = this;
    const seconds = (performance.now() - this.start) / 1e3;
    const error = errorOf(req);
    // Only on the error path: a thrown error with a 4xx status is the client's, not the server's.
    const serverError = error !== undefined && !isClientError(error);
    const route = getExplicitRoute(req) ?? this.scope.resolveRoute(req) ?? UNMATCHED_ROUTE;
    // Aborted: the connection closed before the handler ended the response.
    const aborted = !finished && !res[WRITABLE_ENDED];
    const status = aborted && !res[HEADERS_SENT] ? 499 : res[STATUS_CODE];
    const statusCode = String(status);
    if (span) {
      span.updateName(`${method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
      if (error !== undefined) span.recordException(error as Error);
      if (status >= 500 || serverError) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    const metrics = this.scope.metrics;
    if (metrics) {
      metrics.recordRequest(method, route, statusCode, seconds, ids?.sampled ? ids.traceId : undefined);
      if (serverError) metrics.errors.inc({ type: 'exception', route });
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
