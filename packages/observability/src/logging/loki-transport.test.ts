import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LokiTransport } from './loki-transport.js';

const MESSAGE = Symbol.for('message');

/**
 * A raw TCP Loki stand-in: answers pushes with 204 and keep-alive, but cuts the connection
 * when a push arrives on a connection that already carried `answerPerConnection` pushes,
 * the way a server (or proxy) that closed an idle kept-alive connection looks to a client.
 */
function cuttingReceiver(answerPerConnection: number): { start(): Promise<string>; stop(): Promise<void>; bodies: string[]; connections: number; cut: number } {
  const state = { bodies: [] as string[], connections: 0, cut: 0 };
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const onConnection = (socket: Socket): void => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let answered = 0;
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      if (answered >= answerPerConnection) {
        state.cut++;
        socket.destroy();
        return;
      }
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = pending.subarray(0, end).toString('latin1');
        const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        state.bodies.push(pending.subarray(end + 4, end + 4 + length).toString('utf8'));
        pending = pending.subarray(end + 4 + length);
        answered++;
        socket.write('HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n');
      }
    });
  };
  return Object.assign(state, {
    start: () =>
      new Promise<string>((resolve) => {
        server = createServer(onConnection);
        server.listen(0, '127.0.0.1', () => {
          const address = server!.address() as { port: number };
          resolve(`http://127.0.0.1:${address.port}`);
        });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (server) server.close(() => resolve());
        else resolve();
      }),
  });
}

const options = (host: string) => ({ host, batchIntervalMs: 60_000, maxBatchEntries: 1000, maxBufferEntries: 100, maxBufferBytes: 64 * 1024, timeoutMs: 2000 });
const line = (n: number) => ({ level: 'info', [MESSAGE]: JSON.stringify({ level: 'info', message: `line ${n}` }) });

describe('LokiTransport on kept-alive connections', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('sends again on a fresh connection when a reused one was closed while idle: nothing lost, no failure reported', async () => {
    const receiver = cuttingReceiver(1);
    stop = receiver.stop;
    const errors: Error[] = [];
    const transport = new LokiTransport(options(await receiver.start()), { labels: { service: 'svc' }, onError: (e) => errors.push(e) });
    try {
      transport.log(line(1), () => {});
      await transport.flush();
      transport.log(line(2), () => {});
      await transport.flush();
      expect(receiver.cut).toBe(1); // the second push really hit a dead connection first
      expect(receiver.connections).toBe(2);
      expect(receiver.bodies.map((b) => (JSON.parse(b) as { streams: { values: string[][] }[] }).streams[0]!.values[0]![1])).toEqual([
        JSON.stringify({ level: 'info', message: 'line 1' }),
        JSON.stringify({ level: 'info', message: 'line 2' }),
      ]);
      expect(transport.stats()).toMatchObject({ sent: 2, failures: 0, buffered: 0, dropped: 0 });
      expect(errors).toEqual([]);
    } finally {
      transport.close();
    }
  });

  it('a push cut on a fresh connection is a real failure: counted once, lines kept for the next attempt', async () => {
    const receiver = cuttingReceiver(0); // every push is cut
    stop = receiver.stop;
    const errors: Error[] = [];
    const transport = new LokiTransport(options(await receiver.start()), { labels: { service: 'svc' }, onError: (e) => errors.push(e) });
    try {
      transport.log(line(1), () => {});
      await transport.flush();
      expect(transport.stats()).toMatchObject({ sent: 0, failures: 1, buffered: 1 });
      expect(errors).toHaveLength(1);
      expect(receiver.cut).toBe(1); // a fresh connection failing is not retried at once
    } finally {
      transport.close();
    }
  });
});
