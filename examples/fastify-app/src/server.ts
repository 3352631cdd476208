import Fastify from 'fastify';
import { ObservabilityStack } from '@gati-framework/observability';

const obs = new ObservabilityStack({ serviceName: 'shop-fastify', logging: { console: true } });
const app = Fastify();
// Hooks for metrics, logs and spans, plus /metrics, /health/live and /health/ready.
await app.register(obs.fastifyPlugin);

app.get('/api/products/:id', async (request) => {
  const { id } = request.params as { id: string };
  obs.logger.info('product viewed', { productId: id });
  return { id, name: 'tea' };
});

await app.listen({ port: Number(process.env['PORT'] ?? 3001), host: process.env['HOST'] ?? '127.0.0.1' });
obs.installShutdownHandler(app.server);
obs.logger.info('listening', { port: app.server.address() });
