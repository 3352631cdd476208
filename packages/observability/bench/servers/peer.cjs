// The peer stack at equal features: express-prom-bundle (metrics), OpenTelemetry NodeSDK with
// auto-instrumentations (HTTP + Express spans, OTLP/HTTP export), express-winston request logs
// shipped by winston-loki (JSON mode). CommonJS so the instrumentations patch express on require.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { getNodeAutoInstrumentations } = require('@opentelemetry/auto-instrumentations-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const sink = process.env.SINK_URL;
const sdk = new NodeSDK({
  serviceName: 'bench-peer',
  traceExporter: new OTLPTraceExporter({ url: `${sink}/v1/traces` }),
  instrumentations: [getNodeAutoInstrumentations({ '@opentelemetry/instrumentation-fs': { enabled: false } })],
});
sdk.start();

const { createServer } = require('node:http');
const express = require('express');
const promBundle = require('express-prom-bundle');
const winston = require('winston');
const expressWinston = require('express-winston');
const LokiTransport = require('winston-loki');

const app = express();
app.use(promBundle({ includeMethod: true, includePath: true, includeStatusCode: true, normalizePath: [], promClient: { collectDefaultMetrics: {} } }));
app.use(
  expressWinston.logger({
    transports: [new LokiTransport({ host: sink, json: true, labels: { service: 'bench-peer' }, batching: true, interval: 1, gracefulShutdown: false })],
    format: winston.format.json(),
    meta: true,
    msg: 'request',
    requestWhitelist: ['method', 'url'],
    responseWhitelist: ['statusCode'],
  }),
);
app.get('/hello/:name', (req, res) => {
  res.json({ hello: req.params.name });
});
const server = createServer(app);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));

// The benchmark asks for CPU time over IPC (robust against a busy machine, unlike req/s).
process.on('message', () => process.send(process.cpuUsage()));
