import { Agent } from 'node:https';
import type { LookupAddress, LookupOneOptions } from 'node:dns';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureEmulator, MAX_SECRET_VALUE_BYTES } from './index.js';

let emulator: AzureEmulator;
let agent: Agent;
let secrets: SecretClient;
const fast = { intervalInMs: 10 };

/** Resolves every name (`*.vault.localhost`) to loopback, as a test's own resolver. */
function loopbackLookup(_host: string, options: LookupOneOptions & { all?: boolean }, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void): void {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}

beforeAll(async () => {
  emulator = await AzureEmulator.start({ retryAfterSeconds: 0, vaults: ['shop-vault'] });
  agent = new Agent({ ca: emulator.caPem, lookup: loopbackLookup as never });
  // Challenge resource verification stays on: the vault host ends with the challenge's `vault.localhost`.
  secrets = new SecretClient(emulator.vaultUrl(), emulator.credential(), { agent });
});

afterAll(async () => {
  agent?.destroy();
  await emulator?.close();
});

describe('Azure emulator: Key Vault secrets through SecretClient', () => {
  it('answers the first request with the challenge, then keeps versions and returns the latest', async () => {
    expect(emulator.vaultUrl()).toMatch(/^https:\/\/shop-vault\.vault\.localhost:\d+$/);
    const v1 = await secrets.setSecret('db-password', 'first', { contentType: 'text/plain', tags: { owner: 'gati' } });
    expect(emulator.requests({ service: 'azure:keyvault', status: 401 }).length).toBe(1);
    const v2 = await secrets.setSecret('db-password', 'second');
    expect(v1.properties.version).not.toBe(v2.properties.version);
    expect((await secrets.getSecret('db-password')).value).toBe('second');
    expect((await secrets.getSecret('db-password', { version: v1.properties.version ?? '' })).value).toBe('first');
    const versions: string[] = [];
    for await (const p of secrets.listPropertiesOfSecretVersions('db-password')) versions.push(p.version ?? '');
    expect(versions.sort()).toEqual([v1.properties.version, v2.properties.version].sort());
    const names: string[] = [];
    for await (const p of secrets.listPropertiesOfSecrets()) names.push(p.name);
    expect(names).toEqual(['db-password']);

    const updated = await secrets.updateSecretProperties('db-password', v1.properties.version ?? '', { enabled: false, tags: { rotated: 'yes' } });
    expect(updated).toMatchObject({ enabled: false, tags: { rotated: 'yes' } });
    await expect(secrets.getSecret('db-password', { version: v1.properties.version ?? '' })).rejects.toMatchObject({ statusCode: 403 });
  });

  it('refuses values over 25 KB and names outside [0-9a-zA-Z-]', async () => {
    await expect(secrets.setSecret('too-big', 'x'.repeat(MAX_SECRET_VALUE_BYTES + 1))).rejects.toMatchObject({ statusCode: 400, code: 'BadParameter' });
    expect((await secrets.setSecret('just-fits', 'x'.repeat(MAX_SECRET_VALUE_BYTES))).value).toHaveLength(MAX_SECRET_VALUE_BYTES);
    await expect(secrets.setSecret('bad_name', 'v')).rejects.toMatchObject({ statusCode: 400 });
  });

  it('deletes softly: the name is held until recovered or purged', async () => {
    await secrets.setSecret('api-key', 'k1');
    const deleted = await (await secrets.beginDeleteSecret('api-key', fast)).pollUntilDone();
    expect(deleted).toMatchObject({ name: 'api-key', recoveryId: expect.stringContaining('/deletedsecrets/api-key') });
    await expect(secrets.getSecret('api-key')).rejects.toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
    await expect(secrets.setSecret('api-key', 'k2')).rejects.toMatchObject({ statusCode: 409, code: 'Conflict' });
    expect((await secrets.getDeletedSecret('api-key')).properties.name).toBe('api-key');
    await (await secrets.beginRecoverDeletedSecret('api-key', fast)).pollUntilDone();
    expect((await secrets.getSecret('api-key')).value).toBe('k1');

    for (const name of ['api-key', 'db-password', 'just-fits']) {
      await (await secrets.beginDeleteSecret(name, fast)).pollUntilDone();
      await secrets.purgeDeletedSecret(name);
    }
    await expect(secrets.getDeletedSecret('api-key')).rejects.toMatchObject({ statusCode: 404 });
    expect(emulator.inventory()).toMatchObject({ secrets: [], deletedSecrets: [] });
  });

  it('accepts only tokens issued for the vault resource', async () => {
    const armOnly = { getToken: async () => emulator.issueToken('https://management.azure.com/.default') };
    const client = new SecretClient(emulator.vaultUrl(), armOnly, { agent });
    await expect(client.getSecret('anything')).rejects.toMatchObject({ statusCode: 401 });
  });
});
