import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EMULATOR_CREDENTIALS } from './aws/index.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cli = join(packageDir, 'dist/cli.js');
const built = existsSync(cli);
if (!built) console.warn('[cloud-emulator] dist/cli.js missing: the `gati-emulator --env-file` test is SKIPPED (run `pnpm build` first; `pnpm test` does)');

// A client that knows nothing but its environment: the SDK reads the endpoint, region and keys from it.
const client = `
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { readFileSync } from 'node:fs';
const sts = new STSClient({});
const id = await sts.send(new GetCallerIdentityCommand({}));
const kubeconfig = readFileSync(process.env.KUBECONFIG, 'utf8');
process.stdout.write(JSON.stringify({ account: id.Account, arn: id.Arn, region: await sts.config.region(), kubeconfig: kubeconfig.includes('certificate-authority-data') }));
`;

describe.skipIf(!built)('gati-emulator --env-file', () => {
  it('writes export lines once ready; a shell that sources them reaches the emulators with nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gati-env-'));
    const envFile = join(dir, "emulator's.env"); // a quote in the path: the CA path must stay quoted right
    const kubeconfig = join(dir, 'kubeconfig');
    // As the command's shebang runs it (`node --`): Node 20 would otherwise take `--env-file` for its own flag.
    const child = spawn(process.execPath, ['--', cli, '--env-file', envFile, '--kubeconfig-out', kubeconfig, '--aws-region', 'eu-west-1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    try {
      for (let i = 0; i < 300 && !existsSync(envFile); i++) await new Promise((r) => setTimeout(r, 50));
      expect(existsSync(envFile)).toBe(true);
      const text = readFileSync(envFile, 'utf8');
      expect(statSync(envFile).mode & 0o777).toBe(0o600);
      for (const name of ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'KUBECONFIG', 'GATI_EMULATOR_CA_FILE']) expect(text).toMatch(new RegExp(`^export ${name}='`, 'm'));
      for (let i = 0; i < 100 && !stdout.includes('ready'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(stdout).toContain(text); // the same lines on stdout

      const { stdout: out } = await promisify(execFile)(
        'bash',
        ['-c', `source "$1" && printf '%s\\n' "$AWS_SECRET_ACCESS_KEY" > "$2" && test -s "$GATI_EMULATOR_CA_FILE" && node --input-type=module -e "$3"`, 'bash', envFile, join(dir, 'secret'), client],
        // Only what a fresh shell has: no AWS settings of the machine, no ~/.aws.
        { cwd: packageDir, env: { PATH: process.env['PATH'] ?? '', HOME: dir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
      );
      expect(JSON.parse(out)).toEqual({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/gati-emulator', region: 'eu-west-1', kubeconfig: true });
      expect(readFileSync(join(dir, 'secret'), 'utf8')).toBe(`${DEFAULT_EMULATOR_CREDENTIALS.secretAccessKey}\n`);

      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(envFile)).toBe(false); // a stopped emulator leaves no file that looks ready
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
