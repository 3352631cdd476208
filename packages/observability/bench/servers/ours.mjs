// Hello-world Express under one of our variants; run by bench/run.ts against the BUILT package.
import { createServer } from 'node:http';
import express from 'express';
import { ObservabilityStack } from '@gati-framework/observability';

const variant = process.env.BENCH_VARIANT ?? 'bare';
const sink = process.env.SINK_URL;
const app = express();
if (variant !== 'bare') {
  const obs = new ObservabilityStack({
    serviceName: 'bench',
    environment: 'production',
    metrics: {},
    logging: variant === 'metrics' ? false : { console: false, loki: { host: sink } },
    tracing: variant === 'full' ? { sampleRatio: 1, exporter: { url: `${sink}/v1/traces` } } : false,
  });
  app.use(...obs.getMiddleware());
  app.get('/metrics', obs.metricsHandler());
}
app.get('/hello/:name', (req, res) => {
  res.json({ hello: req.params.name });
});
const server = createServer(app);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));

// The benchmark asks for CPU time over IPC (robust against a busy machine, unlike req/s).
process.on('message', () => process.send(process.cpuUsage()));

// bench/instructions.sh stops the server with SIGTERM and needs a normal exit for callgrind's totals.
if (process.env.BENCH_EXIT_ON_SIGTERM) process.on('SIGTERM', () => process.exit(0));
