import { createServer } from 'node:http';
import { createApp, createStack } from './app.js';

const obs = createStack();
const server = createServer(createApp(obs));
// SIGTERM: readiness fails, wait shutdownDelayMs, drain, flush logs and traces, exit 0.
obs.installShutdownHandler(server);
server.listen(Number(process.env['PORT'] ?? 3000), process.env['HOST'] ?? '127.0.0.1', () => {
  obs.logger.info('listening', { address: server.address() });
});
