import { createServer, type Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObservabilityStack } from '../src/index.js';
import { close, listen, LokiReceiver, parseExposition, sample } from './helpers/servers.js';

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function timedGets(url: string, n: number): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < n; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, n - i) }, async () => {
        const t = performance.now();
        const res = await fetch(url);
        await res.arrayBuffer();
        durations.push(performance.now() - t);
      }),
    );
  }
  return durations.sort((a, b) => a - b);
}

const p99 = (sorted: number[]): number => sorted[Math.floor(sorted.length * 0.99)] ?? Infinity;

describe('Loki shipping through a local push receiver', () => {
  const loki = new LokiReceiver();
  let obs: ObservabilityStack;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const lokiUrl = await loki.start();
    obs = new ObservabilityStack({
      serviceName: 'shipper',
      environment: 'test',
      tracing: {},
      logging: { console: false, loki: { host: lokiUrl, basicAuth: 'tenant:pa55', labels: { team: 'shop' }, batchIntervalMs: 50, maxBufferEntries: 200, maxBufferBytes: 64 * 1024, timeoutMs: 500 } },
    });
    const app = express();
    app.use(...obs.getMiddleware());
    app.get('/work/:n', (req, res) => {
      res.send(`done ${req.params.n}`);
    });
    app.get('/metrics', obs.metricsHandler());
    server = createServer(app);
    base = await listen(server);
  });
  afterAll(async () => {
    await close(server);
    await obs.shutdown();
    await loki.stop();
  });

  const requestLines = (): Record<string, unknown>[] => loki.lines().filter((l) => l['message'] === 'request' && l['route'] === '/work/:n');

  it('ships request lines in batches with low-cardinality labels; trace ids stay in the line', async () => {
    const res = await fetch(`${base}/work/1`);
    const traceId = res.headers.get('x-trace-id');
    for (let i = 2; i <= 20; i++) await fetch(`${base}/work/${i}`);
    await until(() => requestLines().length === 20, 5000, '20 request lines in Loki');
    expect(loki.pushes).toBeLessThan(20); // batched
    for (const s of loki.streams) expect(Object.keys(s.stream).sort()).toEqual(['environment', 'level', 'service', 'team']);
    expect(loki.streams[0]?.stream).toMatchObject({ service: 'shipper', environment: 'test', team: 'shop', level: 'info' });
    expect(requestLines()[0]).toMatchObject({ trace_id: traceId, method: 'GET', status_code: 200 });
    expect(loki.authorization).toBe(`Basic ${Buffer.from('tenant:pa55').toString('base64')}`);
  });

  it('while Loki is down: bounded buffer, counted drops, unaffected latency; shipping resumes after', async () => {
    const baseline = await timedGets(`${base}/work/base`, 200);
    // First a hung Loki (accepts, never answers), then no Loki at all.
    loki.hang = true;
    const hung = await timedGets(`${base}/work/down`, 700);
    await loki.stop();
    loki.hang = false;
    const during = [...hung, ...(await timedGets(`${base}/work/down`, 800))].sort((a, b) => a - b);
    const stats = obs.lokiStats()!;
    expect(stats.buffered).toBeLessThanOrEqual(200);
    expect(stats.bufferedBytes).toBeLessThanOrEqual(64 * 1024);
    expect(stats.dropped).toBeGreaterThanOrEqual(1500 - 200);
    expect(stats.failures).toBeGreaterThan(0);
    const m = parseExposition(await (await fetch(`${base}/metrics`)).text());
    // (the scrape's own request line is logged, and dropped, after the body was rendered)
    expect(sample(m, 'gati_log_dropped_total', 'reason="buffer_full"')).toBe(stats.dropped);
    // The app never waits on Loki: the tail latency with Loki down stays near the baseline.
    // (generous bound: this 2-core machine may be busy; a transport that waited would add 500 ms timeouts)
    expect(p99(during)).toBeLessThan(Math.max(250, p99(baseline) * 5));

    await loki.start(loki.port);
    const before = requestLines().length;
    for (let i = 0; i < 10; i++) await fetch(`${base}/work/back`);
    await until(() => requestLines().length >= before + 10, 40_000, 'lines after Loki came back');
    const shipped = requestLines().length - before;
    // Everything still buffered (at most 200) plus the 10 new lines arrive; nothing more.
    expect(shipped).toBeGreaterThanOrEqual(10);
    expect(shipped).toBeLessThanOrEqual(200 + 10);
  }, 60_000);

  it('counts non-2xx answers as failures: 5xx keeps lines for retry, 4xx drops them as rejected', async () => {
    await until(() => obs.lokiStats()!.buffered === 0, 40_000, 'buffer drained');
    const failuresBefore = obs.lokiStats()!.failures;
    loki.failWith = 503;
    await fetch(`${base}/work/retry`);
    await until(() => obs.lokiStats()!.failures > failuresBefore, 5000, 'a failed push');
    expect(obs.lokiStats()!.buffered).toBeGreaterThan(0);
    const droppedBefore = obs.lokiStats()!.dropped;
    loki.failWith = 400;
    // (buffered can be 0 while the retry is still in flight: wait for the drop itself)
    await until(() => obs.lokiStats()!.dropped > droppedBefore, 40_000, 'the rejected batch');
    const m = parseExposition(await (await fetch(`${base}/metrics`)).text());
    expect(sample(m, 'gati_log_dropped_total', 'reason="rejected"')).toBeGreaterThan(0);
    loki.failWith = undefined;
  }, 60_000);
});

describe('Loki outage and recovery (a local push receiver stopped and restarted)', () => {
  it('probes at most ~1.5 s apart while down and resumes shipping within 2 s of Loki coming back', async () => {
    const loki = new LokiReceiver();
    const lokiUrl = await loki.start();
    const obs = new ObservabilityStack({
      serviceName: 'recover',
      tracing: false,
      metrics: { defaultMetrics: false },
      logging: { console: false, loki: { host: lokiUrl, batchIntervalMs: 1000, maxBufferEntries: 300, timeoutMs: 1000 } },
    });
    // A steady 200 lines/s, as an app keeps logging through the outage.
    let n = 0;
    const writer = setInterval(() => {
      for (let i = 0; i < 10; i++) obs.logger.info('line', { n: n++ });
    }, 50);
    try {
      await until(() => loki.pushes > 0, 5000, 'a first push');
      await loki.stop();
      const downAt = Date.now();
      const failuresAtStop = obs.lokiStats()!.failures;
      // Long enough for an uncapped doubling backoff to pass 4 s (1, 2, 4, 8 s).
      await new Promise((r) => setTimeout(r, 8000));
      const failuresDown = obs.lokiStats()!.failures - failuresAtStop;
      expect(obs.lokiStats()!.dropped).toBeGreaterThan(0);
      // Probing, not hammering and not giving up: one attempt about every 1-1.5 s (an uncapped
      // doubling backoff makes 3 in 8 s; a busy machine may delay one of ours).
      expect(failuresDown).toBeGreaterThanOrEqual(4);
      expect(failuresDown).toBeLessThanOrEqual(12);
      const pushesBefore = loki.pushes;
      await loki.start(loki.port);
      const backAt = Date.now();
      await until(() => loki.pushes > pushesBefore, 5000, 'the first push after Loki came back');
      const resumeMs = loki.pushTimes[pushesBefore]! - backAt;
      expect(resumeMs).toBeLessThan(2000);
      // Once back, the backlog drains and nothing more is dropped while Loki is reachable.
      await new Promise((r) => setTimeout(r, 1500));
      const droppedAfterResume = obs.lokiStats()!.dropped;
      await new Promise((r) => setTimeout(r, 2000));
      expect(obs.lokiStats()!.dropped).toBe(droppedAfterResume);
      expect(downAt).toBeLessThan(backAt);
    } finally {
      clearInterval(writer);
      await obs.shutdown();
      await loki.stop();
    }
  }, 30_000);

  it('a Loki rejecting every push: one process warning for the cause, every rejection counted', async () => {
    const loki = new LokiReceiver();
    const lokiUrl = await loki.start();
    loki.failWith = 400;
    const obs = new ObservabilityStack({
      serviceName: 'rejected',
      tracing: false,
      metrics: { defaultMetrics: false },
      logging: { console: false, requestLog: false, loki: { host: lokiUrl, batchIntervalMs: 10 } },
    });
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => {
      if (w.name === 'GatiObservabilityWarning') warnings.push(w);
    };
    process.on('warning', onWarning);
    try {
      for (let i = 0; i < 6; i++) {
        const failures = obs.lokiStats()!.failures;
        obs.logger.info('refused line', { i });
        await until(() => obs.lokiStats()!.failures > failures, 5000, `rejected push ${i}`);
      }
      const m = parseExposition((await obs.metrics!.render()).body);
      expect(sample(m, 'gati_observability_errors_total', 'where="loki"')).toBe(obs.lokiStats()!.failures);
      expect(obs.lokiStats()!.failures).toBeGreaterThanOrEqual(6);
      expect(sample(m, 'gati_log_dropped_total', 'reason="rejected"')).toBeGreaterThanOrEqual(6);
      await new Promise((r) => setImmediate(r));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.message).toContain('Loki answered 400');
    } finally {
      process.off('warning', onWarning);
      await obs.shutdown();
      await loki.stop();
    }
  }, 30_000);
});
