import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { createRequire } from 'node:module';
import { GatiError } from '@gati-framework/core';
import type { NodeSDK, NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface NodeSdkOptions {
  /** Default `OTEL_SERVICE_NAME`. */
  serviceName?: string;
  serviceVersion?: string;
  /** OTLP/HTTP traces URL; default `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. */
  exporterUrl?: string;
  /** Fraction of new traces recorded; default `OTEL_TRACES_SAMPLER_ARG`, else 1. */
  sampleRatio?: number;
  /** Extra span processors (tests). */
  spanProcessors?: SpanProcessor[];
}

/** The NodeSDK methods a caller may use, typed here so our published types do not need the optional '@opentelemetry/sdk-node'. */
export interface NodeSdkHandle {
  start(): void;
  shutdown(): Promise<void>;
}

/** A started NodeSDK; `shutdown()` flushes and stops it. */
export interface StartedSdk {
  sdk: NodeSdkHandle;
  shutdown(): Promise<void>;
}

const SDK_PACKAGE = '@opentelemetry/sdk-node';

/**
 * '@opentelemetry/sdk-node' is an optional peer dependency (it brings gRPC and a postinstall
 * script; only this entry needs it), so it is loaded here rather than imported at the top,
 * to fail with a message that names it. It is a CommonJS package either way, and require()
 * keeps startNodeSdk() synchronous for CommonJS apps.
 */
function loadNodeSdk(): new (config: Partial<NodeSDKConfiguration>) => NodeSDK {
  try {
    return (createRequire(import.meta.url)(SDK_PACKAGE) as { NodeSDK: new (config: Partial<NodeSDKConfiguration>) => NodeSDK }).NodeSDK;
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code === 'MODULE_NOT_FOUND' && (e.message ?? '').includes(`'${SDK_PACKAGE}'`)) {
      throw new GatiError(
        'INVALID_CONFIG',
        `@gati-framework/observability/sdk and /register need the optional package ${SDK_PACKAGE}: install it with \`npm install ${SDK_PACKAGE}\` (or pnpm add ${SDK_PACKAGE}).`,
        { cause: error },
      );
    }
    throw error;
  }
}

function envUrl(): string | undefined {
  const traces = process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
  if (traces) return traces;
  const base = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

/**
 * Starts the OpenTelemetry NodeSDK with outgoing-HTTP and Express instrumentation.
 * Incoming requests are left to the Gati middleware, which starts the server span
 * itself, so server spans are never doubled. Call before loading express/http clients.
 */
export function startNodeSdk(options: NodeSdkOptions = {}): StartedSdk {
  // Our metrics are prom-client and our logs winston: keep the SDK from exporting either.
  process.env['OTEL_METRICS_EXPORTER'] ??= 'none';
  process.env['OTEL_LOGS_EXPORTER'] ??= 'none';
  const NodeSdk = loadNodeSdk();
  const url = options.exporterUrl ?? envUrl();
  const ratio = options.sampleRatio ?? Number(process.env['OTEL_TRACES_SAMPLER_ARG'] ?? 1);
  const processors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (url) processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  const serviceName = options.serviceName ?? process.env['OTEL_SERVICE_NAME'];
  const sdk = new NodeSdk({
    ...(serviceName ? { serviceName } : {}),
    spanProcessors: processors,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 1) }),
    instrumentations: [new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }), new ExpressInstrumentation()],
  });
  sdk.start();
  return { sdk, shutdown: () => sdk.shutdown() };
}
