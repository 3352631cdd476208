import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Path of a binary on PATH, or undefined. */
export function which(binary: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A real Prometheus on a free loopback port with a temporary config and TSDB; stop() removes both. */
export class PrometheusServer {
  private child: ChildProcess | undefined;
  private dir: string | undefined;
  url = '';
  stderr = '';

  async start(targets: { job: string; target: string }[], scrapeIntervalS = 1): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'gati-prom-'));
    const config = [
      'global:',
      `  scrape_interval: ${scrapeIntervalS}s`,
      `  scrape_timeout: ${scrapeIntervalS}s`,
      'scrape_configs:',
      ...targets.flatMap((t) => [`  - job_name: ${t.job}`, '    static_configs:', `      - targets: ['${t.target}']`]),
    ].join('\n');
    writeFileSync(join(this.dir, 'prometheus.yml'), config);
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    this.child = spawn(
      'prometheus',
      [
        `--config.file=${join(this.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--enable-feature=exemplar-storage',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const ok = await fetch(`${this.url}/-/ready`).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`Prometheus did not become ready: ${this.stderr}`);
  }

  async query(expr: string): Promise<PromSample[]> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { status: string; error?: string; data: { resultType: string; result: PromSample[] } };
    if (body.status !== 'success') throw new Error(`PromQL ${expr}: ${body.error}`);
    return body.data.result;
  }

  /** Polls `expr` until `accept(value of first sample)` holds, or throws after `timeoutMs`. */
  async waitFor(expr: string, accept: (v: number) => boolean, timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let last: number | undefined;
    while (Date.now() < deadline) {
      const r = await this.query(expr);
      last = r[0] ? Number(r[0].value[1]) : undefined;
      if (last !== undefined && accept(last)) return last;
      await new Promise((res) => setTimeout(res, 500));
    }
    throw new Error(`timed out waiting on ${expr}; last value ${String(last)}`);
  }

  async targets(): Promise<{ health: string; lastError: string; scrapeUrl: string }[]> {
    const res = await fetch(`${this.url}/api/v1/targets`);
    return ((await res.json()) as { data: { activeTargets: { health: string; lastError: string; scrapeUrl: string }[] } }).data.activeTargets;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
