import { connect, createServer, type Server, type Socket } from 'node:net';
import { startKubernetesEmulator, type KubernetesEmulator } from '@gati-framework/cloud-emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClient, type KubeObject } from '../index.js';

/** A TCP relay in front of the API server: lets a test cut live connections or refuse new ones. */
class TcpRelay {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  port = 0;

  constructor(private readonly targetPort: number) {}

  async listen(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => this.sockets.delete(s));
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as { port: number }).port;
  }

  /** Cuts every open connection (watches included) mid-stream. */
  drop(): void {
    for (const s of this.sockets) s.destroy();
  }

  /** Cuts connections and stops listening: new connections are refused until `listen()`. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.drop();
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

let e: KubernetesEmulator;
let relay: TcpRelay;
/** Through the relay (the client under test). */
let kube: KubeClient;
/** Straight to the API server, to change objects while the relay is down. */
let direct: KubeClient;

beforeEach(async () => {
  e = await startKubernetesEmulator();
  relay = new TcpRelay(Number(new URL(e.url).port));
  await relay.listen();
  kube = KubeClient.fromKubeconfig(e.kubeconfig().replace(e.url, `https://127.0.0.1:${relay.port}`));
  direct = KubeClient.fromKubeconfig(e.kubeconfig());
});
afterEach(async () => {
  kube.close();
  direct.close();
  await relay.close();
  await e.close();
});

const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'c' };
const configMap = (n: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { n } });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts a wait for `data.n === '2'`; `seen` collects every value the predicate was shown. */
function waitForTwo(options: { timeoutMs?: number; watchTimeoutSeconds?: number } = {}): { waiting: Promise<KubeObject | undefined>; seen: string[] } {
  const seen: string[] = [];
  const waiting = kube.waitFor(
    ref,
    (o) => {
      const n = (o?.['data'] as { n?: string } | undefined)?.n ?? 'absent';
      seen.push(n);
      return n === '2';
    },
    { timeoutMs: 8000, resyncMs: 60_000, ...options },
  );
  return { waiting, seen };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await sleep(10);
  if (!check()) throw new Error(`gave up waiting for ${what}`);
}

/** The list and watch requests the wait made for the ConfigMap (the request log records a request when it ends). */
function requests(): { lists: string[]; watches: string[] } {
  const all = e.requestLog.entries({ method: 'GET', pathIncludes: '/configmaps' }).filter((x) => x.query.includes('fieldSelector'));
  return { lists: all.filter((x) => !x.query.includes('watch=true')).map((x) => x.query), watches: all.filter((x) => x.query.includes('watch=true')).map((x) => x.query) };
}

describe('waitFor across broken watches', () => {
  it('resumes from the last resourceVersion after the watch connection drops, without listing again', async () => {
    await direct.apply([configMap('0')]);
    const { waiting, seen } = waitForTwo();
    await until(() => seen.includes('0'), 'the first list');
    await sleep(100); // the watch is open
    const [one] = await direct.apply([configMap('1')]);
    await until(() => seen.includes('1'), 'the change through the watch');
    relay.drop();
    await direct.apply([configMap('2')]); // while the client is disconnected
    const done = await waiting;
    expect((done?.['data'] as { n: string }).n).toBe('2');
    await until(() => requests().watches.length >= 2, 'the resumed watch to end');
    const { lists, watches } = requests();
    expect(lists).toHaveLength(1);
    expect(watches[1]).toContain(`resourceVersion=${one?.object.metadata.resourceVersion ?? 'missing'}`);
  });

  it('resumes when the server ends each watch (timeoutSeconds), without listing again', async () => {
    await direct.apply([configMap('0')]);
    const { waiting, seen } = waitForTwo({ watchTimeoutSeconds: 1 });
    await until(() => seen.includes('0'), 'the first list');
    await sleep(1300);
    await direct.apply([configMap('2')]);
    await waiting;
    await until(() => requests().watches.length >= 2, 'the resumed watch to end');
    expect(requests().lists).toHaveLength(1);
  });

  it('keeps retrying while connections are refused, then lists again when its resourceVersion was compacted (410 Gone)', async () => {
    await direct.apply([configMap('0')]);
    const { waiting, seen } = waitForTwo();
    await until(() => seen.includes('0'), 'the first list');
    await sleep(100);
    await relay.close(); // refused from now on
    await direct.apply([configMap('1')]);
    await direct.apply([configMap('2')]);
    e.store.compact(); // the version the client would resume from is gone
    await sleep(700); // several refused attempts
    expect(seen).toEqual(['0']);
    await relay.listen(); // same port
    const done = await waiting;
    expect((done?.['data'] as { n: string }).n).toBe('2');
    await sleep(100);
    expect(requests().lists).toHaveLength(2);
  });

  it('times out while the API server stays unreachable, saying why', async () => {
    await direct.apply([configMap('0')]);
    const { waiting, seen } = waitForTwo({ timeoutMs: 1200 });
    await until(() => seen.includes('0'), 'the first list');
    await relay.close();
    const error = await waiting.catch((x: unknown) => x);
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect((error as Error).message).toMatch(/retrying after UNAVAILABLE/);
  });
});
