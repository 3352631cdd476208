import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { AzureEmulator } from '@gati-framework/cloud-emulator/azure';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../test/emulator.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
let emu: AzureEmulator;
let dir: string;

beforeAll(async () => {
  emu = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), 'gati-az-env-'));
  writeFileSync(join(dir, 'ca.pem'), emu.caPem);
});
afterAll(async () => {
  await emu?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('configured by the environment alone', () => {
  it('DefaultAzureCredential signs in with the client secret at AZURE_AUTHORITY_HOST, and ARM and Key Vault come from the env lines', async () => {
    const env = {
      PATH: process.env['PATH'] ?? '',
      HOME: dir,
      AZURE_SUBSCRIPTION_ID: emu.subscriptionId,
      AZURE_TENANT_ID: emu.tenantId,
      AZURE_CLIENT_ID: emu.clientId,
      AZURE_CLIENT_SECRET: emu.clientSecret,
      AZURE_AUTHORITY_HOST: emu.authorityHost,
      AZURE_RESOURCE_MANAGER_ENDPOINT: emu.armEndpoint,
      AZURE_KEYVAULT_URL: emu.vaultUrl(),
      NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
    };
    const tsx = join(here, '../../../../node_modules/.bin/tsx');
    const { stdout } = await run(tsx, ['--conditions=@gati-framework/source', join(here, '../../test/env-only.ts')], { env, timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({ secret: { ok: 'yes' }, steps: ['resource-group:create', 'virtual-network:create', 'subnet:create', 'cluster:create', 'node-pool:create'] });
    // The token came from the emulator's Entra endpoint: the credential did sign in.
    expect(emu.requests().some((r) => /oauth2\/v2\.0\/token/.test(r.path) && r.status === 200)).toBe(true);
  }, 90_000);
});
