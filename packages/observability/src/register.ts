/**
 * `node --import @gati-framework/observability/register app.js`: loads the ESM
 * instrumentation hook, then starts the NodeSDK from the standard OTEL_* variables
 * (OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT,
 * OTEL_TRACES_SAMPLER_ARG). The SDK's shutdown is left to the stack's `shutdown()`.
 */
import { register } from 'node:module';
import { startNodeSdk } from './tracing/node-sdk.js';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
startNodeSdk();
