import { trace } from '@opentelemetry/api';
import { createLogger, format, transports, type Logform, type Logger as WinstonLogger } from 'winston';
import Transport from 'winston-transport';
import { LokiTransport } from './loki-transport.js';
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

let isoSecond = Number.NaN;
let isoPrefix = '';

/**
 * `new Date(ms).toISOString()` from a prefix cached per second: the same string for about
 * a twentieth of the cost (formatting a Date took about as long as the rest of the line).
 */
export function isoTimestamp(time: number): string {
  const ms = Math.trunc(time); // what Date does with a fractional time value
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    const iso = new Date(second * 1000).toISOString(); // ends in ".000Z"
    isoPrefix = iso.slice(0, -4);
    isoSecond = second;
  }
  const frac = ms - second * 1000;
  return `${isoPrefix}${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}Z`;
}

/**
 * Timestamp and JSON in one step. logform's json format rebuilds its serializer on
 * every line and sorts keys; plain JSON.stringify is several times cheaper, and the
 * redaction step has already replaced cycles and errors with plain values.
 */
const jsonLine = format((info) => {
  info['timestamp'] = isoTimestamp(Date.now());
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
  const stackFormat = format.combine(traceFormat(), redactFormat(options === false ? [] : options.redact), jsonLine());
  const logger = createLogger({
    level: options === false ? 'error' : options.level,
    silent: options === false,
    defaultMeta: { service: init.service, environment: init.environment, ...(init.version ? { version: init.version } : {}) },
    format: stackFormat,
    transports: out,
  });
  stackFormats.set(logger, stackFormat);
  return logger;
}

const LEVEL = Symbol.for('level');
/** The format each stack logger was created with: the direct path runs only while it is still the logger's. */
const stackFormats = new WeakMap<WinstonLogger, Logform.Format>();

interface StreamState {
  length: number;
  corked?: number;
  ended?: boolean;
  destroyed?: boolean;
}
type StreamInternals = { _readableState?: StreamState; _writableState?: StreamState };
type DirectTransport = Transport & { levels?: Record<string, number>; parent?: { level?: string } } & StreamInternals;

const idle = (state: StreamState | undefined): boolean => state !== undefined && state.length === 0 && !state.corked && !state.ended && !state.destroyed;
const noop = (): void => {};

/** Transports whose `log()` calls back synchronously: calling it directly is exactly what the stream would do. */
function isSyncTransport(t: Transport): boolean {
  return t instanceof LokiTransport || t instanceof NullTransport || t instanceof transports.Console;
}

/**
 * The request line, once per request. winston routes every line through a Transform
 * stream piped into one Writable per transport: a few ticks, events and buffers per
 * line, several times the cost of the line itself. When nothing is queued anywhere in
 * that pipeline, the logger still has our format and every transport is one of ours
 * (or the Console), this does what the streams would do, in the same order, directly:
 * format once, then each transport's level check and `log()`. Otherwise it is an
 * ordinary `logger.log()`.
 */
export function logRequestLine(logger: WinstonLogger, level: 'info' | 'error', fields: Record<string, unknown>): void {
  const stackFormat = stackFormats.get(logger);
  const internals = logger as unknown as StreamInternals;
  const targets = logger.transports as DirectTransport[];
  const levels = logger.levels;
  const direct =
    stackFormat !== undefined &&
    logger.format === stackFormat &&
    !logger.silent &&
    idle(internals._readableState) &&
    idle(internals._writableState) &&
    targets.every((t) => isSyncTransport(t) && idle(t._writableState) && t.format === undefined);
  if (!direct) {
    logger.log(level, 'request', fields);
    return;
  }
  if ((levels[level] ?? Infinity) > (levels[logger.level] ?? -Infinity)) return;
  // The info object winston's log(level, message, meta) builds: default meta, fields, level, message.
  const info: Record<string | symbol, unknown> = Object.assign({}, logger.defaultMeta as Record<string, unknown> | undefined, fields);
  info['level'] = level;
  info['message'] = 'request';
  info[LEVEL] = level;
  const line = stackFormat.transform(info as never, stackFormat.options) as Record<string | symbol, unknown> | false;
  if (!line) return;
  for (const t of targets) {
    if (t.silent) continue;
    const threshold = t.level ?? t.parent?.level ?? logger.level;
    if ((t.levels ?? levels)[threshold]! >= levels[level]!) t.log!(line, noop);
  }
}
