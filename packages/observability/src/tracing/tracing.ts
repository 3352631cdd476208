import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { ResolvedTracingOptions } from '../config/options.js';

/** W3C ids of the active span (empty strings when none). */
export interface TraceContext {
  traceId: string;
  spanId: string;
  traceparent: string;
  sampled: boolean;
}

export interface TracingInit {
  serviceName: string;
  serviceVersion?: string;
  environment: string;
  /** Extra span processors (tests use an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
}

const GLOBAL_FLAG = Symbol.for('gati-framework.observability.tracing-global');
const w3c = new W3CTraceContextPropagator();

const OURS = Symbol.for('gati-framework.observability.provider');

/** Reads incoming (lower-cased) Node headers; one shared object instead of one per request. */
const HEADER_GETTER = {
  get: (carrier: Record<string, string | string[] | undefined>, key: string) => carrier[key],
  keys: (carrier: Record<string, string | string[] | undefined>) => Object.keys(carrier),
};

function globalDelegate(): TracerProvider {
  const provider = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
  return provider.getDelegate?.() ?? provider;
}

function hasRealGlobalProvider(): boolean {
  return globalDelegate().constructor.name !== 'NoopTracerProvider';
}

/** A provider some SDK (NodeSDK, a vendor agent) registered, as opposed to one of our stacks. */
function hasForeignGlobalProvider(): boolean {
  return hasRealGlobalProvider() && (globalDelegate() as unknown as Record<symbol, boolean>)[OURS] !== true;
}

/**
 * The sampler of new traces. At 0 and 1 the ratio sampler decides what the constant ones
 * do (it validates and hashes the trace id of every request to get there).
 */
function rootSampler(ratio: number): Sampler {
  if (ratio >= 1) return new AlwaysOnSampler();
  if (ratio <= 0) return new AlwaysOffSampler();
  return new TraceIdRatioBasedSampler(ratio);
}

/**
 * Server spans through the OpenTelemetry API. When an SDK is already registered
 * (NodeSDK via `--import @gati-framework/observability/register`) its provider
 * is used; otherwise the stack registers a small one of its own.
 */
export class Tracing {
  readonly tracer: Tracer;
  private readonly provider: BasicTracerProvider | undefined;

  constructor(options: ResolvedTracingOptions, init: TracingInit) {
    const g = globalThis as unknown as Record<symbol, boolean>;
    if (!g[GLOBAL_FLAG]) {
      // The context manager and propagator are process-wide; set them once if no SDK did.
      const manager = new AsyncLocalStorageContextManager();
      if (context.setGlobalContextManager(manager.enable())) {
        propagation.setGlobalPropagator(w3c);
      } else {
        manager.disable(); // an SDK registered one first: keep it, and its propagator
      }
      g[GLOBAL_FLAG] = true;
    }
    // An SDK registered first (NodeSDK via the register entry point) owns export: use its provider.
    if (hasForeignGlobalProvider() && init.spanProcessors === undefined) {
      this.provider = undefined;
      this.tracer = trace.getTracer('@gati-framework/observability');
      return;
    }
    const processors: SpanProcessor[] = [...(init.spanProcessors ?? [])];
    if (options.exporter) {
      processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: options.exporter.url, headers: options.exporter.headers ?? {} })));
    }
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': init.serviceName,
        ...(init.serviceVersion ? { 'service.version': init.serviceVersion } : {}),
        'deployment.environment.name': init.environment,
      }),
      sampler: new ParentBasedSampler({ root: rootSampler(options.sampleRatio) }),
      spanProcessors: processors,
    });
    (this.provider as unknown as Record<symbol, boolean>)[OURS] = true;
    // The first stack's provider also serves `trace.getTracer()` in user code.
    if (!hasRealGlobalProvider()) trace.setGlobalTracerProvider(this.provider);
    this.tracer = this.provider.getTracer('@gati-framework/observability');
  }

  /** The parent context carried by incoming headers (`traceparent`/`tracestate`). */
  extract(headers: Record<string, string | string[] | undefined>): Context {
    // No traceparent: nothing to continue (tracestate alone is ignored by W3C), skip the propagator.
    if (headers['traceparent'] === undefined) return ROOT_CONTEXT;
    return w3c.extract(ROOT_CONTEXT, headers, HEADER_GETTER);
  }

  /** Writes `traceparent` (and `tracestate`) of the active span, or of `ctx`, into outgoing headers. */
  inject<T extends Record<string, string>>(headers: T, ctx: Context = context.active()): T {
    w3c.inject(ctx, headers, { set: (carrier, key, value) => ((carrier as Record<string, string>)[key] = value) });
    return headers;
  }

  /** Starts a server span as a child of `parent`. */
  startServerSpan(name: string, parent: Context, attributes: Attributes): Span {
    return this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  }

  /** Starts a span (child of the active one unless `parent` is given). */
  startSpan(name: string, options: { kind?: SpanKind; attributes?: Attributes } = {}, parent: Context = context.active()): Span {
    return this.tracer.startSpan(name, options, parent);
  }

  /** Runs `fn` inside a new active span, ends it after, records a thrown error. */
  async withSpan<T>(name: string, fn: (span: Span) => Promise<T> | T, options: { kind?: SpanKind; attributes?: Attributes } = {}): Promise<T> {
    const span = this.startSpan(name, options);
    try {
      return await context.with(trace.setSpan(context.active(), span), () => fn(span));
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  }

  /** The W3C ids of the active span. */
  getTraceContext(): TraceContext {
    const span = trace.getActiveSpan();
    if (!span) return { traceId: '', spanId: '', traceparent: '', sampled: false };
    return spanTraceContext(span);
  }

  async forceFlush(): Promise<void> {
    if (this.provider) return this.provider.forceFlush();
    // Using a provider an SDK registered: flush it too, so shutdown loses no spans.
    const global = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
    const delegate = (global.getDelegate?.() ?? global) as TracerProvider & { forceFlush?: () => Promise<void> };
    await delegate.forceFlush?.();
  }

  async shutdown(): Promise<void> {
    await this.provider?.shutdown();
  }
}

export function spanTraceContext(span: Span): TraceContext {
  const c = span.spanContext();
  const sampled = (c.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
  return { traceId: c.traceId, spanId: c.spanId, sampled, traceparent: `00-${c.traceId}-${c.spanId}-${sampled ? '01' : '00'}` };
}
