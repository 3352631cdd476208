import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const distBuilt = existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)));
if (!distBuilt) console.warn('SKIPPED: the SIGTERM test runs the built package in a child process; run `pnpm build` (root `pnpm test` does).');

describe('graceful shutdown on SIGTERM (real server in a child process, under load)', () => {
  it.skipIf(!distBuilt)('fails readiness, drains in-flight requests, flushes, exits 0 — zero failed requests', async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/drain-app.mjs', import.meta.url))], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, NODE_ENV: 'test', SHUTDOWN_DELAY_MS: '800' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: Record<string, unknown>[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout });
      rl.on('line', (line) => {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (typeof parsed['port'] === 'number') resolve(parsed['port']);
        else logs.push(parsed);
      });
      void exited.then(() => reject(new Error(`child exited early: ${stderr}`)));
    });
    const base = `http://127.0.0.1:${port}`;

    // A load balancer in miniature: routes new requests only while the backend reports ready.
    let routable = true;
    let ok = 0;
    const failures: string[] = [];
    const poller = (async () => {
      while (routable) {
        const res = await fetch(`${base}/health/ready`).catch(() => undefined);
        if (res?.status !== 200) routable = false;
        await res?.arrayBuffer();
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const worker = async (): Promise<void> => {
      while (routable) {
        try {
          const res = await fetch(`${base}/work?ms=30`);
          if (res.status === 200) ok++;
          else failures.push(`status ${res.status}`);
          await res.arrayBuffer();
        } catch (error) {
          failures.push(String((error as Error).cause ?? error));
        }
      }
    };
    const workers = Array.from({ length: 8 }, () => worker());
    await new Promise((r) => setTimeout(r, 1000));
    // A slow request still in flight when the server stops accepting (at +800 ms) must complete.
    const slow = fetch(`${base}/work?ms=1500`).then(async (r) => ({ status: r.status, body: (await r.json()) as { ok: boolean } }));
    await new Promise((r) => setTimeout(r, 50));
    const okBeforeSignal = ok;
    child.kill('SIGTERM');
    // A second signal (impatient supervisors send several) must not cut the drain short.
    setTimeout(() => child.kill('SIGTERM'), 200);
    await Promise.all([...workers, poller]);
    const slowResult = await slow;
    const code = await exited;

    expect(failures).toEqual([]);
    expect(okBeforeSignal).toBeGreaterThan(50);
    expect(slowResult).toEqual({ status: 200, body: { ok: true, ms: 1500 } });
    expect(code).toBe(0);
    const phases = logs.map((l) => l['message']);
    expect(phases).toEqual(expect.arrayContaining(['shutdown started', 'shutdown already in progress', 'shutdown draining', 'shutdown closing', 'shutdown closed']));
    expect(logs.find((l) => l['message'] === 'shutdown closed')?.['forced']).toBe(false);
  }, 30_000);
});
