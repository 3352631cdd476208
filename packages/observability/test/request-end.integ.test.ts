import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObservabilityStack } from '../src/index.js';
import { CaptureTransport, close, listen, parseExposition, sample } from './helpers/servers.js';

/**
 * The end of a request is taken from Node's HTTP server channels and one `close` listener
 * per connection (src/http/request-end.ts), or from a `close` listener on the response when
 * the middleware ran outside the server's 'request' event. These cases go through real
 * sockets: keep-alive, pipelining, aborts with several requests on one connection, an
 * asynchronous middleware in front, and two stacks on one app.
 */

function newStack(name: string, capture: CaptureTransport): ObservabilityStack {
  return new ObservabilityStack({ serviceName: name, environment: 'test', logging: { console: false }, tracing: false }, { logTransports: [capture] });
}

async function metricsOf(obs: ObservabilityStack): Promise<Map<string, number>> {
  return parseExposition((await obs.metrics!.render()).body);
}

/** Writes `raw` on one connection and resolves with everything read until the server has sent `responses` responses. */
function rawExchange(base: string, raw: string, responses: number): Promise<{ text: string; socket: Socket }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(raw));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if ((text.match(/HTTP\/1\.1 \d{3}/g) ?? []).length >= responses && /\r\n\r\n[^]*$/.test(text)) resolve({ text, socket });
    });
    socket.on('error', reject);
  });
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('request ends on real connections', () => {
  const capture = new CaptureTransport();
  const obs = newStack('ends', capture);
  let server: Server;
  let base: string;
  const perResponseCloseListeners: number[] = [];
  const perSocketCloseListeners: number[] = [];

  beforeAll(async () => {
    const app = express();
    app.use(...obs.getMiddleware());
    app.get('/fast/:n', (req, res) => {
      perResponseCloseListeners.push(res.listenerCount('close'));
      perSocketCloseListeners.push(req.socket.listenerCount('close'));
      res.send(`fast ${req.params.n}`);
    });
    app.get('/slow', (_req, res) => {
      setTimeout(() => res.status(202).send('late'), 150);
    });
    app.get('/hang', () => {
      // never answers: only the connection closing ends it
    });
    server = createServer(app);
    base = await listen(server);
  });
  afterAll(async () => {
    await close(server);
    await obs.shutdown();
  });

  it('counts every request of a keep-alive connection, adding no listener per request', async () => {
    const before = sample(await metricsOf(obs), 'gati_http_requests_total', 'route="/fast/:n"');
    const raw = Array.from({ length: 20 }, (_, i) => `GET /fast/${i} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const { socket } = await rawExchange(base, raw.join(''), 20);
    socket.destroy();
    await until(async () => sample(await metricsOf(obs), 'gati_http_requests_total', 'route="/fast/:n"') === before + 20, '20 requests counted');
    expect(sample(await metricsOf(obs), 'gati_active_connections')).toBe(0);
    // No listener on any response (neither Node nor Express add one), and as many on the
    // connection at the 20th request as at the first: nothing piles up per request.
    expect(perResponseCloseListeners.slice(-20)).toEqual(Array(20).fill(0));
    expect(new Set(perSocketCloseListeners.slice(-20)).size).toBe(1);
  });

  it('keeps hearing the server channels after a full garbage collection', async () => {
    // diagnostics_channel once held channels weakly; a collected channel would lose our subscription.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    const before = perResponseCloseListeners.length;
    const { socket } = await rawExchange(base, 'GET /fast/gc HTTP/1.1\r\nHost: x\r\n\r\n', 1);
    socket.destroy();
    expect(perResponseCloseListeners.slice(before)).toEqual([0]); // still the channel path, not the fallback
    await until(async () => sample(await metricsOf(obs), 'gati_active_connections') === 0, 'in-flight back to 0');
  });

  it('records pipelined requests in order with their own status and duration', async () => {
    // The fast one finishes first: the slow one behind it must not be taken as finished with it.
    const before = new Map([...(await metricsOf(obs))]);
    const { text, socket } = await rawExchange(base, 'GET /fast/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n', 3);
    socket.destroy();
    expect(text.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 202', 'HTTP/1.1 404']);
    const delta = async (...fragments: string[]): Promise<number> =>
      sample(await metricsOf(obs), 'gati_http_requests_total', ...fragments) - sample(before, 'gati_http_requests_total', ...fragments);
    await until(async () => (await delta()) === 3, 'three pipelined requests counted');
    expect(await delta('route="/slow"', 'status_code="202"')).toBe(1);
    expect(await delta('route="/fast/:n"', 'status_code="200"')).toBe(1);
    expect(await delta('route="__unmatched__"', 'status_code="404"')).toBe(1);
    const slow = capture.requests().filter((l) => l['route'] === '/slow').at(-1)!;
    expect(slow).toMatchObject({ status_code: 202 });
    expect(slow).not.toHaveProperty('aborted');
    expect(slow['duration_ms'] as number).toBeGreaterThanOrEqual(140);
    expect(sample(await metricsOf(obs), 'gati_active_connections')).toBe(0);
  });

  it('ends every pending request of a connection the client drops, as aborted (499)', async () => {
    const before = capture.requests().length;
    const { port } = new URL(base);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    // A finished request first, then two the server is still working on when the client goes away.
    socket.write('GET /fast/0 HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => socket.once('data', r));
    socket.write('GET /hang HTTP/1.1\r\nHost: x\r\n\r\nGET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(async () => sample(await metricsOf(obs), 'gati_active_connections') === 2, 'two requests in flight');
    socket.destroy();
    await until(async () => sample(await metricsOf(obs), 'gati_active_connections') === 0, 'in-flight back to 0');
    const lines = capture.requests().slice(before);
    expect(lines.map((l) => [l['route'], l['status_code'], l['aborted'] === true])).toEqual([
      ['/fast/:n', 200, false],
      ['/hang', 499, true],
      ['/slow', 499, true],
    ]);
    // The slow handler answering later (to a closed connection) does not count it twice.
    await new Promise((r) => setTimeout(r, 200));
    expect(capture.requests().slice(before)).toHaveLength(3);
  });
});

describe('request ends when the middleware runs outside the request event, and with two stacks', () => {
  const captureA = new CaptureTransport();
  const captureB = new CaptureTransport();
  const a = newStack('a', captureA);
  const b = newStack('b', captureB);
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    // An asynchronous middleware in front: ours runs in a later tick than the server's 'request' event.
    app.use((_req, _res, next) => setImmediate(next));
    app.use(...a.getMiddleware());
    app.use(...b.getMiddleware());
    app.get('/ok', (_req, res) => res.send('ok'));
    app.get('/hang', () => {});
    server = createServer(app);
    base = await listen(server);
  });
  afterAll(async () => {
    await close(server);
    await a.shutdown();
    await b.shutdown();
  });

  it('counts each request once per stack, and aborts too', async () => {
    const { socket } = await rawExchange(base, 'GET /ok HTTP/1.1\r\nHost: x\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\n\r\n', 2);
    socket.destroy();
    const hang = connect(Number(new URL(base).port), '127.0.0.1', () => hang.write('GET /hang HTTP/1.1\r\nHost: x\r\n\r\n'));
    await until(async () => sample(await metricsOf(a), 'gati_active_connections') === 1 && sample(await metricsOf(b), 'gati_active_connections') === 1, 'the hanging request in flight in both');
    hang.destroy();
    for (const [obs, capture] of [
      [a, captureA],
      [b, captureB],
    ] as const) {
      await until(async () => sample(await metricsOf(obs), 'gati_active_connections') === 0, 'in-flight back to 0');
      expect(sample(await metricsOf(obs), 'gati_http_requests_total', 'route="/ok"', 'status_code="200"')).toBe(2);
      expect(capture.requests().map((l) => [l['route'], l['status_code']])).toEqual([
        ['/ok', 200],
        ['/ok', 200],
        ['/hang', 499],
      ]);
    }
  });
});

describe('a failure while recording a request', () => {
  it('is counted and logged once (rate-limited), never thrown; the server keeps answering and nothing is left in flight', async () => {
    const capture = new CaptureTransport();
    const obs = newStack('faulty', capture);
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => {
      if (w.name === 'GatiObservabilityWarning') warnings.push(w);
    };
    process.on('warning', onWarning);
    // A route callback that throws: it runs when the request ends, inside Node's channel publish.
    const handler = obs.wrap(
      (_req, res) => {
        res.end('ok');
      },
      {
        route: () => {
          throw new Error('route callback broke');
        },
      },
    );
    const server = createServer(handler);
    const base = await listen(server);
    try {
      const { text, socket } = await rawExchange(base, 'GET /a HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(3), 3);
      socket.destroy();
      expect(text.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 200']);
      await until(async () => sample(await metricsOf(obs), 'gati_observability_errors_total', 'where="request"') === 3, 'three counted failures');
      const logged = capture.lines.filter((l) => l['level'] === 'warn');
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ message: 'observability: recording a request failed', where: 'request', cause: 'Error', error: 'route callback broke' });
      expect(warnings).toEqual([]); // no process warning: the stack's own logger
      expect(sample(await metricsOf(obs), 'gati_active_connections')).toBe(0);
    } finally {
      process.off('warning', onWarning);
      await close(server);
      await obs.shutdown();
    }
  });
});
