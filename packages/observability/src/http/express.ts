import type { IncomingMessage, ServerResponse } from 'node:http';
import { context } from '@opentelemetry/api';
import { beginRequest, recordRequestError, type InstrumentParts } from './instrument.js';
import { watchRequestEnds } from './request-end.js';
import type { NodeHandler } from './endpoints.js';
import { METHOD, URL_ } from './keyed.js';
import { expressRoute, pathOf } from './route.js';

export type ConnectMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
export type ConnectErrorMiddleware = (error: unknown, req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

export interface HealthRoutes {
  livePath: string;
  readyPath: string;
  live: NodeHandler;
  ready: NodeHandler;
}

/** The health handler a GET/HEAD of `url` asks for, if any. */
export function healthProbe(health: HealthRoutes, method: string | undefined, url: string | undefined): NodeHandler | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  const path = pathOf(url);
  return path === health.livePath ? health.live : path === health.readyPath ? health.ready : undefined;
}

/** Express 4/5 and Connect middleware: instrumentation plus the health endpoints. */
export function createExpressMiddleware(parts: InstrumentParts, health: HealthRoutes): ConnectMiddleware {
  watchRequestEnds();
  return (req, res, next) => {
    // Keyed reads: see keyed.ts.
    const method = req[METHOD];
    const url = req[URL_];
    const probe = healthProbe(health, method, url);
    if (probe) return probe(req, res);
    const ctx = beginRequest(parts, req, res, expressRoute, method, url);
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
