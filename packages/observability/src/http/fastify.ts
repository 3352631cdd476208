import { context } from '@opentelemetry/api';
import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import { beginRequest, instrumentScope, recordRequestError, type InstrumentParts } from './instrument.js';
import { watchRequestEnds } from './request-end.js';
import type { NodeHandler } from './endpoints.js';
import type { OwnEndpoints } from './express.js';

export interface FastifyPluginOptions {
  /** Path of the metrics endpoint the plugin adds; `false` adds none. Default: the stack's `metrics.path` (`/metrics`). */
  metricsPath?: string | false;
}

/** A Fastify 5 plugin (not encapsulated): instrumentation hooks, health routes and `/metrics`. */
export function createFastifyPlugin(parts: InstrumentParts, health: OwnEndpoints, metrics: NodeHandler): FastifyPluginCallback<FastifyPluginOptions> {
  watchRequestEnds();
  const plugin: FastifyPluginCallback<FastifyPluginOptions> = (fastify: FastifyInstance, opts, done) => {
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
    const raw = (handler: NodeHandler) => (request: { raw: Parameters<NodeHandler>[0] }, reply: { hijack(): void; raw: Parameters<NodeHandler>[1] }) => {
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
