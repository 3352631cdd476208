import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { transports } from 'winston';
import { createStackLogger, logRequestLine, requestFields, writeRequestLine, type RequestLine } from './logger.js';

const MESSAGE = Symbol.for('message');

/** A Console transport (one the direct path accepts) writing into an array. */
function consoleInto(lines: string[]): InstanceType<typeof transports.Console> {
  const t = new transports.Console();
  t.log = (info: Record<string | symbol, unknown>, next: () => void): void => {
    lines.push(info[MESSAGE] as string);
    next();
  };
  return t;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const withoutTime = (line: string): Record<string, unknown> => {
  const { timestamp, ...rest } = JSON.parse(line) as Record<string, unknown>;
  expect(timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
  return rest;
};

describe('request lines', () => {
  const fields = { method: 'GET', route: '/orders/:id', status_code: 200, duration_ms: 1.5, password: 'hunter2' };

  it('written directly, they are the line winston itself would write', async () => {
    const lines: string[] = [];
    const logger = createStackLogger({ level: 'info', console: false, redact: [], requestLog: true } as never, {
      service: 'svc',
      environment: 'test',
      extraTransports: [consoleInto(lines)],
    });
    logRequestLine(logger, 'info', fields);
    expect(lines).toHaveLength(1); // synchronously: the direct path
    logger.log('info', 'request', fields);
    await tick();
    expect(lines).toHaveLength(2);
    expect(withoutTime(lines[0]!)).toEqual(withoutTime(lines[1]!));
    expect(Object.keys(JSON.parse(lines[0]!) as object)).toEqual(Object.keys(JSON.parse(lines[1]!) as object));
    expect(withoutTime(lines[0]!)).toMatchObject({ service: 'svc', environment: 'test', level: 'info', message: 'request', password: '[REDACTED]' });
  });

  it('keep their order behind lines still queued in winston', async () => {
    const lines: string[] = [];
    const logger = createStackLogger({ level: 'info', console: false, redact: [], requestLog: true } as never, {
      service: 'svc',
      environment: 'test',
      extraTransports: [consoleInto(lines)],
    });
    logger.info('handler line'); // queued in winston's stream until the next tick
    logRequestLine(logger, 'info', fields);
    await tick();
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['handler line', 'request']);
  });

  it('respect logger and transport levels, and reach transports of unknown kind (through the streams) once', async () => {
    const lines: string[] = [];
    const logger = createStackLogger({ level: 'warn', console: false, redact: [], requestLog: true } as never, {
      service: 'svc',
      environment: 'test',
      extraTransports: [consoleInto(lines)],
    });
    logRequestLine(logger, 'info', fields);
    logRequestLine(logger, 'error', { ...fields, status_code: 500 });
    expect(lines.map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['error']);

    const other: string[] = [];
    const stream = new Writable({
      objectMode: true,
      write(info: Record<symbol, string | undefined>, _enc, cb): void {
        other.push(info[MESSAGE] ?? '');
        cb();
      },
    });
    logger.add(new transports.Stream({ stream }));
    logRequestLine(logger, 'error', { ...fields, status_code: 503 });
    await tick();
    expect(other.map((l) => (JSON.parse(l) as { status_code: number }).status_code)).toEqual([503]);
    expect(lines).toHaveLength(2);
  });
});

describe('hand-built request lines', () => {
  const LOKI_LITERAL = Symbol.for('gati-framework.observability.loki-literal');
  let contextManager: AsyncLocalStorageContextManager;
  beforeAll(() => {
    contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
  });
  afterAll(() => {
    context.disable();
    vi.restoreAllMocks();
  });

  /** A small deterministic PRNG, so a failure names its seed. */
  const rng = (seed: number) => (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const PIECES = ['/orders/:id', '/', 'a', '"', '\\', '\n', '\u0001', 'é', '😀', '\ud800', '\u2028', '?token=abc123', 'Bearer abcdefghijkl', '&key=1', ' ', '{}', '__unmatched__'];

  it('are byte for byte the lines the stack format writes, and carry their Loki literal (2,000 random requests)', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(Date.UTC(2026, 10, 27, 21, 0, 0, 7));
    const captured: { line: string; literal: unknown }[] = [];
    const capture = new transports.Console();
    capture.log = (info: Record<string | symbol, unknown>, next: () => void): void => {
      captured.push({ line: info[MESSAGE] as string, literal: info[LOKI_LITERAL] });
      next();
    };
    let handBuilt = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const r = rng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
      const str = (): string => Array.from({ length: Math.floor(r() * 4) }, () => pick(PIECES)).join('');
      const redact = r() < 0.3 ? ['region'] : [];
      const logger = createStackLogger({ level: 'info', console: false, redact, requestLog: true } as never, {
        service: pick(['svc', 'my "svc"']),
        environment: 'test',
        ...(r() < 0.5 ? { version: str() } : {}),
        extraTransports: [capture],
      });
      const meta = logger.defaultMeta as Record<string, unknown>;
      const metaKind = pick(['plain', 'plain', 'region', 'secretKey', 'secretValue', 'number', 'clash', 'none']);
      if (metaKind === 'region') meta['region'] = str();
      if (metaKind === 'secretKey') meta['apiToken'] = 'abc';
      if (metaKind === 'secretValue') meta['note'] = 'Bearer abcdefghijkl';
      if (metaKind === 'number') meta['shard'] = 3;
      if (metaKind === 'clash') meta['route'] = 'x';
      if (metaKind === 'none') logger.defaultMeta = undefined;
      const withIds = pick(['none', 'hex', 'odd', 'traceOnly']);
      const line: RequestLine = {
        method: pick(['GET', 'POST', '_OTHER', str()]),
        route: str(),
        status: pick([200, 404, 499, 500, 503, Math.floor(r() * 500) + 100, 200.5]),
        durationMs: pick([0, -0, 1.5, r() * 1000, 1e-7, 1e21, Math.round(r() * 1e6) / 1e3, Number.NaN]),
        aborted: r() < 0.3,
        traceId: withIds === 'none' ? undefined : withIds === 'odd' ? str() : 'ab'.repeat(16),
        spanId: withIds === 'none' || withIds === 'traceOnly' ? undefined : withIds === 'odd' ? str() : 'cd'.repeat(8),
      };
      const active = withIds === 'none' && r() < 0.5;
      const span = trace.wrapSpanContext({ traceId: 'ef'.repeat(16), spanId: '01'.repeat(8), traceFlags: 1 });
      const run = (fn: () => void): void => (active ? context.with(trace.setSpan(context.active(), span), fn) : fn());

      captured.length = 0;
      run(() => writeRequestLine(logger, line));
      run(() => logger.log(line.status >= 500 ? 'error' : 'info', 'request', requestFields(line)));
      await tick();
      expect(captured, `seed ${seed}`).toHaveLength(2);
      const [mine, winstons] = captured as [{ line: string; literal: unknown }, { line: string; literal: unknown }];
      expect(mine.line, `seed ${seed}`).toBe(winstons.line);
      if (mine.literal !== undefined) {
        handBuilt++;
        expect(mine.literal, `seed ${seed}`).toBe(JSON.stringify(mine.line));
      }
      logger.close();
    }
    // Most requests took the hand-built path; the rest (odd meta, NaN, fractional status) the generic one.
    expect(handBuilt).toBeGreaterThan(700); // about 840 of the 2,000 are eligible
  });
});
