import { execFile } from 'node:child_process';
import { request } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureEmulator } from './index.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
let emulator: AzureEmulator;
let dir: string;

// The client as a user writes it: ClientSecretCredential pointed at the emulator's authority. MSAL
// trusts a private CA only through NODE_EXTRA_CA_CERTS, read at process start: hence a child process.
const client = `
import { ClientSecretCredential } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';
const e = process.env;
const credential = new ClientSecretCredential(e.AZURE_TENANT_ID, e.AZURE_CLIENT_ID, e.AZURE_CLIENT_SECRET, { authorityHost: e.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true });
const out = {};
for (const scope of ['https://management.azure.com/.default', 'https://vault.localhost/.default', '6dae42f8-4368-4678-94ff-3960e28e3630/.default']) {
  const t = await credential.getToken(scope);
  out[scope] = JSON.parse(Buffer.from(t.token.split('.')[1], 'base64url').toString()).aud;
}
const arm = new ResourceManagementClient(credential, e.AZURE_SUBSCRIPTION_ID, { endpoint: e.AZURE_RESOURCE_MANAGER_ENDPOINT, credentialScopes: ['https://management.azure.com/.default'] });
out.rg = (await arm.resourceGroups.createOrUpdate('from-child', { location: 'westeurope' })).name;
try {
  await new ClientSecretCredential(e.AZURE_TENANT_ID, e.AZURE_CLIENT_ID, 'wrong-secret', { authorityHost: e.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true }).getToken('https://management.azure.com/.default');
  out.wrongSecret = 'accepted';
} catch (error) {
  out.wrongSecret = /AADSTS7000215/.test(error.message) ? 'AADSTS7000215' : error.message;
}
process.stdout.write(JSON.stringify(out));
`;

beforeAll(async () => {
  emulator = await AzureEmulator.start({ retryAfterSeconds: 0 });
  dir = mkdtempSync(join(tmpdir(), 'gati-entra-'));
  writeFileSync(join(dir, 'ca.pem'), emulator.caPem);
});

afterAll(async () => {
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Azure emulator: Entra token endpoint', () => {
  it('issues ClientSecretCredential tokens for ARM, the vault and AKS, which the ARM API accepts; a wrong secret is refused', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', client], {
      cwd: packageDir,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: dir,
        NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
        AZURE_TENANT_ID: emulator.tenantId,
        AZURE_CLIENT_ID: emulator.clientId,
        AZURE_CLIENT_SECRET: emulator.clientSecret,
        AZURE_AUTHORITY_HOST: emulator.authorityHost,
        AZURE_SUBSCRIPTION_ID: emulator.subscriptionId,
        AZURE_RESOURCE_MANAGER_ENDPOINT: emulator.armEndpoint,
      },
    });
    expect(JSON.parse(stdout)).toEqual({
      'https://management.azure.com/.default': 'https://management.azure.com',
      'https://vault.localhost/.default': 'https://vault.localhost',
      '6dae42f8-4368-4678-94ff-3960e28e3630/.default': '6dae42f8-4368-4678-94ff-3960e28e3630',
      rg: 'from-child',
      wrongSecret: 'AADSTS7000215',
    });
    expect(emulator.inventory().resourceGroups).toEqual([`/subscriptions/${emulator.subscriptionId}/resourceGroups/from-child`]);
    expect(emulator.requests({ operation: 'Token', status: 200 }).length).toBeGreaterThanOrEqual(3);
    expect(emulator.requests({ operation: 'Token', status: 401 }).length).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('refuses scopes of resources it does not know, with Entra\'s error shape', async () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: emulator.clientId, client_secret: emulator.clientSecret, scope: 'https://graph.microsoft.com/.default' }).toString();
    const answer = await new Promise<{ status: number; body: { error: string; error_codes: number[] } }>((resolve, reject) => {
      const req = request(`${emulator.authorityHost}/${emulator.tenantId}/oauth2/v2.0/token`, { method: 'POST', ca: emulator.caPem, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { error: string; error_codes: number[] } }));
      });
      req.on('error', reject);
      req.end(form);
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'invalid_resource', error_codes: [500011] });
    expect(() => emulator.issueToken('https://graph.microsoft.com/.default')).toThrow(/ARM, the vaults and AKS/);
  });
});
