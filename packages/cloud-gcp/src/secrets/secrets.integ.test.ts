import type { GcpEmulator } from '@gati-framework/cloud-emulator/gcp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GCPCloudProvider, toSecretId } from '../index.js';
import { providerConfig, startEmulator, TRANSPORTS } from '../../test/emulator.js';

let emu: GcpEmulator;
const providers: GCPCloudProvider[] = [];

describe.each(TRANSPORTS)('Secret Manager store, over %s', (transport) => {
  beforeEach(async () => {
    emu = await startEmulator();
  });
  afterEach(async () => {
    await Promise.all(providers.splice(0).map((p) => p.close()));
    await emu.close();
  });

  async function provider(keepVersions?: number): Promise<GCPCloudProvider> {
    const p = new GCPCloudProvider();
    providers.push(p);
    await p.initialize(providerConfig(emu, keepVersions ? { secrets: { keepVersions } } : {}, transport));
    return p;
  }

  const secretName = (name: string) => `projects/${emu.project}/secrets/${toSecretId(name)}`;
  /** Version number → state, newest first, as Secret Manager lists them. */
  const states = (name: string) =>
    ((emu.secretManager.call('ListSecretVersions', { parent: secretName(name) })['versions'] ?? []) as { name: string; state: string }[]).map((v) => `${v.name.split('/').pop() ?? ''}:${v.state}`);

  it('each write adds a version; versions beyond keepVersions (default 2) are disabled, and reads get the newest', async () => {
    const byDefault = await provider();
    const keepOne = await provider(1);
    for (const n of [1, 2, 3]) {
      await byDefault.storeSecret({ name: 'app/db.password', values: { password: `p${n}` } });
      await keepOne.storeSecret({ name: 'app/api.key', values: { key: `k${n}` } });
    }
    expect(states('app/db.password')).toEqual(['3:ENABLED', '2:ENABLED', '1:DISABLED']);
    expect(states('app/api.key')).toEqual(['3:ENABLED', '2:DISABLED', '1:DISABLED']);
    expect(await byDefault.retrieveSecret('app/db.password')).toEqual({ password: 'p3' });
    expect(await keepOne.retrieveSecret('app/api.key')).toEqual({ key: 'k3' });
  });

  it('a read whose data does not match its CRC32C is refused, naming the secret but not its values', async () => {
    const p = await provider();
    await p.storeSecret({ name: 'payments/stripe', values: { key: 'sk_live_original' } });
    emu.secretManager.tamper(`${secretName('payments/stripe')}/versions/latest`, Buffer.from(JSON.stringify({ key: 'sk_live_tampered' })));
    const error = await p.retrieveSecret('payments/stripe').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', retryable: true, message: expect.stringMatching(/payments\/stripe.*CRC32C does not match/) });
    expect((error as Error).message).not.toMatch(/sk_live/);
  });

  it('recoveryWindowDays is refused with INVALID_CONFIG before any request; force deletes, and makes a missing secret fine', async () => {
    const p = await provider();
    await p.storeSecret({ name: 'app/session', values: { secret: 's' } });
    await expect(p.deleteSecret('app/session', { recoveryWindowDays: 7 })).rejects.toMatchObject({ code: 'INVALID_CONFIG', details: { issues: [expect.objectContaining({ path: 'recoveryWindowDays' })] } });
    expect(emu.requests({ operation: 'DeleteSecret' })).toEqual([]);
    expect(emu.inventory().secrets).toEqual([secretName('app/session')]);
    await p.deleteSecret('app/session', { force: true });
    expect(emu.inventory().secrets).toEqual([]);
    await expect(p.deleteSecret('app/session', { force: true })).resolves.toBeUndefined();
    await expect(p.deleteSecret('app/session')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(p.retrieveSecret('app/session')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
