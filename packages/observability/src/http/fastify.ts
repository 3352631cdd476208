import { context } from '@opentelemetry/api';
import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import { beginRequest, recordRequestError, type InstrumentParts } from './instrument.js';
import { watchRequestEnds } from './request-end.js';
import type { NodeHandler } from './endpoints.js';
import type { HealthRoutes } from './express.js';

export interface FastifyPluginOptions {
  /** Path of the metrics endpoint the plugin adds; `false` adds none. Default `/metrics`. */
  metricsPath?: string | false;
}

/** A Fastify 5 plugin (not encapsulated): instrumentation hooks, health routes and `/metrics`. */
export function createFastifyPlugin(parts: InstrumentParts, health: HealthRoutes, metrics: NodeHandler): FastifyPluginCallback<FastifyPluginOptions> {
  watchRequestEnds();
  const plugin: FastifyPluginCallback<FastifyPluginOptions> = (fastify: FastifyInstance, opts, done) => {
    const healthPaths = new Set([health.livePath, health.readyPath]);
    fastify.addHook('onRequest', (request, reply, next) => {
      if (healthPaths.has(request.routeOptions.url ?? '')) return next();
      const req = request.raw;
      const ctx = beginRequest(parts, req, reply.raw, () => request.routeOptions.url || undefined, req.method, req.url);
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
    const metricsPath = opts.metricsPath ?? '/metrics';
    if (metricsPath !== false) fastify.get(metricsPath, raw(metrics));
    done();
  };
  const meta = plugin as unknown as Record<symbol, unknown>;
  meta[Symbol.for('skip-override')] = true;
  meta[Symbol.for('fastify.display-name')] = '@gati-framework/observability';
  return plugin;
}
