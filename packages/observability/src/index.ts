export { ObservabilityStack, type ShutdownHandlerOptions, type StackExtras } from './stack.js';
export {
  ObservabilityOptionsSchema,
  type ObservabilityOptions,
  type ResolvedOptions,
} from './config/options.js';
export { ObservabilityMetrics, DEFAULT_BUCKETS } from './metrics/metrics.js';
export { GatiCounter, GatiGauge, GatiHistogram } from './metrics/capped-metrics.js';
export { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './metrics/open-metrics.js';
export { LokiTransport, type LokiDropReason, type LokiTransportStats } from './logging/loki-transport.js';
export { createRedactor, REDACTED } from './logging/redact.js';
export type { WinstonLogger } from './logging/logger.js';
export { Tracing, type TraceContext } from './tracing/tracing.js';
export { Health, type CheckResult, type HealthCheck, type HealthReport } from './health/health.js';
export { closeServer } from './health/shutdown.js';
export { setRoute, UNMATCHED_ROUTE, OTHER_METHOD } from './http/route.js';
export type { MetricsHandlerOptions, MetricsServerOptions, NodeHandler } from './http/endpoints.js';
export type { ConnectMiddleware, ConnectErrorMiddleware } from './http/express.js';
export type { FastifyLike, FastifyLikeReply, FastifyLikeRequest, FastifyPluginOptions, GatiFastifyPlugin } from './http/fastify.js';
export type { PlainHandler, WrapOptions } from './http/node-http.js';
