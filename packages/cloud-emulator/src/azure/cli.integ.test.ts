import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(packageDir, 'dist/cli.js');
const built = existsSync(join(packageDir, 'dist/azure/server.js'));
if (!built) console.warn('[cloud-emulator] dist/azure missing: the `gati-emulator --only azure --env-file` test is SKIPPED (run `pnpm build` first; `pnpm test` does)');

// A client that knows nothing but its environment (and that *.vault.localhost is loopback).
const client = `
import { Agent } from 'node:https';
import { ClientSecretCredential } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';
import { SecretClient } from '@azure/keyvault-secrets';
const e = process.env;
const credential = new ClientSecretCredential(e.AZURE_TENANT_ID, e.AZURE_CLIENT_ID, e.AZURE_CLIENT_SECRET, { authorityHost: e.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true });
const arm = new ResourceManagementClient(credential, e.AZURE_SUBSCRIPTION_ID, { endpoint: e.AZURE_RESOURCE_MANAGER_ENDPOINT, credentialScopes: ['https://management.azure.com/.default'] });
const rg = await arm.resourceGroups.createOrUpdate('from-env', { location: 'westeurope' });
const agent = new Agent({ lookup: (host, options, cb) => (options.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)) });
const vault = new SecretClient(e.AZURE_KEYVAULT_URL, credential, { agent });
await vault.setSecret('greeting', 'hello');
process.stdout.write(JSON.stringify({ rg: rg.name, secret: (await vault.getSecret('greeting')).value }));
agent.destroy();
`;

describe.skipIf(!built)('gati-emulator --only azure --env-file', () => {
  it('writes the AZURE_* lines and the CA; a shell that sources them reaches ARM, Entra and the vault with nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gati-azure-env-'));
    const envFile = join(dir, 'azure.env');
    const child = spawn(process.execPath, ['--', cli, '--only', 'azure', '--env-file', envFile, '--azure-retry-after', '0', '--azure-vault', 'shop-vault'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      for (let i = 0; i < 300 && !existsSync(envFile); i++) await new Promise((r) => setTimeout(r, 50));
      const text = readFileSync(envFile, 'utf8');
      for (const name of ['AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_AUTHORITY_HOST', 'AZURE_RESOURCE_MANAGER_ENDPOINT', 'AZURE_KEYVAULT_URL', 'NODE_EXTRA_CA_CERTS', 'GATI_EMULATOR_CA_FILE']) {
        expect(text).toMatch(new RegExp(`^export ${name}='`, 'm'));
      }
      expect(text).toMatch(/^export AZURE_KEYVAULT_URL='https:\/\/shop-vault\.vault\.localhost:\d+'$/m);
      const { stdout } = await promisify(execFile)('bash', ['-c', `source "$1" && node --input-type=module -e "$2"`, 'bash', envFile, client], {
        cwd: packageDir,
        env: { PATH: process.env['PATH'] ?? '', HOME: dir },
      });
      expect(JSON.parse(stdout)).toEqual({ rg: 'from-env', secret: 'hello' });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
