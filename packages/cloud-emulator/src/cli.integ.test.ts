import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const built = existsSync(cli);
if (!built) console.warn('[cloud-emulator] dist/cli.js missing: the gati-emulator CLI test is SKIPPED (run `pnpm build` first; `pnpm test` does)');

describe.skipIf(!built)('gati-emulator command', () => {
  it('prints endpoints, writes a working kubeconfig, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gati-cli-'));
    const out = join(dir, 'kubeconfig');
    const child = spawn(process.execPath, [cli, '--kubeconfig-out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no ready line: ${stdout}`)), 15_000);
        child.stdout.on('data', () => {
          if (stdout.includes('ready')) {
            clearTimeout(t);
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${String(code)}`)));
      });
      const url = /kubernetes\s+(https:\/\/\S+)/.exec(stdout)?.[1];
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const kc = parse(readFileSync(out, 'utf8')) as { clusters: { cluster: { server: string; 'certificate-authority-data': string } }[]; users: { user: { token: string } }[] };
      expect(kc.clusters[0]?.cluster.server).toBe(url);
      const ca = Buffer.from(kc.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64').toString();
      const status = await new Promise<number>((resolve, reject) => {
        request(`${url}/api/v1/namespaces`, { ca, headers: { authorization: `Bearer ${kc.users[0]?.user.token}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
      expect(status).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toContain('stopped');
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
