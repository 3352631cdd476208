import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const built = existsSync(cli);
if (!built) console.warn('[cloud-emulator] dist/cli.js missing: the lazy module loading test is SKIPPED (run `pnpm build` first; `pnpm test` does)');

// A resolve hook that makes loading the AWS emulator itself fail: only a command that never imports it can start.
const dir = mkdtempSync(join(tmpdir(), 'gati-lazy-'));
writeFileSync(
  join(dir, 'hooks.mjs'),
  `export async function resolve(specifier, context, next) {
    const r = await next(specifier, context);
    if (r.url.endsWith('/dist/aws/server.js')) throw new Error('the AWS emulator was loaded');
    if (r.url.endsWith('/dist/gcp/server.js')) throw new Error('the GCP emulator was loaded');
    return r;
  }\n`,
);
writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(only: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, '--', cli, '--only', only], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let stopping = false;
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    if (stdout.includes('ready') && !stopping) {
      stopping = true;
      child.kill('SIGTERM');
    }
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe.skipIf(!built)('gati-emulator loads a cloud module only when it is started', () => {
  it('--only kubernetes never imports the AWS or GCP emulators; --only aws and --only gcp do', async () => {
    const kubernetes = await run('kubernetes');
    expect(kubernetes.stdout).toContain('ready');
    expect(kubernetes.code).toBe(0);
    const aws = await run('aws');
    expect(aws.stdout).not.toContain('ready');
    expect(aws.stderr).toContain('the AWS emulator was loaded');
    const gcp = await run('gcp');
    expect(gcp.stdout).not.toContain('ready');
    expect(gcp.stderr).toContain('the GCP emulator was loaded');
  }, 60_000);
});
