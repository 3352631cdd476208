import type { IncomingMessage, ServerResponse } from 'node:http';
import { context } from '@opentelemetry/api';
import { beginRequest, recordRequestError, type InstrumentParts } from './instrument.js';
import { watchRequestEnds } from './request-end.js';
import { healthProbe, type HealthRoutes } from './express.js';

export type PlainHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface WrapOptions {
  /** Route template of a request (default: what `setRoute(req, ...)` named, else `__unmatched__`). */
  route?: (req: IncomingMessage) => string | undefined;
}

/** Wraps a plain `node:http` handler; thrown or rejected errors become a 500 and are counted. */
export function wrapHandler(parts: InstrumentParts, health: HealthRoutes, handler: PlainHandler, options: WrapOptions = {}): PlainHandler {
  watchRequestEnds();
  const resolve = options.route ?? (() => undefined);
  const fail = (req: IncomingMessage, res: ServerResponse, error: unknown): void => {
    recordRequestError(req, error);
    if (!res.headersSent) {
      res.statusCode = 500;
      res.end('internal server error\n');
    } else {
      res.destroy();
    }
  };
  return (req, res) => {
    const { method, url } = req;
    const probe = healthProbe(health, method, url);
    if (probe) return probe(req, res);
    const ctx = beginRequest(parts, req, res, resolve, method, url);
    const run = (): void => {
      try {
        const result = handler(req, res);
        if (result instanceof Promise) result.catch((error: unknown) => fail(req, res, error));
      } catch (error) {
        fail(req, res, error);
      }
    };
    // Without tracing there is no context of ours to enter (and whatever is active stays).
    if (ctx) context.with(ctx, run);
    else run();
  };
}
