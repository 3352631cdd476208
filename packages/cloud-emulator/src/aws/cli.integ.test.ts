import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EMULATOR_CREDENTIALS } from './index.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const built = existsSync(cli);
if (!built) console.warn('[cloud-emulator] dist/cli.js missing: the `gati-emulator --only aws` test is SKIPPED (run `pnpm build` first; `pnpm test` does)');

describe.skipIf(!built)('gati-emulator --only aws', () => {
  it('prints the AWS_ENDPOINT_URL to use, which the SDK reaches with the documented key', async () => {
    const child = spawn(process.execPath, [cli, '--only', 'aws', '--aws-region', 'eu-west-1'], { stdio: ['ignore', 'pipe', 'pipe'] });
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
      const endpoint = /AWS_ENDPOINT_URL\s+(http:\/\/\S+)/.exec(stdout)?.[1] ?? '';
      expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(stdout).toMatch(/AWS_REGION\s+eu-west-1/);
      expect(stdout).not.toContain(DEFAULT_EMULATOR_CREDENTIALS.secretAccessKey);
      const sts = new STSClient({ region: 'eu-west-1', endpoint, credentials: DEFAULT_EMULATOR_CREDENTIALS });
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
      sts.destroy();
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
