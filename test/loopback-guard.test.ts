import { execFile } from 'node:child_process';
import dns from 'node:dns';
import { lookup as namedLookup } from 'node:dns';
import { createServer } from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isLoopback, takeViolations } from './loopback-guard.js';

describe('loopback guard', () => {
  it('refuses fetch, raw sockets and DNS lookups to other hosts, naming them', async () => {
    await expect(fetch('http://192.0.2.10:8080/')).rejects.toThrow();
    const socket = net.connect(443, '198.51.100.7');
    const socketError = await new Promise<Error>((resolve) => socket.once('error', resolve));
    expect(socketError.message).toContain('198.51.100.7:443');
    await expect(dns.promises.lookup('registry.example.org')).rejects.toThrow(/loopback guard/);
    const namedError = await new Promise<Error | null>((resolve) => namedLookup('metadata.google.internal', (e) => resolve(e)));
    expect(namedError?.message).toContain('metadata.google.internal');
    const refused = takeViolations();
    expect(refused).toEqual(
      expect.arrayContaining(['192.0.2.10:8080', '198.51.100.7:443', 'registry.example.org (dns.lookup)', 'metadata.google.internal (dns.lookup)']),
    );
  });

  it('lets loopback traffic through', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const res = await fetch(`http://localhost:${port}/`);
      expect(await res.text()).toBe('ok');
    } finally {
      server.close();
    }
    expect(takeViolations()).toEqual([]);
  });

  it('classifies addresses', () => {
    for (const h of ['127.0.0.1', '127.5.5.5', '::1', '[::1]', 'localhost', 'api.localhost']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['10.0.0.1', '169.254.169.254', '192.168.1.1', 'sts.amazonaws.com', '::ffff:10.0.0.1']) expect(isLoopback(h), h).toBe(false);
  });

  it('fails a test that tried to leave loopback, naming the destination', async () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const config = fileURLToPath(new URL('./fixtures/guard/vitest.config.ts', import.meta.url));
    const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
    const run = await promisify(execFile)(process.execPath, [vitest, 'run', '--config', config, '--reporter=json'], { cwd: root }).then(
      (r) => ({ ...r, code: 0 }),
      (e: { stdout: string; stderr: string; code: number }) => e,
    );
    expect(run.code).not.toBe(0);
    const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as {
      numFailedTests: number;
      numPassedTests: number;
      testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
    };
    expect(report.numFailedTests).toBe(1);
    expect(report.numPassedTests).toBe(1);
    const failed = report.testResults.flatMap((f) => f.assertionResults).find((a) => a.status === 'failed');
    expect(failed?.title).toBe('reaches out to a documentation address');
    expect(failed?.failureMessages.join('\n')).toContain('192.0.2.55:8080');
  }, 60_000);
});
