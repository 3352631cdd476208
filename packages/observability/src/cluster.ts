import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AggregatorRegistry, type PrometheusContentType } from 'prom-client';
import { authorized, type MetricsHandlerOptions, type NodeHandler } from './http/endpoints.js';
import { PROMETHEUS_CONTENT_TYPE } from './metrics/open-metrics.js';
import type { ObservabilityStack } from './stack.js';

let aggregator: AggregatorRegistry<PrometheusContentType> | undefined;

function getAggregator(): AggregatorRegistry<PrometheusContentType> {
  // The constructor installs prom-client's cluster message listeners (once per process).
  aggregator ??= new AggregatorRegistry<PrometheusContentType>();
  return aggregator;
}

/** In a `node:cluster` worker: answer the primary's metric requests with these stacks' registries. */
export function shareMetricsWithPrimary(...stacks: ObservabilityStack[]): void {
  getAggregator();
  AggregatorRegistry.setRegistries(stacks.flatMap((s) => (s.metrics ? [s.metrics.registry] : [])));
}

/** In the primary: a handler answering one scrape with the metrics of all workers, summed. */
export function createClusterMetricsHandler(options: MetricsHandlerOptions = {}): NodeHandler {
  const registry = getAggregator();
  return (req, res) => {
    if (!authorized(req, options)) {
      res.statusCode = 401;
      res.end('unauthorized\n');
      return;
    }
    registry.clusterMetrics().then(
      (body) => {
        res.statusCode = 200;
        res.setHeader('content-type', PROMETHEUS_CONTENT_TYPE);
        res.end(body);
      },
      (error: unknown) => {
        res.statusCode = 500;
        res.end(`cluster metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
      },
    );
  };
}

/** In the primary: serves the aggregated metrics on `port` (default host 127.0.0.1, path `/metrics`). */
export async function serveClusterMetrics(options: MetricsHandlerOptions & { port?: number; host?: string; path?: string } = {}): Promise<Server> {
  const handler = createClusterMetricsHandler(options);
  const path = options.path ?? '/metrics';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if ((req.url ?? '').split('?')[0] === path) return handler(req, res);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  return server;
}
