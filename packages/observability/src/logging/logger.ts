import { trace } from '@opentelemetry/api';
import { createLogger, format, transports, type Logger as WinstonLogger } from 'winston';
import Transport from 'winston-transport';
import type { ResolvedLoggingOptions } from '../config/options.js';
import { createRedactor, REDACTED, scrubString, secretKeyPredicate } from './redact.js';

export type { WinstonLogger };

const RESERVED = new Set(['level', 'message', 'timestamp', 'service', 'environment', 'version', 'trace_id', 'span_id']);

/** Adds `trace_id`/`span_id` of the active span to every line that has none. */
const traceFormat = format((info) => {
  if (info['trace_id'] === undefined) {
    const span = trace.getActiveSpan();
    if (span) {
      const ctx = span.spanContext();
      info['trace_id'] = ctx.traceId;
      info['span_id'] = ctx.spanId;
    }
  }
  return info;
});

function redactFormat(extra: readonly string[]): ReturnType<ReturnType<typeof format>> {
  const redact = createRedactor(extra);
  const isSecretKey = secretKeyPredicate(extra);
  return format((info) => {
    for (const key of Object.keys(info)) {
      if (RESERVED.has(key)) continue;
      const value = info[key];
      if (isSecretKey(key)) info[key] = REDACTED;
      else if (typeof value === 'string') info[key] = scrubString(value);
      else if (typeof value === 'object' && value !== null) info[key] = redact(value);
    }
    if (typeof info.message === 'string') info.message = scrubString(info.message);
    return info;
  })();
}

const MESSAGE = Symbol.for('message');
const bigintSafe = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);

/**
 * Timestamp and JSON in one step. logform's json format rebuilds its serializer on
 * every line and sorts keys; plain JSON.stringify is several times cheaper, and the
 * redaction step has already replaced cycles and errors with plain values.
 */
const jsonLine = format((info) => {
  info['timestamp'] = new Date().toISOString();
  let line: string;
  try {
    line = JSON.stringify(info);
  } catch {
    line = JSON.stringify(info, bigintSafe); // BigInt values (the only remaining way to throw)
  }
  (info as unknown as Record<symbol, string>)[MESSAGE] = line;
  return info;
});

/** A transport that discards everything, so a logger with no output costs little and never warns. */
class NullTransport extends Transport {
  override log(_info: unknown, callback: () => void): void {
    callback();
  }
}

export interface LoggerInit {
  service: string;
  environment: string;
  version?: string;
  extraTransports?: Transport[];
}

/** The stack's winston logger: JSON lines with service, environment and trace ids, secrets redacted. */
export function createStackLogger(options: ResolvedLoggingOptions | false, init: LoggerInit): WinstonLogger {
  const out: Transport[] = [...(init.extraTransports ?? [])];
  const consoleOn = options !== false && (options.console ?? init.environment !== 'production');
  if (consoleOn) out.push(new transports.Console());
  if (out.length === 0) out.push(new NullTransport());
  return createLogger({
    level: options === false ? 'error' : options.level,
    silent: options === false,
    defaultMeta: { service: init.service, environment: init.environment, ...(init.version ? { version: init.version } : {}) },
    format: format.combine(traceFormat(), redactFormat(options === false ? [] : options.redact), jsonLine()),
    transports: out,
  });
}
