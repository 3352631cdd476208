import express, { type Express } from 'express';
import { ObservabilityStack } from '@gati-framework/observability';

/** The example shop API: the observability one-liner plus a few routes. */
export function createApp(obs: ObservabilityStack): Express {
  const app = express();
  app.use(...obs.getMiddleware());
  app.get('/metrics', obs.metricsHandler());

  const products = express.Router();
  products.get('/', (_req, res) => {
    res.json([{ id: 1, name: 'tea' }, { id: 2, name: 'coffee' }]);
  });
  products.get('/:id', (req, res) => {
    if (!/^\d+$/.test(req.params.id)) {
      res.status(400).json({ error: 'id must be a number' });
      return;
    }
    obs.logger.info('product viewed', { productId: Number(req.params.id) });
    res.json({ id: Number(req.params.id), name: 'tea' });
  });
  app.use('/api/products', products);

  app.post('/api/checkout', express.json(), async (req, res) => {
    // A child span around "work"; its trace id is also on every log line written inside.
    const total = await obs.withSpan('price cart', () => (Array.isArray(req.body?.items) ? req.body.items.length * 3.5 : 0));
    res.status(201).json({ total });
  });
  app.get('/api/flaky', (_req, res) => {
    if (Math.random() < 0.3) throw new Error('flaky dependency failed');
    res.json({ ok: true });
  });
  app.use(obs.errorMiddleware());
  return app;
}

/** Options used by the example server and the quickstart. */
export function createStack(overrides: { console?: boolean } = {}): ObservabilityStack {
  return new ObservabilityStack({
    serviceName: 'shop-api',
    serviceVersion: '1.0.0',
    logging: {
      console: overrides.console ?? true,
      ...(process.env['LOKI_URL'] ? { loki: { host: process.env['LOKI_URL'] } } : {}),
    },
    tracing: process.env['OTLP_TRACES_URL'] ? { exporter: { url: process.env['OTLP_TRACES_URL'] } } : {},
    health: { shutdownDelayMs: Number(process.env['SHUTDOWN_DELAY_MS'] ?? 5000) },
  });
}
