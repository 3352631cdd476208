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
  const extra = options === false ? [] : options.redact;
  const stackFormat = format.combine(traceFormat(), redactFormat(extra), jsonLine());
  const logger = createLogger({
    level: options === false ? 'error' : options.level,
    silent: options === false,
    defaultMeta: { service: init.service, environment: init.environment, ...(init.version ? { version: init.version } : {}) },
    format: stackFormat,
    transports: out,
  });
  stackFormats.set(logger, { format: stackFormat, isSecretKey: secretKeyPredicate(extra), head: undefined });
  return logger;
}

const LEVEL = Symbol.for('level');
/** The default meta a request line's head was built from, entry by entry. */
interface LineHead {
  meta: Record<string, unknown> | undefined;
  keys: string[];
  values: unknown[];
  /** `{"service":"svc",...` as JSON, and the same inside a JSON string literal; undefined: no hand-built line. */
  json: string | undefined;
  literal: string | undefined;
}
interface StackLoggerState {
  /** The format the logger was created with: the direct path runs only while it is still the logger's. */
  format: Logform.Format;
  isSecretKey: (key: string) => boolean;
  head: LineHead | undefined;
}
const stackFormats = new WeakMap<WinstonLogger, StackLoggerState>();

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
  const state = directState(logger);
  if (state === undefined) {
    logger.log(level, 'request', fields);
    return;
  }
  if (!enabled(logger, level)) return;
  // The info object winston's log(level, message, meta) builds: default meta, fields, level, message.
  const info: Record<string | symbol, unknown> = Object.assign({}, logger.defaultMeta as Record<string, unknown> | undefined, fields);
  info['level'] = level;
  info['message'] = 'request';
  info[LEVEL] = level;
  const line = state.format.transform(info as never, state.format.options) as Record<string | symbol, unknown> | false;
  if (line) deliver(logger, level, line);
}

/** The logger's state when the direct path may run (see `logRequestLine`), else undefined. */
function directState(logger: WinstonLogger): StackLoggerState | undefined {
  const state = stackFormats.get(logger);
  const internals = logger as unknown as StreamInternals;
  const direct =
    state !== undefined &&
    logger.format === state.format &&
    !logger.silent &&
    idle(internals._readableState) &&
    idle(internals._writableState) &&
    (logger.transports as DirectTransport[]).every((t) => isSyncTransport(t) && idle(t._writableState) && t.format === undefined);
  return direct ? state : undefined;
}

function enabled(logger: WinstonLogger, level: string): boolean {
  const levels = logger.levels;
  return (levels[level] ?? Infinity) <= (levels[logger.level] ?? -Infinity);
}

/** Each transport's level check and `log()`, as winston's pipes would do them. */
function deliver(logger: WinstonLogger, level: string, info: Record<string | symbol, unknown>): void {
  const levels = logger.levels;
  for (const t of logger.transports as DirectTransport[]) {
    if (t.silent) continue;
    const threshold = t.level ?? t.parent?.level ?? logger.level;
    if ((t.levels ?? levels)[threshold]! >= levels[level]!) t.log!(info, noop);
  }
}

/** What a request line says. */
export interface RequestLine {
  method: string;
  route: string;
  status: number;
  durationMs: number;
  aborted: boolean;
  traceId: string | undefined;
  spanId: string | undefined;
}

/**
 * The line as a JSON string literal (what a Loki push embeds), next to the line it was
 * made from: LokiTransport uses it only while `info[MESSAGE]` is still that line.
 */
export const LOKI_LITERAL = Symbol.for('gati-framework.observability.loki-literal');
export const LOKI_LITERAL_OF = Symbol.for('gati-framework.observability.loki-literal-of');

/** Our own field names: default meta using one of them takes the generic path. */
const LINE_KEYS = new Set(['method', 'route', 'status_code', 'duration_ms', 'aborted', 'trace_id', 'span_id', 'level', 'message', 'timestamp']);

/** `s` inside a JSON string literal, without the quotes. */
const inLiteral = (s: string): string => JSON.stringify(s).slice(1, -1);

/** JSON of a (scrubbed) string value and the same inside a literal, cached for the few distinct methods and routes. */
const valueCache = new Map<string, [json: string, literal: string]>();
function encodedValue(s: string): [json: string, literal: string] {
  let hit = valueCache.get(s);
  if (hit === undefined) {
    const json = JSON.stringify(scrubString(s));
    hit = [json, inLiteral(json)];
    if (valueCache.size < 1000) valueCache.set(s, hit);
  }
  return hit;
}

const HEX = /^[0-9a-f]*$/;
function encodedId(s: string): [json: string, literal: string] {
  if (HEX.test(s)) return [`"${s}"`, `\\"${s}\\"`];
  const json = JSON.stringify(s);
  return [json, inLiteral(json)];
}

/** The head for the logger's current default meta; undefined when that meta needs the generic path. */
function lineHead(logger: WinstonLogger, state: StackLoggerState): LineHead {
  const meta = logger.defaultMeta as Record<string, unknown> | undefined;
  const cached = state.head;
  if (cached !== undefined && cached.meta === meta) {
    let i = 0;
    let same = true;
    for (const k in meta) {
      if (cached.keys[i] !== k || cached.values[i] !== meta[k]) {
        same = false;
        break;
      }
      i++;
    }
    if (same && i === cached.keys.length) return cached;
  }
  const keys: string[] = [];
  const values: unknown[] = [];
  let json: string | undefined = '{';
  for (const k in meta) {
    const v = meta[k];
    keys.push(k);
    values.push(v);
    // Non-string meta (objects to redact, numbers, dates) and clashing names: the generic path.
    if (typeof v !== 'string' || LINE_KEYS.has(k) || !Object.prototype.hasOwnProperty.call(meta, k)) json = undefined;
    if (json === undefined || typeof v !== 'string') continue;
    const value = RESERVED.has(k) ? v : state.isSecretKey(k) ? REDACTED : scrubString(v);
    json += `${json === '{' ? '' : ','}${JSON.stringify(k)}:${JSON.stringify(value)}`;
  }
  const head: LineHead = { meta, keys, values, json, literal: json === undefined ? undefined : inLiteral(json) };
  state.head = head;
  return head;
}

/**
 * The request line of one request, the same bytes the stack's format would produce
 * (tests compare them). On the direct path the JSON is put together from pieces
 * (default meta encoded once, method and route strings cached) rather than built as an
 * object, redacted key by key and stringified, and its JSON string literal for Loki is
 * put together alongside, so the line is never escaped a second time: together about a
 * quarter of a request's logging cost.
 */
export function writeRequestLine(logger: WinstonLogger, r: RequestLine): void {
  const level = r.status >= 500 ? 'error' : 'info';
  const state = directState(logger);
  const head = state === undefined ? undefined : lineHead(logger, state);
  const generic =
    state === undefined || head?.json === undefined || !Number.isInteger(r.status) || !Number.isFinite(r.durationMs) || (r.traceId !== undefined && r.spanId === undefined);
  if (generic) {
    logRequestLine(logger, level, requestFields(r));
    return;
  }
  if (!enabled(logger, level)) return;
  const method = encodedValue(r.method);
  const route = encodedValue(r.route);
  let json = `${head.json}${head.json === '{' ? '' : ','}"method":${method[0]},"route":${route[0]},"status_code":${r.status},"duration_ms":${r.durationMs}`;
  let literal = `${head.literal}${head.json === '{' ? '' : ','}\\"method\\":${method[1]},\\"route\\":${route[1]},\\"status_code\\":${r.status},\\"duration_ms\\":${r.durationMs}`;
  if (r.aborted) {
    json += ',"aborted":true';
    literal += ',\\"aborted\\":true';
  }
  let traceId = r.traceId;
  let spanId = r.spanId;
  const given = traceId !== undefined;
  if (!given) {
    // What the trace format adds to a line without ids: the active span's, after the message.
    const span = trace.getActiveSpan();
    if (span) ({ traceId, spanId } = span.spanContext());
  }
  let ids = '';
  let idsLiteral = '';
  if (traceId !== undefined) {
    const t = encodedId(traceId);
    const s = encodedId(spanId!);
    ids = `,"trace_id":${t[0]},"span_id":${s[0]}`;
    idsLiteral = `,\\"trace_id\\":${t[1]},\\"span_id\\":${s[1]}`;
  }
  const ts = isoTimestamp(Date.now());
  if (given) {
    json += `${ids},"level":"${level}","message":"request","timestamp":"${ts}"}`;
    literal += `${idsLiteral},\\"level\\":\\"${level}\\",\\"message\\":\\"request\\",\\"timestamp\\":\\"${ts}\\"}`;
  } else {
    json += `,"level":"${level}","message":"request"${ids},"timestamp":"${ts}"}`;
    literal += `,\\"level\\":\\"${level}\\",\\"message\\":\\"request\\"${idsLiteral},\\"timestamp\\":\\"${ts}\\"}`;
  }
  const info: Record<string | symbol, unknown> = { level, message: 'request' };
  info[LEVEL] = level;
  info[MESSAGE] = json;
  info[LOKI_LITERAL] = `"${literal}"`;
  info[LOKI_LITERAL_OF] = json;
  deliver(logger, level, info);
}

/** The request line as winston fields (the generic path). */
export function requestFields(r: RequestLine): Record<string, unknown> {
  const fields: Record<string, unknown> = { method: r.method, route: r.route, status_code: r.status, duration_ms: r.durationMs };
  if (r.aborted) fields['aborted'] = true;
  if (r.traceId !== undefined) {
    fields['trace_id'] = r.traceId;
    fields['span_id'] = r.spanId;
  }
  return fields;
}
