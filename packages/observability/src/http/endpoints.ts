import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
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

/** `/metrics`: Prometheus text 0.0.4, or OpenMetrics (with exemplars) when the scraper asks for it. */
export function createMetricsHandler(metrics: ObservabilityMetrics | undefined, options: MetricsHandlerOptions = {}): NodeHandler {
  return (req, res) => {
    if (!authorized(req, options)) {
      res.statusCode = 401;
      res.setHeader('www-authenticate', options.basicAuth !== undefined ? 'Basic realm="metrics"' : 'Bearer');
      res.end('unauthorized\n');
      return;
    }
    if (!metrics) {
      res.statusCode = 404;
      res.end('metrics are disabled\n');
      return;
    }
    metrics.render(req.headers.accept).then(
      ({ contentType, body }) => {
        if (res.headersSent) return;
        res.statusCode = 200;
        res.setHeader('content-type', contentType);
        res.end(body);
      },
      (error: unknown) => {
        if (res.headersSent) return;
        res.statusCode = 500;
        res.end(`metrics collection failed: ${error instanceof Error ? error.message : String(error)}\n`);
      },
    );
  };
}

/** `/health/live` or `/health/ready`: 200 with the check report, or 503. */
export function createHealthHandler(health: Health, kind: 'live' | 'ready'): NodeHandler {
  return (_req, res) => {
    void (kind === 'live' ? health.liveness() : health.readiness()).then((report) => {
      if (res.headersSent) return;
      res.statusCode = report.status === 'ok' ? 200 : 503;
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'no-store');
      res.end(JSON.stringify(report));
    });
  };
}
