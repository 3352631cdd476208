import { context } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { beginRequest, instrumentScope, recordRequestError, type InstrumentParts } from './instrument.js';
import { watchRequestEnds } from './request-end.js';
import type { NodeHandler } from './endpoints.js';
import type { OwnEndpoints } from './express.js';

export interface FastifyPluginOptions {
  /** Path of the metrics endpoint the plugin adds; `false` adds none. Default: the stack's `metrics.path` (`/metrics`). */
  metricsPath?: string | false;
}

/*
 * The parts of Fastify 5 the plugin uses, written out here so that our published types do not
 * import 'fastify' (not a dependency: a consumer without it, or with skipLibCheck off, would
 * fail to compile). A real FastifyInstance is assignable to FastifyLike; the observability
 * tests check `app.register(obs.fastifyPlugin)` against the real 'fastify' types.
 */
/** The request fields the plugin reads. */
export interface FastifyLikeRequest {
  raw: IncomingMessage;
  routeOptions: { url?: string | undefined };
}
/** The reply fields the plugin uses. */
export interface FastifyLikeReply {
  raw: ServerResponse;
  hijack(): unknown;
}
/** The Fastify instance methods the plugin calls. */
export interface FastifyLike {
  addHook(name: 'onRequest', hook: (request: FastifyLikeRequest, reply: FastifyLikeReply, done: (err?: Error) => void) => void): unknown;
  addHook(name: 'onError', hook: (request: FastifyLikeRequest, reply: FastifyLikeReply, error: Error, done: () => void) => void): unknown;
  get(path: string, handler: (request: FastifyLikeRequest, reply: FastifyLikeReply) => void): unknown;
}
/** A Fastify 5 plugin callback, typed without importing 'fastify'. */
export type GatiFastifyPlugin = (instance: FastifyLike, opts: FastifyPluginOptions, done: (err?: Error) => void) => void;

/** A Fastify 5 plugin (not encapsulated): instrumentation hooks, health routes and `/metrics`. */
export function createFastifyPlugin(parts: InstrumentParts, health: OwnEndpoints, metrics: NodeHandler): GatiFastifyPlugin {
  watchRequestEnds();
  const plugin: GatiFastifyPlugin = (fastify, opts, done) => {
    const metricsPath = opts.metricsPath ?? health.metricsPath;
    // Requests to the stack's own endpoints stay out of the request metrics unless counted.
    const healthPaths = new Set(health.counted ? [] : [health.livePath, health.readyPath]);
    const scrapePaths = new Set(health.counted ? [] : [health.metricsPath, ...(metricsPath === false ? [] : [metricsPath])]);
    fastify.addHook('onRequest', (request, reply, next) => {
      const route = request.routeOptions.url;
      if (healthPaths.has(route ?? '')) return next();
      const req = request.raw;
      // Fastify knows the route before the handler runs: the scope is this request's own.
      const scope = instrumentScope(parts, () => route || undefined, !scrapePaths.has(route ?? ''));
      const ctx = beginRequest(scope, req, reply.raw, req.method, req.url);
      if (ctx) context.with(ctx, next);
      else next();
    });
    fastify.addHook('onError', (request, _reply, error, next) => {
      recordRequestError(request.raw, error);
      next();
    });
    const raw = (handler: NodeHandler) => (request: FastifyLikeRequest, reply: FastifyLikeReply) => {
      reply.hijack();
      handler(request.raw, reply.raw);
    };
    fastify.get(health.livePath, raw(health.live));
    fastify.get(health.readyPath, raw(health.ready));
    if (metricsPath !== false) fastify.get(metricsPath, raw(metrics));
    done();
  };
  const meta = plugin as unknown as Record<symbol, unknown>;
  meta[Symbol.for('skip-override')] = true;
  meta[Symbol.for('fastify.display-name')] = '@gati-framework/observability';
  return plugin;
}
