import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { close, listen, OtlpReceiver } from './helpers/servers.js';

const distBuilt = existsSync(fileURLToPath(new URL('../dist/register.js', import.meta.url)));
if (!distBuilt) console.warn('SKIPPED: the --import register test runs the built package; run `pnpm build` (root `pnpm test` does).');

describe('node --import @gati-framework/observability/register (NodeSDK + middleware)', () => {
  it.skipIf(!distBuilt)('exports one server span per request, Express and outgoing HTTP spans as its children, traceparent sent downstream', async () => {
    const otlp = new OtlpReceiver();
    const otlpUrl = await otlp.start();
    const downstreamHeaders: (string | undefined)[] = [];
    const downstream = createServer((req, res) => {
      downstreamHeaders.push(req.headers.traceparent as string | undefined);
      res.end('ok');
    });
    const downstreamUrl = await listen(downstream);
    const child = spawn(process.execPath, ['--import', '@gati-framework/observability/register', fileURLToPath(new URL('./fixtures/traced-app.mjs', import.meta.url))], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, OTEL_SERVICE_NAME: 'traced-app', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl, DOWNSTREAM_URL: `${downstreamUrl}/down` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const logs: Record<string, unknown>[] = [];
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (typeof parsed['port'] === 'number') resolve(parsed['port']);
          else logs.push(parsed);
        });
        void exited.then(() => reject(new Error(`child exited: ${stderr}`)));
      });
      const traceIds: string[] = [];
      for (const id of ['1', '2']) {
        const res = await fetch(`http://127.0.0.1:${port}/api/call/${id}`);
        expect(res.status).toBe(200);
        traceIds.push(res.headers.get('x-trace-id') ?? '');
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(0);

      for (const traceId of traceIds) {
        const spans = otlp.spans.filter((s) => s.traceId === traceId);
        const servers = spans.filter((s) => s.kind === 2);
        expect(servers.map((s) => s.name)).toEqual(['GET /api/call/:id']);
        const server = servers[0]!;
        const clients = spans.filter((s) => s.kind === 3);
        expect(clients).toHaveLength(1);
        const expressSpans = spans.filter((s) => s.kind === 1); // e.g. "request handler" from the Express instrumentation
        expect(expressSpans.length).toBeGreaterThan(0);
        const ids = new Set(spans.map((s) => s.spanId));
        for (const s of [...clients, ...expressSpans]) expect(ids.has(s.parentSpanId ?? '') || s.parentSpanId === server.spanId).toBe(true);
        expect(downstreamHeaders.some((h) => h?.startsWith(`00-${traceId}-`))).toBe(true);
        expect(logs.find((l) => l['message'] === 'request' && l['trace_id'] === traceId)).toBeDefined();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await close(downstream);
      await otlp.stop();
    }
  }, 30_000);

  it.skipIf(!distBuilt)('CommonJS: startNodeSdk() first, then the same single server span and downstream propagation', async () => {
    const otlp = new OtlpReceiver();
    const otlpUrl = await otlp.start();
    const downstreamHeaders: (string | undefined)[] = [];
    const downstream = createServer((req, res) => {
      downstreamHeaders.push(req.headers.traceparent as string | undefined);
      res.end('ok');
    });
    const downstreamUrl = await listen(downstream);
    const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/cjs-app.cjs', import.meta.url))], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, OTLP_URL: otlpUrl, DOWNSTREAM_URL: `${downstreamUrl}/down` },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const port = await new Promise<number>((resolve) => {
        createInterface({ input: child.stdout }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
      });
      const res = await fetch(`http://127.0.0.1:${port}/api/call`);
      expect(res.status).toBe(200);
      const traceId = res.headers.get('x-trace-id') ?? '';
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const spans = otlp.spans.filter((s) => s.traceId === traceId);
      expect(spans.filter((s) => s.kind === 2).map((s) => s.name)).toEqual(['GET /api/call']);
      expect(spans.filter((s) => s.kind === 3)).toHaveLength(1);
      expect(downstreamHeaders[0]).toMatch(new RegExp(`^00-${traceId}-`));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await close(downstream);
      await otlp.stop();
    }
  }, 30_000);
});
