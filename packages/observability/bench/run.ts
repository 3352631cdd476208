/**
 * Overhead benchmark: autocannon on loopback against a hello-world Express app,
 * variants alternating in rounds (each server in its own process), plus the
 * time to render /metrics with 10,000 series. Runs against the BUILT package.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { ObservabilityStack, type ObservabilityOptions } from '@gati-framework/observability';
import { formatSlice, median, medianInterval, seededUint32 } from './stats.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 15);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 2);
const WARMUP_SECONDS = 2;
/**
 * On a machine with 2+ CPUs and taskset, each server runs on the last CPU and this process
 * (autocannon and the sink) on the others: the load generator then measures the server
 * instead of competing with it for the same cores. BENCH_PIN=0 turns this off.
 */
const SERVER_CPU = String(cpus().length - 1);
const PIN = process.env['BENCH_PIN'] !== '0' && cpus().length >= 2 && pinThisProcess();

/** Moves this process (autocannon, sink) off the servers' CPU; false when taskset is missing. */
function pinThisProcess(): boolean {
  try {
    execFileSync('taskset', ['-p', '-c', `0-${cpus().length - 2}`, String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const CONNECTIONS = 32;

type Variant = 'bare' | 'metrics' | 'logs' | 'full' | 'peer';
const ALL_VARIANTS: Variant[] = ['bare', 'metrics', 'logs', 'full', 'peer'];
/**
 * BENCH_VARIANTS=bare,metrics runs only those (bare is always included: every ratio is to
 * it). Fewer servers sharing the CPU also means none of the exporting ones (logs, full, peer)
 * flushing batches into another variant's slice: a focused run of one ratio is quieter.
 */
function selectedVariants(): Variant[] {
  const raw = process.env['BENCH_VARIANTS'];
  if (raw === undefined || raw.trim() === '') return ALL_VARIANTS;
  const asked = raw.split(',').map((v) => v.trim());
  const unknown = asked.filter((v) => !(ALL_VARIANTS as string[]).includes(v));
  if (unknown.length > 0) throw new Error(`BENCH_VARIANTS: unknown variant(s) ${unknown.join(', ')}; choose from ${ALL_VARIANTS.join(', ')}`);
  return ALL_VARIANTS.filter((v) => v === 'bare' || asked.includes(v));
}
const VARIANTS = selectedVariants();

/** `items` in an order drawn from `seed` (Fisher–Yates): the same seed, the same order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const next = seededUint32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
const LABEL: Record<Variant, string> = {
  bare: 'bare Express',
  metrics: 'metrics only',
  logs: 'metrics + request logs to Loki',
  full: 'full stack (traces 100%)',
  peer: 'peer stack (express-prom-bundle + OTel auto-instrumentations + express-winston/winston-loki)',
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
  const [cmd, args] = PIN ? ['taskset', ['-c', SERVER_CPU, process.execPath, file]] : [process.execPath, [file]];
  const child = spawn(cmd, args, {
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
  // Every server runs for the whole benchmark; the variants then take turns in short slices,
  // so a slower or faster stretch of this shared machine hits all of them alike. Each round's
  // ratio is taken against bare Express of the same round; the table shows medians.
  const servers = new Map<Variant, { child: ChildProcess; url: string }>();
  const results = new Map<Variant, { rps: number[]; ratio: number[]; p99: number[]; cpu: number[]; cpuRatio: number[]; errors: number }>(
    VARIANTS.map((v) => [v, { rps: [], ratio: [], p99: [], cpu: [], cpuRatio: [], errors: 0 }]),
  );
  try {
    for (const variant of VARIANTS) {
      const s = await startServer(variant, sink.url);
      servers.set(variant, s);
      await load(s.child, s.url, WARMUP_SECONDS); // JIT, connections, first batches
    }
    for (let round = 1; round <= ROUNDS; round++) {
      const got = new Map<Variant, { rps: number; cpuUs: number }>();
      // A fresh (seeded) order every round. The servers share one CPU and the idle ones still
      // flush batches (the peer's span exporter up to 5 s after its slice), so whatever runs
      // next pays for them: with a merely rotated order every variant always followed the same
      // neighbour (bare always followed the peer) and the penalty was systematic, not noise.
      for (const variant of shuffled(VARIANTS, round)) {
        const { child, url } = servers.get(variant)!;
        const r = await load(child, url, SECONDS);
        const acc = results.get(variant)!;
        acc.rps.push(r.rps);
        acc.p99.push(r.p99);
        acc.cpu.push(r.cpuUs);
        acc.errors += r.errors;
        got.set(variant, r);
        // One line per slice; saved runs can be pooled with bench/pool.ts.
        process.stderr.write(`${formatSlice({ round, variant, rps: r.rps, p99: r.p99, cpuUs: r.cpuUs })}\n`);
      }
      const bareOfRound = got.get('bare')!;
      for (const v of VARIANTS) {
        results.get(v)!.ratio.push(got.get(v)!.rps / bareOfRound.rps);
        results.get(v)!.cpuRatio.push(bareOfRound.cpuUs / got.get(v)!.cpuUs);
      }
    }
  } finally {
    for (const s of servers.values()) await stop(s.child);
    sink.server.close();
  }
  const bare = median(results.get('bare')!.rps);
  const hasPeer = results.has('peer');
  const peer = hasPeer ? median(results.get('peer')!.rps) : NaN;
  const peerCpu = hasPeer ? median(results.get('peer')!.cpu) : NaN;
  const range = (xs: number[]): string => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
  const lines = [
    `Load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(', ')}.`,
    `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), autocannon ${CONNECTIONS} connections, ${ROUNDS} rounds × ${SECONDS} s per variant, variants taking turns${PIN ? `, servers pinned to CPU ${SERVER_CPU} and autocannon + sink to the others (taskset)` : ', not pinned'}.`,
    '',
    `| variant | median req/s | req/s ratio to bare (median of rounds) | 95 % interval of that median | rounds' range |${hasPeer ? ' req/s ratio to peer |' : ''} median p99 latency | server CPU per request | CPU ratio bare/variant (median of rounds) | errors |`,
    `| --- | ---: | ---: | ---: | ---: |${hasPeer ? ' ---: |' : ''} ---: | ---: | ---: | ---: |`,
    ...VARIANTS.map((v) => {
      const r = results.get(v)!;
      const rps = median(r.rps);
      const cpu = median(r.cpu);
      const toPeer = hasPeer ? ` ${(rps / peer).toFixed(2)} |` : '';
      const [lo, hi] = medianInterval(r.ratio);
      return `| ${LABEL[v]} | ${rps.toFixed(0)} | ${median(r.ratio).toFixed(3)} | ${lo.toFixed(3)}–${hi.toFixed(3)} | ${range(r.ratio)} |${toPeer} ${median(r.p99).toFixed(1)} ms | ${cpu.toFixed(0)} µs | ${median(r.cpuRatio).toFixed(3)} | ${r.errors} |`;
    }),
    '',
    results.has('full') && hasPeer
      ? `Full stack to peer: ${(median(results.get('full')!.rps) / peer).toFixed(2)}× req/s, ${(peerCpu / median(results.get('full')!.cpu)).toFixed(2)}× CPU (bare Express ${bare.toFixed(0)} req/s).`
      : `Bare Express ${bare.toFixed(0)} req/s.`,
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
