import type { Server } from 'node:http';
import { AggregatorRegistry, type PrometheusContentType } from 'prom-client';
import { createMetricsEndpoint, serveMetricsHandler, type MetricsHandlerOptions, type MetricsServerOptions, type NodeHandler } from './http/endpoints.js';
import { PROMETHEUS_CONTENT_TYPE } from './metrics/open-metrics.js';
import type { ObservabilityStack } from './stack.js';

// Process-wide on purpose, not per stack: prom-client's AggregatorRegistry constructor installs
// its cluster message listeners on the process, and the primary has no stack to hold it.
let aggregator: AggregatorRegistry<PrometheusContentType> | undefined;

function getAggregator(): AggregatorRegistry<PrometheusContentType> {
  aggregator ??= new AggregatorRegistry<PrometheusContentType>();
  return aggregator;
}

/** In a `node:cluster` worker: answer the primary's metric requests with these stacks' registries. */
export function shareMetricsWithPrimary(...stacks: ObservabilityStack[]): void {
  getAggregator();
  AggregatorRegistry.setRegistries(stacks.flatMap((s) => (s.metrics ? [s.metrics.registry] : [])));
}

/**
 * In the primary: a handler answering one scrape with the metrics of all workers, summed.
 * `onError` hears a failed aggregation (the scraper only gets a 500).
 */
export function createClusterMetricsHandler(options: MetricsHandlerOptions & { onError?: (error: unknown) => void } = {}): NodeHandler {
  const registry = getAggregator();
  return createMetricsEndpoint(async () => ({ contentType: PROMETHEUS_CONTENT_TYPE, body: await registry.clusterMetrics() }), options, options.onError);
}

/** In the primary: serves the aggregated metrics on `port` (default host 127.0.0.1, path `/metrics`). */
export async function serveClusterMetrics(options: MetricsServerOptions & { onError?: (error: unknown) => void } = {}): Promise<Server> {
  return serveMetricsHandler(createClusterMetricsHandler(options), options);
}
