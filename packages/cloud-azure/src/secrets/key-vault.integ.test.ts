import { randomBytes } from 'node:crypto';
import type { AzureEmulator } from '@gati-framework/cloud-emulator/azure';
import { expectGatiError } from '@gati-framework/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AzureCloudProvider, toVaultSecretName } from '../index.js';
import { providerConfig, startEmulator } from '../../test/emulator.js';

let emu: AzureEmulator;
let provider: AzureCloudProvider;

beforeEach(async () => {
  emu = await startEmulator();
  provider = new AzureCloudProvider();
  await provider.initialize(providerConfig(emu));
});
afterEach(async () => {
  await provider.close();
  await emu.close();
});

const vault = (): string => new URL(emu.vaultUrl()).hostname.split('.')[0] ?? '';

describe('Key Vault secrets', () => {
  it('stores under the reversible Key Vault spelling of the name, through the challenge flow', async () => {
    const ref = await provider.storeSecret({ name: 'shop/DB_url.v2', values: { url: 'postgres://x' } });
    expect(ref.name).toBe('shop/DB_url.v2');
    expect(emu.inventory().secrets).toEqual([`${vault()}/${toVaultSecretName('shop/DB_url.v2')}`]);
    expect(await provider.retrieveSecret('shop/DB_url.v2')).toEqual({ url: 'postgres://x' });
    // The client's first request was unauthenticated and answered with the challenge (verification on).
    expect(emu.requests().some((r) => r.status === 401)).toBe(true);
    // Names differing only in case stay apart (Key Vault names are case-insensitive).
    await provider.storeSecret({ name: 'shop/db_url.v2', values: { url: 'other' } });
    expect(await provider.retrieveSecret('shop/DB_url.v2')).toEqual({ url: 'postgres://x' });
    expect(emu.inventory().secrets).toHaveLength(2);
  });

  it('refuses a value over Key Vault\'s 25 KB limit before any call', async () => {
    const random = randomBytes(19 * 1024).toString('base64'); // about 26 KB of JSON, just over the limit
    const before = emu.requests().length;
    const error = await expectGatiError(provider.storeSecret({ name: 'big', values: { blob: random } }), 'INVALID_CONFIG');
    expect(error.message).toMatch(/too large for Key Vault/);
    expect(emu.requests().length).toBe(before);
  });

  it('delete is soft; storing a soft-deleted name says so; recovery is opt-in; force purges', async () => {
    await provider.storeSecret({ name: 'api-key', values: { key: 'v1' } });
    await provider.deleteSecret('api-key');
    expect(emu.inventory().deletedSecrets).toEqual([`${vault()}/${toVaultSecretName('api-key')}`]);
    await expectGatiError(provider.retrieveSecret('api-key'), 'NOT_FOUND');
    const refused = await expectGatiError(provider.storeSecret({ name: 'api-key', values: { key: 'v2' } }), 'CONFLICT');
    expect(refused.message).toMatch(/soft-deleted.*recoverDeletedSecrets.*force/);

    const recovering = new AzureCloudProvider();
    await recovering.initialize(providerConfig(emu, { recoverDeletedSecrets: true }));
    await recovering.storeSecret({ name: 'api-key', values: { key: 'v2' } });
    expect(await recovering.retrieveSecret('api-key')).toEqual({ key: 'v2' });
    expect(emu.inventory().deletedSecrets).toEqual([]);
    await recovering.close();

    await provider.deleteSecret('api-key', { force: true });
    expect(emu.inventory()).toMatchObject({ secrets: [], deletedSecrets: [] });
    await provider.storeSecret({ name: 'api-key', values: { key: 'v3' } });
    expect(await provider.retrieveSecret('api-key')).toEqual({ key: 'v3' });
  });

  it('force on an already soft-deleted secret purges it; on a name that never existed it is NOT_FOUND', async () => {
    await provider.storeSecret({ name: 'token', values: { t: '1' } });
    await provider.deleteSecret('token');
    await provider.deleteSecret('token', { force: true });
    expect(emu.inventory()).toMatchObject({ secrets: [], deletedSecrets: [] });
    await expectGatiError(provider.deleteSecret('never', { force: true }), 'NOT_FOUND');
    await expectGatiError(provider.deleteSecret('never'), 'NOT_FOUND');
  });

  it("a recovery window is refused before any call: the vault's retention applies, not one per secret", async () => {
    await provider.storeSecret({ name: 'kept', values: { k: '1' } });
    const before = emu.requests().length;
    const error = await expectGatiError(provider.deleteSecret('kept', { recoveryWindowDays: 7 }), 'INVALID_CONFIG');
    expect(error.message).toMatch(/retention period/);
    expect(error).toMatchObject({ details: { issues: [{ path: 'recoveryWindowDays' }] } });
    expect(emu.requests().length).toBe(before);
    expect(await provider.retrieveSecret('kept')).toEqual({ k: '1' });
  });

  it('without a vault URL, secrets are INVALID_CONFIG naming keyVaultUrl', async () => {
    const p = new AzureCloudProvider();
    const config = providerConfig(emu);
    delete config.keyVaultUrl;
    const saved = process.env['AZURE_KEYVAULT_URL'];
    delete process.env['AZURE_KEYVAULT_URL'];
    try {
      await p.initialize(config);
      const error = await expectGatiError(p.retrieveSecret('x'), 'INVALID_CONFIG');
      expect(error.message).toMatch(/keyVaultUrl/);
    } finally {
      if (saved !== undefined) process.env['AZURE_KEYVAULT_URL'] = saved;
      await p.close();
    }
  });
});
