/**
 * Overhead benchmark: autocannon on loopback against a hello-world Express app,
 * variants alternating in rounds (each server in its own process), plus the
 * time to render /metrics with 10,000 series. Runs against the BUILT package.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { ObservabilityStack, type ObservabilityOptions } from '@gati-framework/observability';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const CONNECTIONS = 32;

type Variant = 'bare' | 'metrics' | 'logs' | 'full' | 'peer';
const VARIANTS: Variant[] = ['bare', 'metrics', 'logs', 'full', 'peer'];
const LABEL: Record<Variant, string> = {
  bare: 'bare Express',
  metrics: 'metrics only',
  logs: 'metrics + request logs to Loki',
  full: 'full stack (traces 100%)',
  peer: 'peer stack (express-prom-bundle + OTel auto-instrumentations + express-winston/winston-loki)',
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Loki push and OTLP trace sink in this process: counts what arrives, answers like the real ones. */
async function startSink(): Promise<{ server: Server; url: string; received: { loki: number; otlp: number } }> {
  const received = { loki: 0, otlp: 0 };
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        received.otlp += bytes;
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      } else {
        received.loki += bytes;
        res.statusCode = 204;
        res.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

async function startServer(variant: Variant, sinkUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const file = fileURLToPath(new URL(variant === 'peer' ? './servers/peer.cjs' : './servers/ours.mjs', import.meta.url));
  const child = spawn(process.execPath, [file], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, BENCH_VARIANT: variant, SINK_URL: sinkUrl, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${variant} server exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}/hello/world` };
}

function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (u: { user: number; system: number }) => resolve(u.user + u.system));
    child.send('cpu');
  });
}

/** Load for `seconds`; also the server's CPU microseconds per request (less sensitive to a busy machine than req/s). */
async function load(child: ChildProcess, url: string, seconds: number): Promise<{ rps: number; p99: number; errors: number; cpuUs: number }> {
  const before = await cpuOf(child);
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  const after = await cpuOf(child);
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx, cpuUs: (after - before) / Math.max(1, r.requests.total) };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

async function renderBench(): Promise<number> {
  const obs = new ObservabilityStack({ serviceName: 'render', logging: false, tracing: false, metrics: { maxSeriesPerMetric: 20_000 } });
  const c = obs.metrics!.createCounter('bench_series_total', 'Series for the render benchmark.', ['route', 'status_code']);
  for (let i = 0; i < 1000; i++) for (let s = 0; s < 10; s++) c.inc({ route: `/r/${i}`, status_code: String(200 + s) });
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    await obs.metrics!.render();
    times.push(performance.now() - t);
  }
  await obs.shutdown();
  return median(times);
}

/**
 * The middleware's own CPU cost per request, without sockets or Express: real
 * IncomingMessage/ServerResponse objects through the middleware and a 'close'.
 * Unlike req/s this barely moves when other processes share the machine.
 */
async function middlewareCost(): Promise<{ name: string; us: number }[]> {
  const configs: { name: string; options: Partial<ObservabilityOptions> }[] = [
    { name: 'metrics', options: { logging: false, tracing: false } },
    { name: 'metrics + request log (winston, no transport I/O)', options: { logging: { console: false }, tracing: false } },
    { name: 'metrics + request log + server span (no export)', options: { logging: { console: false }, tracing: {} } },
  ];
  const out: { name: string; us: number }[] = [];
  const socket = new Socket();
  const make = (): { req: IncomingMessage; res: ServerResponse } => {
    const req = new IncomingMessage(socket);
    req.method = 'GET';
    req.url = '/hello/world';
    req.headers = {};
    Object.assign(req, { route: { path: '/hello/:name' }, baseUrl: '' });
    return { req, res: new ServerResponse(req) };
  };
  for (const c of configs) {
    const obs = new ObservabilityStack({ serviceName: 'mw', environment: 'production', ...c.options });
    const [mw] = obs.getMiddleware();
    const withMw = (): void => {
      const { req, res } = make();
      mw!(req, res, () => {});
      res.statusCode = 200;
      res.emit('close');
    };
    const without = (): void => {
      const { res } = make();
      res.emit('close');
    };
    for (let i = 0; i < 20_000; i++) {
      withMw();
      without();
    }
    const samples: number[] = [];
    for (let round = 0; round < 5; round++) {
      const n = 50_000;
      let t = process.cpuUsage();
      for (let i = 0; i < n; i++) without();
      const base = process.cpuUsage(t);
      t = process.cpuUsage();
      for (let i = 0; i < n; i++) withMw();
      const used = process.cpuUsage(t);
      samples.push((used.user + used.system - base.user - base.system) / n);
    }
    out.push({ name: c.name, us: median(samples) });
    await obs.shutdown();
  }
  return out;
}

async function main(): Promise<void> {
  const renderMs = await renderBench();
  const mwCost = await middlewareCost();
  const sink = await startSink();
  const results = new Map<Variant, { rps: number[]; p99: number[]; cpu: number[]; errors: number }>(
    VARIANTS.map((v) => [v, { rps: [], p99: [], cpu: [], errors: 0 }]),
  );
  for (let round = 0; round <= ROUNDS; round++) {
    for (const variant of VARIANTS) {
      const { child, url } = await startServer(variant, sink.url);
      try {
        await load(child, url, 1); // warm-up: JIT, connections, first batches
        if (round === 0) continue; // round 0 only warms the machine
        const r = await load(child, url, SECONDS);
        const acc = results.get(variant)!;
        acc.rps.push(r.rps);
        acc.p99.push(r.p99);
        acc.cpu.push(r.cpuUs);
        acc.errors += r.errors;
        process.stderr.write(`round ${round} ${variant.padEnd(8)} ${r.rps.toFixed(0)} req/s p99 ${r.p99} ms ${r.cpuUs.toFixed(0)} µs CPU/req\n`);
      } finally {
        await stop(child);
      }
    }
  }
  sink.server.close();
  const bare = median(results.get('bare')!.rps);
  const peer = median(results.get('peer')!.rps);
  const bareCpu = median(results.get('bare')!.cpu);
  const peerCpu = median(results.get('peer')!.cpu);
  const lines = [
    `Load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(', ')}.`,
    `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), autocannon ${CONNECTIONS} connections, ${ROUNDS} rounds × ${SECONDS} s per variant, alternating.`,
    '',
    '| variant | median req/s | req/s ratio to bare | req/s ratio to peer | median p99 latency | server CPU per request | CPU ratio bare/variant | CPU ratio peer/variant | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...VARIANTS.map((v) => {
      const r = results.get(v)!;
      const rps = median(r.rps);
      const cpu = median(r.cpu);
      return `| ${LABEL[v]} | ${rps.toFixed(0)} | ${(rps / bare).toFixed(2)} | ${(rps / peer).toFixed(2)} | ${median(r.p99).toFixed(1)} ms | ${cpu.toFixed(0)} µs | ${(bareCpu / cpu).toFixed(2)} | ${(peerCpu / cpu).toFixed(2)} | ${r.errors} |`;
    }),
    '',
    `Rendering /metrics with 10,000 series: median ${renderMs.toFixed(1)} ms (30 renders).`,
    '',
    '| middleware CPU per request (in-process, median of 5 × 50,000) | µs |',
    '| --- | ---: |',
    ...mwCost.map((m) => `| ${m.name} | ${m.us.toFixed(2)} |`),
    '',
    `Sink received ${(sink.received.loki / 1e6).toFixed(1)} MB of Loki pushes and ${(sink.received.otlp / 1e6).toFixed(1)} MB of OTLP traces.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
