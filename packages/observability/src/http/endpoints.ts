import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Health } from '../health/health.js';
import type { ObservabilityMetrics } from '../metrics/metrics.js';

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface MetricsHandlerOptions {
  /** Require `Authorization: Bearer <token>`. */
  bearerToken?: string;
  /** Require HTTP basic auth, as `user:password`. */
  basicAuth?: string;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function authorized(req: IncomingMessage, options: MetricsHandlerOptions): boolean {
  const header = req.headers.authorization ?? '';
  if (options.bearerToken !== undefined) {
    if (header.startsWith('Bearer ') && sameSecret(header.slice(7), options.bearerToken)) return true;
  }
  if (options.basicAuth !== undefined) {
    if (header.startsWith('Basic ') && sameSecret(Buffer.from(header.slice(6), 'base64').toString(), options.basicAuth)) return true;
  }
  return options.bearerToken === undefined && options.basicAuth === undefined;
}

export interface MetricsServerOptions extends MetricsHandlerOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default `/metrics`; any other path answers 404. */
  path?: string;
}

/** Renders one scrape: the exposition for the scraper's `accept` header. */
export type RenderMetrics = (accept: string | undefined) => Promise<{ contentType: string; body: string }>;

/**
 * The one metrics endpoint, for a stack's registry or a cluster's aggregate: auth, then the
 * body `render` produces. `render` undefined means metrics are off (404). A failed render
 * answers 500 without the error's text (it may name internals); `onError` gets the error.
 */
export function createMetricsEndpoint(render: RenderMetrics | undefined, options: MetricsHandlerOptions, onError?: (error: unknown) => void): NodeHandler {
  return (req, res) => {
    if (!authorized(req, options)) {
      res.statusCode = 401;
      res.setHeader('www-authenticate', options.basicAuth !== undefined ? 'Basic realm="metrics"' : 'Bearer');
      res.end('unauthorized\n');
      return;
    }
    if (!render) {
      res.statusCode = 404;
      res.end('metrics are disabled\n');
      return;
    }
    render(req.headers.accept).then(
      ({ contentType, body }) => {
        if (res.headersSent) return;
        res.statusCode = 200;
        res.setHeader('content-type', contentType);
        res.end(body);
      },
      (error: unknown) => {
        onError?.(error);
        if (res.headersSent) return;
        res.statusCode = 500;
        res.end('metrics collection failed\n');
      },
    );
  };
}

/** `/metrics`: Prometheus text 0.0.4, or OpenMetrics (with exemplars) when the scraper asks for it. */
export function createMetricsHandler(metrics: ObservabilityMetrics | undefined, options: MetricsHandlerOptions = {}, onError?: (error: unknown) => void): NodeHandler {
  return createMetricsEndpoint(metrics ? (accept) => metrics.render(accept) : undefined, options, onError);
}

/** A server of its own for a metrics handler (its `path` only). Close it with `server.close()`. */
export async function serveMetricsHandler(handler: NodeHandler, options: MetricsServerOptions): Promise<Server> {
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

/** `/health/live` or `/health/ready`: 200 with the check report, or 503. */
export function createHealthHandler(health: Health, kind: 'live' | 'ready'): NodeHandler {
  return (_req, res) => {
    void (kind === 'live' ? health.liveness() : health.readiness()).then((report) => {
      if (res.headersSent) return;
      res.statusCode = report.status === 'ok' ? 200 : 503;
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'no-store');
      // Draining: a load balancer's kept-alive probe connection is closed after this answer,
      // not cut when the listener closes.
      if (health.isShuttingDown) res.setHeader('connection', 'close');
      res.end(JSON.stringify(report));
    });
  };
}
