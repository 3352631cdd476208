import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseExposition, sample } from './helpers/servers.js';

const distBuilt = existsSync(fileURLToPath(new URL('../dist/cluster.js', import.meta.url)));
if (!distBuilt) console.warn('SKIPPED: the node:cluster test runs the built package; run `pnpm build` (root `pnpm test` does).');

describe('node:cluster', () => {
  it.skipIf(!distBuilt)('one scrape of the primary returns the metrics of all workers, summed', async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/cluster-app.mjs', import.meta.url))], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const { appPort, metricsPort } = await new Promise<{ appPort: number; metricsPort: number }>((resolve) => {
        createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line) as { appPort: number; metricsPort: number }));
      });
      const pids = new Set<number>();
      const N = 40;
      for (let i = 0; i < N; i++) {
        // A new connection each time so the primary's round-robin spreads requests over both workers.
        const res = await fetch(`http://127.0.0.1:${appPort}/who`, { headers: { connection: 'close' } });
        pids.add(((await res.json()) as { pid: number }).pid);
      }
      expect(pids.size).toBe(2);
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const m = parseExposition(text);
      expect(sample(m, 'gati_http_requests_total', 'route="/who"', 'status_code="200"')).toBe(N);
      expect(sample(m, 'gati_http_request_duration_seconds_count', 'route="/who"')).toBe(N);
      expect(text).toContain('nodejs_heap_size_used_bytes');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 30_000);
});
