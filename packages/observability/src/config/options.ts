import { parseConfig } from '@gati-framework/core';
import { z } from 'zod';

const LabelValue = z.string().max(256);
const PrometheusName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must match [a-zA-Z_][a-zA-Z0-9_]*');

export const MetricsOptionsSchema = z.strictObject({
  /** Prefix of the HTTP and custom metrics. Default `gati_`. */
  prefix: z.string().regex(/^([a-zA-Z_][a-zA-Z0-9_]*)?$/).default('gati_'),
  /** Duration histogram buckets in seconds. */
  buckets: z.array(z.number().positive()).min(1).max(50).optional(),
  /** Hard cap of label sets per metric; further new label sets are dropped and counted. Default 2000. */
  maxSeriesPerMetric: z.number().int().min(1).max(1_000_000).default(2000),
  /** Process metrics (CPU, memory, event loop, GC, heap). Default true. */
  defaultMetrics: z.boolean().default(true),
  /** Exemplars (trace id) on the duration histogram when tracing is on. Default true. */
  exemplars: z.boolean().default(true),
  /** Path the app serves `metricsHandler()` on (and the Fastify plugin's metrics route). Default `/metrics`. */
  path: z.string().startsWith('/').default('/metrics'),
  /**
   * Count scrapes of `path` and the health probes in the request metrics like any request.
   * Default false: they are left out (scrapes keep their span and log line).
   */
  includeOwnEndpoints: z.boolean().default(false),
});

export const LokiOptionsSchema = z.strictObject({
  /** Base URL of Loki, e.g. `http://loki:3100`. */
  host: z.url({ protocol: /^https?$/ }),
  /** `user:password` for HTTP basic auth. */
  basicAuth: z.string().min(1).optional(),
  /** Extra static stream labels; keep them low-cardinality. */
  labels: z.record(PrometheusName, LabelValue).optional(),
  batchIntervalMs: z.number().int().min(10).max(60_000).default(1000),
  maxBatchEntries: z.number().int().min(1).max(100_000).default(1000),
  maxBufferEntries: z.number().int().min(1).max(1_000_000).default(10_000),
  maxBufferBytes: z.number().int().min(1024).max(1 << 30).default(8 * 1024 * 1024),
  timeoutMs: z.number().int().min(100).max(120_000).default(5000),
});

export const LoggingOptionsSchema = z.strictObject({
  level: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
  /** JSON lines on stdout. Default: on unless NODE_ENV is `production`. */
  console: z.boolean().optional(),
  loki: LokiOptionsSchema.optional(),
  /** One log line per request. Default true. */
  requestLog: z.boolean().default(true),
  /** Extra field names (case-insensitive substrings) to redact. */
  redact: z.array(z.string().min(1)).default([]),
});

export const TracingOptionsSchema = z.strictObject({
  /** Fraction of new traces recorded (incoming sampled parents are always followed). Default 1. */
  sampleRatio: z.number().min(0).max(1).default(1),
  /** OTLP/HTTP (JSON) exporter, e.g. `{ url: 'http://collector:4318/v1/traces' }`. */
  exporter: z.strictObject({ url: z.url({ protocol: /^https?$/ }), headers: z.record(z.string(), z.string()).optional() }).optional(),
});

export const HealthOptionsSchema = z.strictObject({
  /** After SIGTERM, how long readiness fails before the server stops accepting. Default 5000 ms. */
  shutdownDelayMs: z.number().int().min(0).max(600_000).default(5000),
  /** Longest wait for in-flight requests to drain before sockets are cut. Default 10000 ms. */
  drainTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
  /** Default timeout of each readiness check. Default 2000 ms. */
  checkTimeoutMs: z.number().int().min(1).max(60_000).default(2000),
  livePath: z.string().startsWith('/').default('/health/live'),
  readyPath: z.string().startsWith('/').default('/health/ready'),
});

export const ObservabilityOptionsSchema = z.strictObject({
  serviceName: PrometheusName.or(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/)),
  serviceVersion: z.string().max(64).optional(),
  environment: z.string().max(64).optional(),
  metrics: z.union([z.literal(false), MetricsOptionsSchema]).default(MetricsOptionsSchema.parse({})),
  logging: z.union([z.literal(false), LoggingOptionsSchema]).default(LoggingOptionsSchema.parse({})),
  tracing: z.union([z.literal(false), TracingOptionsSchema]).default(TracingOptionsSchema.parse({})),
  health: HealthOptionsSchema.default(HealthOptionsSchema.parse({})),
});

/** What callers pass to `new ObservabilityStack(...)`. */
export type ObservabilityOptions = z.input<typeof ObservabilityOptionsSchema>;
/** Options after defaults. */
export type ResolvedOptions = z.output<typeof ObservabilityOptionsSchema>;
export type ResolvedMetricsOptions = z.output<typeof MetricsOptionsSchema>;
export type ResolvedLoggingOptions = z.output<typeof LoggingOptionsSchema>;
export type ResolvedLokiOptions = z.output<typeof LokiOptionsSchema>;
export type ResolvedTracingOptions = z.output<typeof TracingOptionsSchema>;
export type ResolvedHealthOptions = z.output<typeof HealthOptionsSchema>;

/** Validates and fills defaults; throws `INVALID_CONFIG` listing every problem. */
export function resolveOptions(input: ObservabilityOptions): ResolvedOptions {
  return parseConfig(ObservabilityOptionsSchema, input, 'observability options');
}
