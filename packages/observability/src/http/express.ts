import type { IncomingMessage, ServerResponse } from 'node:http';
import { context } from '@opentelemetry/api';
import { beginRequest, instrumentScope, recordRequestError, type InstrumentParts, type InstrumentScope } from './instrument.js';
import { watchRequestEnds } from './request-end.js';
import type { NodeHandler } from './endpoints.js';
import { METHOD, URL_ } from './keyed.js';
import { expressRoute, pathOf } from './route.js';

export type ConnectMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
export type ConnectErrorMiddleware = (error: unknown, req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** The stack's own endpoints: health (served by the middleware) and the path the app serves metrics on. */
export interface OwnEndpoints {
  livePath: string;
  readyPath: string;
  live: NodeHandler;
  ready: NodeHandler;
  metricsPath: string;
  /** Count requests to these endpoints in the request metrics like any other (`metrics.includeOwnEndpoints`). */
  counted: boolean;
}

/** A GET/HEAD of the metrics path (left out of the request metrics unless counted). */
export const METRICS_ENDPOINT = 'metrics' as const;

/** The own endpoint a GET/HEAD of `url` asks for: a health handler, `METRICS_ENDPOINT`, or undefined. */
export function ownEndpoint(own: OwnEndpoints, method: string | undefined, url: string | undefined): NodeHandler | typeof METRICS_ENDPOINT | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  const path = pathOf(url);
  if (path === own.livePath) return own.live;
  if (path === own.readyPath) return own.ready;
  return path === own.metricsPath ? METRICS_ENDPOINT : undefined;
}

/** A health probe's route is its path (one of two fixed strings). */
const probeRoute = (req: IncomingMessage): string => pathOf(req[URL_]);

/** The scopes an integration uses: ordinary requests, metrics scrapes, health probes (when counted). */
export function endpointScopes(parts: InstrumentParts, own: OwnEndpoints, resolveRoute: (req: IncomingMessage) => string | undefined): { app: InstrumentScope; scrape: InstrumentScope; probe: InstrumentScope } {
  return {
    app: instrumentScope(parts, resolveRoute),
    // Scrapes keep their span and log line; they stay out of the request metrics, where they would
    // be a route of their own, a share of the error ratio's denominator and an in-flight request on an idle service.
    scrape: instrumentScope(parts, resolveRoute, own.counted),
    probe: instrumentScope(parts, probeRoute),
  };
}

/** Express 4/5 and Connect middleware: instrumentation plus the health endpoints. */
export function createExpressMiddleware(parts: InstrumentParts, own: OwnEndpoints): ConnectMiddleware {
  watchRequestEnds();
  const scopes = endpointScopes(parts, own, expressRoute);
  return (req, res, next) => {
    // Keyed reads: see keyed.ts.
    const method = req[METHOD];
    const url = req[URL_];
    const endpoint = ownEndpoint(own, method, url);
    let scope = scopes.app;
    if (endpoint !== undefined) {
      if (endpoint === METRICS_ENDPOINT) scope = scopes.scrape;
      else {
        // Health probes are answered here, uninstrumented unless counted.
        if (!own.counted) return endpoint(req, res);
        const probeCtx = beginRequest(scopes.probe, req, res, method, url);
        if (probeCtx) context.with(probeCtx, endpoint, undefined, req, res);
        else endpoint(req, res);
        return;
      }
    }
    const ctx = beginRequest(scope, req, res, method, url);
    // Without tracing there is no context of ours to enter: skip the call through the context API.
    if (ctx) context.with(ctx, next);
    else next();
  };
}

/** Optional error middleware (mount last): counts thrown errors as `type="exception"` and passes them on. */
export function createExpressErrorMiddleware(): ConnectErrorMiddleware {
  return (error, req, _res, next) => {
    recordRequestError(req, error);
    next(error);
  };
}
