import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { transports } from 'winston';
import { createStackLogger, logRequestLine } from './logger.js';

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
