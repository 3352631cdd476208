import { type EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { WinstonLogger } from '../logging/logger.js';
import type { ObservabilityMetrics } from '../metrics/metrics.js';
import type { Health } from '../health/health.js';
import { spanTraceContext, type Tracing } from '../tracing/tracing.js';
import { getExplicitRoute, normalizeMethod, pathOf, UNMATCHED_ROUTE } from './route.js';

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
  (req as unknown as Record<symbol, unknown>)[STATE] = error === undefined ? null : error;
}

function errorOf(req: IncomingMessage): unknown {
  const e = (req as unknown as Record<symbol, unknown>)[STATE];
  return e === null ? undefined : e;
}

const BOUND_CONTEXT = Symbol.for('gati-framework.observability.context');
type Listener = (...args: unknown[]) => unknown;
type BoundRequest = IncomingMessage & { [BOUND_CONTEXT]?: Context };

/** Runs `listener` in the request's context; `.listener` lets removeListener/listeners() see the original. */
function inContext(ctx: Context, listener: Listener): Listener {
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    return context.with(ctx, listener, this, ...args);
  } as Listener & { listener: Listener };
  wrapped.listener = listener;
  return wrapped;
}

type EmitterMethod = 'on' | 'addListener' | 'prependListener' | 'once' | 'prependOnceListener';

/** The method the request inherits (Readable's `on` starts the flow of 'data', for instance). */
function inherited(req: BoundRequest, method: EmitterMethod): (event: string | symbol, listener: Listener) => unknown {
  return (Object.getPrototypeOf(req) as EventEmitter)[method] as (event: string | symbol, listener: Listener) => unknown;
}

function bindingAdd(method: 'on' | 'addListener' | 'prependListener') {
  return function (this: BoundRequest, event: string | symbol, listener: Listener): BoundRequest {
    const ctx = this[BOUND_CONTEXT];
    return inherited(this, method).call(this, event, ctx === undefined || typeof listener !== 'function' ? listener : inContext(ctx, listener)) as BoundRequest;
  };
}

function bindingOnce(prepend: boolean) {
  return function (this: BoundRequest, event: string | symbol, listener: Listener): BoundRequest {
    const ctx = this[BOUND_CONTEXT];
    if (ctx === undefined || typeof listener !== 'function') return inherited(this, prepend ? 'prependOnceListener' : 'once').call(this, event, listener) as BoundRequest;
    // Node's own once-wrapper shape: removes itself, then calls the listener (here in the context).
    let fired = false;
    const wrapped = function (this: EventEmitter, ...args: unknown[]): unknown {
      if (fired) return undefined;
      fired = true;
      this.removeListener(event, wrapped); // emit() calls listeners with the emitter as `this`
      return context.with(ctx, listener, this, ...args);
    } as Listener & { listener: Listener };
    wrapped.listener = listener;
    return inherited(this, prepend ? 'prependListener' : 'on').call(this, event, wrapped) as BoundRequest;
  };
}

// Shared by every request: binding a request costs a few property writes, no closures
// (OpenTelemetry's context.bind(ctx, emitter) builds a patch map and six closures per request).
const ON = bindingAdd('on');
const ADD_LISTENER = bindingAdd('addListener');
const PREPEND = bindingAdd('prependListener');
const ONCE = bindingOnce(false);
const PREPEND_ONCE = bindingOnce(true);

/** Listeners added to `req` from now on run in `ctx`; removing them by the original function works. */
export function bindListeners(req: IncomingMessage, ctx: Context): void {
  // Already bound by someone else (e.g. the OTel HTTP instrumentation's context.bind): like
  // OpenTelemetry's own bind, the first binding stays.
  if (Object.prototype.hasOwnProperty.call(req, 'on')) return;
  const r = req as unknown as Record<string | symbol, unknown>;
  r[BOUND_CONTEXT] = ctx;
  r.on = ON;
  r.addListener = ADD_LISTENER;
  r.prependListener = PREPEND;
  r.once = ONCE;
  r.prependOnceListener = PREPEND_ONCE;
}

/**
 * The one instrumentation every integration shares: in-flight gauge, server
 * span (continuing `traceparent`), response trace headers, and on close the
 * request counter, duration histogram, error counter, span end and log line.
 * Returns the context the handler must run in.
 */
export function beginRequest(
  parts: InstrumentParts,
  req: IncomingMessage,
  res: ServerResponse,
  resolveRoute: (req: IncomingMessage) => string | undefined,
): Context {
  const start = performance.now();
  const method = normalizeMethod(req.method);
  const { metrics, tracing } = parts;
  metrics?.activeConnections.inc();

  let ctx = context.active();
  let span: Span | undefined;
  // The span's ids never change: computed once, used for the headers, metrics exemplar and log line.
  let ids: ReturnType<typeof spanTraceContext> | undefined;
  if (tracing) {
    // The request is a new unit of work: its context starts from the incoming headers only
    // (never from whatever was active, e.g. a suppressed context of another instrumentation).
    const parent = tracing.extract(req.headers);
    span = tracing.startServerSpan(method, parent, { 'http.request.method': method, 'url.path': pathOf(req.url) });
    ids = spanTraceContext(span);
    ctx = trace.setSpan(parent, span);
    res.setHeader('traceparent', ids.traceparent);
    res.setHeader('x-trace-id', ids.traceId);
    // Body events fire outside the middleware's call stack (body parsers call next() from
    // them); keep them in the span. The response's events need no context of ours.
    bindListeners(req, ctx);
  }
  if (parts.health.isShuttingDown) res.setHeader('connection', 'close');

  let done = false;
  const record = (): void => {
    const seconds = (performance.now() - start) / 1e3;
    const error = errorOf(req);
    const route = getExplicitRoute(req) ?? resolveRoute(req) ?? UNMATCHED_ROUTE;
    const aborted = !res.writableFinished;
    const status = aborted && !res.headersSent ? 499 : res.statusCode;
    const statusCode = String(status);
    if (span) {
      span.updateName(`${method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
      if (error !== undefined) span.recordException(error as Error);
      if (status >= 500 || error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    if (metrics) {
      metrics.recordRequest(method, route, statusCode, seconds, ids?.sampled ? ids.traceId : undefined);
      if (error !== undefined) metrics.errors.inc({ type: 'exception', route });
      else if (status >= 500) metrics.errors.inc({ type: '5xx', route });
    }
    if (parts.requestLog) {
      const fields: Record<string, unknown> = {
        method,
        route,
        status_code: status,
        duration_ms: Math.round(seconds * 1e6) / 1e3,
      };
      if (aborted) fields['aborted'] = true;
      if (ids) {
        fields['trace_id'] = ids.traceId;
        fields['span_id'] = ids.spanId;
      }
      parts.logger.log(status >= 500 ? 'error' : 'info', 'request', fields);
    }
  };
  const finish = (): void => {
    if (done) return;
    done = true;
    metrics?.activeConnections.dec();
    // Observability must never take the server down: a failure here is reported once, not thrown.
    try {
      record();
    } catch (error) {
      reportOnce(error);
    }
  };
  res.on('close', finish);
  return ctx;
}
