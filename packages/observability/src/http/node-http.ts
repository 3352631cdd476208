import type { IncomingMessage, ServerResponse } from 'node:http';
import { context } from '@opentelemetry/api';
import { beginRequest, recordRequestError, type InstrumentParts } from './instrument.js';
import { watchRequestEnds } from './request-end.js';
import { endpointScopes, METRICS_ENDPOINT, ownEndpoint, type OwnEndpoints } from './express.js';

export type PlainHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface WrapOptions {
  /** Route template of a request (default: what `setRoute(req, ...)` named, else `__unmatched__`). */
  route?: (req: IncomingMessage) => string | undefined;
}

/** Wraps a plain `node:http` handler; thrown or rejected errors become a 500 and are counted. */
export function wrapHandler(parts: InstrumentParts, own: OwnEndpoints, handler: PlainHandler, options: WrapOptions = {}): PlainHandler {
  watchRequestEnds();
  const scopes = endpointScopes(parts, own, options.route ?? (() => undefined));
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
    const endpoint = ownEndpoint(own, method, url);
    let scope = scopes.app;
    let run = (): void => {
      try {
        const result = handler(req, res);
        if (result instanceof Promise) result.catch((error: unknown) => fail(req, res, error));
      } catch (error) {
        fail(req, res, error);
      }
    };
    if (endpoint === METRICS_ENDPOINT) scope = scopes.scrape;
    else if (endpoint !== undefined) {
      if (!own.counted) return endpoint(req, res);
      scope = scopes.probe;
      run = () => endpoint(req, res);
    }
    const ctx = beginRequest(scope, req, res, method, url);
    // Without tracing there is no context of ours to enter (and whatever is active stays).
    if (ctx) context.with(ctx, run);
    else run();
  };
}
