import type { Server } from 'node:http';
import { context, INVALID_SPAN_CONTEXT, trace, type Attributes, type Span, type SpanKind } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Registry } from 'prom-client';
import type Transport from 'winston-transport';
import { resolveOptions, type ObservabilityOptions, type ResolvedOptions } from './config/options.js';
import { Health, type HealthCheck } from './health/health.js';
import { gracefulShutdown } from './health/shutdown.js';
import { createHealthHandler, createMetricsHandler, serveMetricsHandler, type MetricsHandlerOptions, type MetricsServerOptions, type NodeHandler } from './http/endpoints.js';
import { createExpressErrorMiddleware, createExpressMiddleware, type ConnectErrorMiddleware, type ConnectMiddleware, type OwnEndpoints } from './http/express.js';
import { createFastifyPlugin, type GatiFastifyPlugin } from './http/fastify.js';
import type { InstrumentParts } from './http/instrument.js';
import { wrapHandler, type PlainHandler, type WrapOptions } from './http/node-http.js';
import { createStackLogger, type WinstonLogger } from './logging/logger.js';
import { LokiTransport, type LokiTransportStats } from './logging/loki-transport.js';
import { causeOf, ProblemReporter } from './logging/problems.js';
import { ObservabilityMetrics } from './metrics/metrics.js';
import { Tracing, type TraceContext } from './tracing/tracing.js';

/** Things that cannot be expressed as plain options. */
export interface StackExtras {
  /** Share this prom-client registry instead of a private one per stack. */
  registry?: Registry;
  /** Extra span processors, e.g. an `InMemorySpanExporter` in tests. */
  spanProcessors?: SpanProcessor[];
  /** Extra winston transports (e.g. a capture in tests, a file). */
  logTransports?: Transport[];
}

export interface ShutdownHandlerOptions {
  /** Default `['SIGTERM', 'SIGINT']`. */
  signals?: NodeJS.Signals[];
  /** Call `process.exit(code)` when done. Default true. */
  exit?: boolean;
}

const EMPTY_TRACE: TraceContext = { traceId: '', spanId: '', traceparent: '', sampled: false };

/** Metrics, logs, traces, health and graceful shutdown for one service, from one middleware. */
export class ObservabilityStack {
  readonly options: ResolvedOptions;
  readonly serviceName: string;
  readonly environment: string;
  /** `undefined` when `metrics: false`. */
  readonly metrics: ObservabilityMetrics | undefined;
  readonly logger: WinstonLogger;
  /** `undefined` when `tracing: false`. */
  readonly tracing: Tracing | undefined;
  readonly health: Health;
  /** Fastify 5 plugin: `await app.register(obs.fastifyPlugin)`. */
  readonly fastifyPlugin: GatiFastifyPlugin;
  private readonly loki: LokiTransport | undefined;
  private readonly parts: InstrumentParts;
  private readonly healthRoutes: OwnEndpoints;
  private readonly problems: ProblemReporter;
  private shutdownPromise: Promise<void> | undefined;
  private signalHandler: ((signal: NodeJS.Signals) => void) | undefined;
  private signals: NodeJS.Signals[] = [];
  private signalShutdown = false;

  /** Throws `GatiError('INVALID_CONFIG')` listing every invalid option. */
  constructor(options: ObservabilityOptions, extras: StackExtras = {}) {
    this.options = resolveOptions(options);
    const o = this.options;
    this.serviceName = o.serviceName;
    this.environment = o.environment ?? process.env['NODE_ENV'] ?? 'development';
    // Exemplars only ever carry the stack's trace ids: without tracing, the duration histogram
    // skips prom-client's exemplar path (an options object and a second label hash per request).
    this.metrics =
      o.metrics === false
        ? undefined
        : new ObservabilityMetrics(
            { ...o.metrics, exemplars: o.metrics.exemplars && o.tracing !== false },
            extras.registry ? { registry: extras.registry } : {},
          );
    const metrics = this.metrics;
    // Failures inside the stack: counted, and warned about at most once a minute per cause.
    // Loki's go to process warnings (stderr): the logger's output may be Loki itself.
    this.problems = new ProblemReporter({
      count: (where) => metrics?.internalErrors.inc({ where }),
      warn: (where, message, { cause, suppressed }) => {
        const more = suppressed > 0 ? ` (${suppressed} more of the same since the last warning)` : '';
        if (where === 'loki') process.emitWarning(`Loki push failing: ${message}${more}`, 'GatiObservabilityWarning');
        else this.logger.warn(`observability: ${where === 'request' ? 'recording a request' : 'rendering metrics'} failed`, { where, cause, error: message, suppressed });
      },
    });
    if (o.logging !== false && o.logging.loki) {
      this.loki = new LokiTransport(o.logging.loki, {
        labels: { service: this.serviceName, environment: this.environment, ...o.logging.loki.labels },
        onDrop: (count, reason) => metrics?.logDropped.inc({ reason }, count),
        onFailure: (error, cause) => this.problems.report('loki', cause, error),
      });
    }
    this.logger = createStackLogger(o.logging, {
      service: this.serviceName,
      environment: this.environment,
      ...(o.serviceVersion ? { version: o.serviceVersion } : {}),
      extraTransports: [...(this.loki ? [this.loki] : []), ...(extras.logTransports ?? [])],
    });
    this.tracing =
      o.tracing === false
        ? undefined
        : new Tracing(o.tracing, {
            serviceName: this.serviceName,
            environment: this.environment,
            ...(o.serviceVersion ? { serviceVersion: o.serviceVersion } : {}),
            ...(extras.spanProcessors ? { spanProcessors: extras.spanProcessors } : {}),
          });
    this.health = new Health(o.health.checkTimeoutMs);
    this.parts = {
      metrics: this.metrics,
      logger: this.logger,
      requestLog: o.logging !== false && o.logging.requestLog,
      tracing: this.tracing,
      health: this.health,
      problems: this.problems,
    };
    this.healthRoutes = {
      livePath: o.health.livePath,
      readyPath: o.health.readyPath,
      live: createHealthHandler(this.health, 'live'),
      ready: createHealthHandler(this.health, 'ready'),
      metricsPath: o.metrics === false ? '/metrics' : o.metrics.path,
      counted: o.metrics !== false && o.metrics.includeOwnEndpoints,
    };
    this.fastifyPlugin = createFastifyPlugin(this.parts, this.healthRoutes, this.metricsHandler());
  }

  /** Express 4/5 or Connect middleware, first in the chain: `app.use(...obs.getMiddleware())`. */
  getMiddleware(): ConnectMiddleware[] {
    return [createExpressMiddleware(this.parts, this.healthRoutes)];
  }

  /** Optional Express error middleware (mount after the routes): thrown errors count as `type="exception"`. */
  errorMiddleware(): ConnectErrorMiddleware {
    return createExpressErrorMiddleware();
  }

  /** Instruments a plain `node:http` handler (name routes with `setRoute` or `options.route`). */
  wrap(handler: PlainHandler, options: WrapOptions = {}): PlainHandler {
    return wrapHandler(this.parts, this.healthRoutes, handler, options);
  }

  /** The `/metrics` handler (Express/Connect/`node:http`), optionally behind bearer or basic auth. */
  metricsHandler(options: MetricsHandlerOptions = {}): NodeHandler {
    return createMetricsHandler(this.metrics, options, (error) => this.problems.report('metrics', causeOf(error), error));
  }

  /** Serves `/metrics` on a separate port (default host 127.0.0.1). Close it with `server.close()`. */
  async serveMetrics(options: MetricsServerOptions = {}): Promise<Server> {
    return serveMetricsHandler(this.metricsHandler(options), options);
  }

  /** `/health/live` and `/health/ready` handlers, to mount elsewhere (the middleware already serves them). */
  livenessHandler(): NodeHandler {
    return this.healthRoutes.live;
  }

  readinessHandler(): NodeHandler {
    return this.healthRoutes.ready;
  }

  /** Adds a readiness check (or a liveness one with `kind: 'live'`); default timeout `health.checkTimeoutMs`. */
  addHealthCheck(name: string, check: HealthCheck, options: { timeoutMs?: number; kind?: 'live' | 'ready' } = {}): void {
    this.health.register(name, check, options);
  }

  /** W3C ids of the active span (empty strings when tracing is off or no span is active). */
  getTraceContext(): TraceContext {
    return this.tracing?.getTraceContext() ?? EMPTY_TRACE;
  }

  /** Starts a span, child of the active one; a no-op span when tracing is off. */
  startSpan(name: string, options: { kind?: SpanKind; attributes?: Attributes } = {}): Span {
    return this.tracing?.startSpan(name, options) ?? trace.wrapSpanContext(trace.getActiveSpan()?.spanContext() ?? INVALID_SPAN_CONTEXT);
  }

  /** Runs `fn` in a new active span. */
  async withSpan<T>(name: string, fn: (span: Span) => Promise<T> | T, options: { kind?: SpanKind; attributes?: Attributes } = {}): Promise<T> {
    if (this.tracing) return this.tracing.withSpan(name, fn, options);
    return fn(this.startSpan(name));
  }

  /** Writes `traceparent` of the active span into outgoing request headers. */
  injectTraceHeaders<T extends Record<string, string>>(headers: T): T {
    return this.tracing ? this.tracing.inject(headers, context.active()) : headers;
  }

  /** Loki shipping counters, or undefined when Loki is off. */
  lokiStats(): LokiTransportStats | undefined {
    return this.loki?.stats();
  }

  /**
   * Installs the one SIGTERM/SIGINT handler: readiness fails, wait
   * `health.shutdownDelayMs`, drain `servers`, flush logs and traces, exit 0.
   */
  installShutdownHandler(servers: Server | Server[], options: ShutdownHandlerOptions = {}): void {
    if (this.signalHandler) return;
    const list = Array.isArray(servers) ? servers : [servers];
    const exit = options.exit ?? true;
    this.signals = options.signals ?? ['SIGTERM', 'SIGINT'];
    this.signalHandler = (signal) => {
      // Stay subscribed: a second SIGTERM must not fall back to Node's default (immediate exit).
      if (this.signalShutdown) {
        this.logger.warn('shutdown already in progress', { signal });
        return;
      }
      this.signalShutdown = true;
      this.logger.info('shutdown started', { signal });
      void this.shutdownGracefully(list).then(
        () => exit && process.exit(0),
        () => exit && process.exit(1),
      );
    };
    for (const s of this.signals) process.on(s, this.signalHandler);
  }

  /** The full sequence without a signal: readiness fails, wait, drain `servers`, then `shutdown()`. */
  async shutdownGracefully(servers: Server[]): Promise<void> {
    const { shutdownDelayMs, drainTimeoutMs } = this.options.health;
    await gracefulShutdown(servers, () => this.health.markShuttingDown(), () => this.shutdown(), {
      shutdownDelayMs,
      drainTimeoutMs,
      onPhase: (phase, detail) => this.logger.info(`shutdown ${phase}`, detail ?? {}),
    });
  }

  /** Flushes logs and traces and releases timers; idempotent, bounded in time. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.doShutdown();
    return this.shutdownPromise;
  }

  private async doShutdown(): Promise<void> {
    this.health.markShuttingDown();
    if (this.signalHandler && !this.signalShutdown) for (const s of this.signals) process.removeListener(s, this.signalHandler);
    await Promise.allSettled([this.loki?.flush(), this.tracing?.forceFlush()]);
    await Promise.allSettled([this.tracing?.shutdown()]);
    this.loki?.close();
    this.logger.close();
  }
}

