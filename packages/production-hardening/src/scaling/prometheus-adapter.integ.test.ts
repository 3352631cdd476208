import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoScalingOptimizer, renderAdapterQuery } from './index.js';

// Real Prometheus (Debian package, listed in .ci/apt-packages) scraping a loopback exporter.
const hasPrometheus = spawnSync('prometheus', ['--version']).status === 0;
if (!hasPrometheus) console.warn('SKIP prometheus-adapter rule test: the `prometheus` binary is not installed (apt-get install prometheus).');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe.skipIf(!hasPrometheus)('prometheus-adapter rule against a real Prometheus', () => {
  let exporter: Server;
  let prometheus: ChildProcess;
  let dir: string;
  let promUrl: string;
  const started = Date.now();
  // Two pods of shop-api serving 40 and 10 requests per second.
  const rates: Record<string, number> = { 'shop-api-7c9d-a': 40, 'shop-api-7c9d-b': 10 };

  beforeAll(async () => {
    exporter = createServer((req, res) => {
      const t = (Date.now() - started) / 1000;
      const lines = ['# HELP gati_http_requests_total Requests served.', '# TYPE gati_http_requests_total counter'];
      for (const [pod, rate] of Object.entries(rates)) lines.push(`gati_http_requests_total{namespace="shop",pod="${pod}",route="/orders"} ${Math.floor(rate * t)}`);
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
    });
    await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', r));
    const exporterPort = (exporter.address() as AddressInfo).port;
    dir = await mkdtemp(join(tmpdir(), 'gati-prom-'));
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    await writeFile(
      join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: shop-api\n    honor_labels: true\n    static_configs: [{ targets: ['127.0.0.1:${exporterPort}'] }]\n`,
    );
    prometheus = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  }, 30_000);

  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    if (prometheus && prometheus.exitCode === null) await new Promise((r) => prometheus.once('exit', r));
    await new Promise((r) => exporter?.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('turns gati_http_requests_total into the per-pod request rate the api HPA reads', async () => {
    // rate() divides by the window, so the test uses a 10 s window (the default is 2m) to be right after ~10 s.
    const rule = new AutoScalingOptimizer().prometheusAdapterRule({ window: '10s' });
    expect(rule.metricsQuery).toBe('sum(rate(<<.Series>>{<<.LabelMatchers>>}[10s])) by (<<.GroupBy>>)');
    const query = renderAdapterQuery(rule, { namespace: 'shop', pods: Object.keys(rates) });
    let result: { metric: { pod: string }; value: [number, string] }[] = [];
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline) {
      const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(query)}`).catch(() => undefined);
      if (res?.ok) {
        const body = (await res.json()) as { status: string; data: { result: typeof result } };
        expect(body.status).toBe('success'); // the rendered PromQL parses and runs
        result = body.data.result;
        const a = Number(result.find((r) => r.metric.pod === 'shop-api-7c9d-a')?.value[1] ?? 0);
        if (result.length === 2 && a > 30) break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const byPod = Object.fromEntries(result.map((r) => [r.metric.pod, Number(r.value[1])]));
    expect(Object.keys(byPod).sort()).toEqual(Object.keys(rates).sort());
    expect(byPod['shop-api-7c9d-a']).toBeGreaterThan(30);
    expect(byPod['shop-api-7c9d-a']).toBeLessThan(50);
    expect(byPod['shop-api-7c9d-b']).toBeGreaterThan(7);
    expect(byPod['shop-api-7c9d-b']).toBeLessThan(13);
    // The series query the adapter uses for discovery finds the counter with its namespace and pod labels.
    const series = await fetch(`${promUrl}/api/v1/series?match[]=${encodeURIComponent(rule.seriesQuery)}`).then((r) => r.json() as Promise<{ data: Record<string, string>[] }>);
    expect(series.data.map((s) => s['pod']).sort()).toEqual(Object.keys(rates).sort());
  }, 60_000);
});
