import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isGatiError } from '@gati-framework/core';
import { InMemoryCloudProvider } from '@gati-framework/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppSecrets, DEFAULT_SCRYPT_N, isSecretIntegrityError, type SecretStore } from './index.js';

// Test-only scrypt cost keeps the suite fast; production stores use N = 2^17 (one test below checks it).
const N = 1024;
const manager = new AppSecrets();
let dir: string;
const open: SecretStore[] = [];

async function openStore(file: string, passphrase = 'correct horse battery staple', extra: object = {}): Promise<SecretStore> {
  const store = await manager.open({ file, passphrase, unsafeTestOnlyScryptN: N, ...extra });
  open.push(store);
  return store;
}

beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'gati-secrets-'));
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('SecretStore', () => {
  it('stores, reads, lists and deletes secrets across reopen; no plaintext reaches the disk', async () => {
    const file = join(dir, 'nested', 'secrets.enc');
    const store = await openStore(file);
    await store.set('db-password', 'hunter2-but-longer-Xy9!');
    await store.set('api/token', 'tok_live_0123456789abcdef');
    expect(await store.get('db-password')).toBe('hunter2-but-longer-Xy9!');
    expect(await store.list()).toEqual(['api/token', 'db-password']);
    await store.close();

    const again = await openStore(file);
    expect(await again.get('api/token')).toBe('tok_live_0123456789abcdef');
    expect(await again.delete('api/token')).toBe(true);
    await expect(again.get('api/token')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const raw = await fs.readFile(file, 'utf8');
    expect(raw).not.toContain('hunter2');
    expect(raw).not.toContain(Buffer.from('hunter2-but-longer-Xy9!').toString('base64').slice(0, 12));
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(join(dir, 'nested'))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(raw).body.kdf).toMatchObject({ name: 'scrypt', N, r: 8, p: 1 });
  });

  it('warns (without secrets in the fields) when the folder is open to other users', async () => {
    const warnings: [string, Record<string, unknown> | undefined][] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (m: string, f?: Record<string, unknown>) => void warnings.push([m, f]), child: () => logger };
    const shared = join(dir, 'shared');
    await fs.mkdir(shared, { mode: 0o755 });
    await fs.chmod(shared, 0o755);
    const store = await new AppSecrets({ logger }).open({ file: join(shared, 's.enc'), passphrase: 'the passphrase', unsafeTestOnlyScryptN: N });
    open.push(store);
    expect(warnings.map(([m]) => m)).toContain('the secrets folder is accessible to other users; chmod 700 it');
    expect(JSON.stringify(warnings)).not.toContain('the passphrase');
  });

  it('uses scrypt N = 2^17, r = 8, p = 1 by default', async () => {
    const file = join(dir, 'prod.enc');
    const store = await manager.open({ file, passphrase: 'a long production passphrase' });
    open.push(store);
    await store.set('x', 'y');
    expect(DEFAULT_SCRYPT_N).toBe(2 ** 17);
    expect(JSON.parse(await fs.readFile(file, 'utf8')).body.kdf).toMatchObject({ N: 2 ** 17, r: 8, p: 1 });
  });

  it('rejects a missing key with NOT_INITIALIZED that says how to provide one, and refuses weak test-only costs', async () => {
    const err = await manager.open({ file: join(dir, 's.enc') }).catch((e: unknown) => e);
    expect(isGatiError(err, 'NOT_INITIALIZED')).toBe(true);
    expect((err as Error).message).toMatch(/passphrase|key/);
    await expect(manager.open({ passphrase: 'p', unsafeTestOnlyScryptN: 1000 })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await expect(manager.open({ key: new Uint8Array(16) })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });

  it('a wrong passphrase fails with UNAUTHENTICATED naming the file', async () => {
    const file = join(dir, 's.enc');
    const store = await openStore(file);
    await store.set('a', 'value-a');
    const err = await manager.open({ file, passphrase: 'wrong', unsafeTestOnlyScryptN: N }).catch((e: unknown) => e);
    expect(isSecretIntegrityError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'wrong-key' });
    expect((err as Error).message).toContain(file);
  });

  it('works with a raw 32-byte key', async () => {
    const key = new Uint8Array(32).fill(7);
    const file = join(dir, 'k.enc');
    const a = await manager.open({ file, key });
    open.push(a);
    await a.set('k', 'v1234');
    const b = await manager.open({ file, key });
    open.push(b);
    expect(await b.get('k')).toBe('v1234');
    await expect(manager.open({ file, key: new Uint8Array(32).fill(8) })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('flipping any byte of the file is a clear error naming the file, never an empty store', async () => {
    const file = join(dir, 's.enc');
    const store = await openStore(file);
    await store.set('a', 'value-a');
    const good = await fs.readFile(file);
    for (const [at, label] of [
      [good.indexOf('"secrets"') + 30, 'secret envelope'],
      [good.indexOf('"mac"') + 9, 'mac'],
      [good.indexOf('"history"') + 20, 'history'],
      [good.indexOf('"wrapped"') + 15, 'wrapped key'],
    ] as const) {
      const bad = Buffer.from(good);
      bad[at] = bad[at] === 0x41 ? 0x42 : 0x41;
      await fs.writeFile(file, bad);
      const err = await manager.open({ file, passphrase: 'correct horse battery staple', unsafeTestOnlyScryptN: N }).catch((e: unknown) => e);
      expect(isSecretIntegrityError(err), label).toBe(true);
      expect((err as Error).message, label).toContain(file);
    }
    for (const bad of [Buffer.alloc(0), good.subarray(0, good.length / 2), Buffer.from('{"hello":1}')]) {
      await fs.writeFile(file, bad);
      const err = await manager.open({ file, passphrase: 'x', unsafeTestOnlyScryptN: N }).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'SecretIntegrityError', code: 'INVALID_CONFIG', details: { reason: 'file-corrupted', file } });
    }
  });
});

describe('every flipped byte of a store file', () => {
  it('fails to open with a GatiError (integrity, wrong key or refused parameters), never an altered store', async () => {
    const file = join(dir, 'flip.enc');
    const store = await openStore(file);
    await store.setMany([['a', 'value-a'], ['b', 'value-b']]);
    await store.close();
    const good = await fs.readFile(file);
    const reasons = new Map<string, number>();
    for (let i = 0; i < good.length; i += 1) {
      const bad = Buffer.from(good);
      bad[i] = (bad[i] ?? 0) ^ 0x01;
      await fs.writeFile(file, bad);
      const err = await manager.open({ file, passphrase: 'correct horse battery staple', unsafeTestOnlyScryptN: N }).catch((e: unknown) => e);
      expect(isGatiError(err), `byte ${i}`).toBe(true);
      const key = isSecretIntegrityError(err) ? err.reason : (err as { code: string }).code;
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    expect([...reasons.keys()].sort()).toEqual(expect.arrayContaining(['file-corrupted', 'file-tampered', 'wrong-key']));
  });
});

describe('envelope v1', () => {
  it('every flipped byte of an envelope fails with a typed error', async () => {
    const store = await manager.open({ passphrase: 'p', unsafeTestOnlyScryptN: N });
    open.push(store);
    const env = Buffer.from(store.encrypt('db-password', 'a 1 KiB-ish secret value'), 'base64url');
    expect(store.decrypt('db-password', env.toString('base64url'))).toBe('a 1 KiB-ish secret value');
    for (let i = 0; i < env.length; i += 1) {
      for (const mask of [0x01, 0x80]) {
        const bad = Buffer.from(env);
        bad[i] = (bad[i] ?? 0) ^ mask;
        let err: unknown;
        try {
          store.decrypt('db-password', bad.toString('base64url'));
        } catch (e) {
          err = e;
        }
        expect(isSecretIntegrityError(err), `byte ${i}`).toBe(true);
        expect(isGatiError(err), `byte ${i}`).toBe(true);
      }
    }
  });

  it('binds the name: an envelope moved to another name does not decrypt', async () => {
    const store = await manager.open({ passphrase: 'p', unsafeTestOnlyScryptN: N });
    open.push(store);
    const env = store.encrypt('db-password', 'secret-1');
    expect(() => store.decrypt('api-key', env)).toThrow(/failed authentication/);

    const file = join(dir, 's.enc');
    const fileStore = await openStore(file);
    await fileStore.setMany([['alpha', 'value-alpha'], ['beta', 'value-beta']]);
    await fileStore.close();
    // Swap the two envelopes inside an otherwise untouched file: the MAC catches it first.
    const doc = JSON.parse(await fs.readFile(file, 'utf8'));
    [doc.body.secrets[0].envelope, doc.body.secrets[1].envelope] = [doc.body.secrets[1].envelope, doc.body.secrets[0].envelope];
    await fs.writeFile(file, JSON.stringify(doc));
    await expect(openStore(file)).rejects.toMatchObject({ name: 'SecretIntegrityError', details: { reason: 'file-tampered' } });
  });

  it('pins the tag at 16 bytes: a truncated tag fails even when the header is adjusted', async () => {
    const store = await manager.open({ passphrase: 'p', unsafeTestOnlyScryptN: N });
    open.push(store);
    const env = Buffer.from(store.encrypt('n', 'value'), 'base64url');
    const truncated = Buffer.from(env.subarray(0, env.length - 4));
    expect(() => store.decrypt('n', truncated.toString('base64url'))).toThrow(expect.objectContaining({ name: 'SecretIntegrityError' }) as Error);
    const headerLen = 5 + (env[4] ?? 0) + 4 + 12 + 1;
    truncated[headerLen - 1] = 12; // claim a 12-byte tag
    expect(() => store.decrypt('n', truncated.toString('base64url'))).toThrow(expect.objectContaining({ reason: 'tag-length' }) as Error);
  });

  it('uses a fresh IV per encryption', async () => {
    const store = await manager.open({ passphrase: 'p', unsafeTestOnlyScryptN: N });
    open.push(store);
    const ivs = new Set(Array.from({ length: 200 }, () => Buffer.from(store.encrypt('n', 'same'), 'base64url').subarray(25, 37).toString('hex')));
    expect(ivs.size).toBe(200);
  });
});

describe('rotation', () => {
  it('rotates 1,000 secrets in one step without losing any; old versions decrypt until retired', async () => {
    const file = join(dir, 'r.enc');
    let now = new Date('2026-01-01T00:00:00Z');
    const store = await openStore(file, 'pass-one', { now: () => now, maxKeyAgeDays: 30 });
    const entries = Array.from({ length: 1000 }, (_, i) => [`s-${i}`, `value-${i}-${'x'.repeat(i % 50)}`] as const);
    await store.setMany(entries);
    const oldEnvelope = store.encrypt('external', 'kept in a database');
    expect(store.needsRotation()).toBe(false);
    now = new Date('2026-02-15T00:00:00Z');
    expect(store.needsRotation()).toBe(true);

    const result = await store.rotate();
    expect(result).toMatchObject({ fromVersion: 1, toVersion: 2, reencrypted: 1000, passphraseChanged: false });
    expect(store.needsRotation()).toBe(false);
    expect(store.keyVersions().map((k) => [k.version, k.active, k.secrets])).toEqual([[1, false, 0], [2, true, 1000]]);
    expect(store.decrypt('external', oldEnvelope)).toBe('kept in a database');

    const reopened = await openStore(file, 'pass-one');
    for (const [name, value] of entries) expect(await reopened.get(name)).toBe(value);
    await reopened.retireKeyVersion(1);
    expect(() => reopened.decrypt('external', oldEnvelope)).toThrow(expect.objectContaining({ reason: 'unknown-key' }) as Error);
    expect(reopened.history().map((h) => h.action)).toEqual(['created', 'rotated', 'key-retired']);
  });

  it('rotates the passphrase: the old one stops working, every secret survives', async () => {
    const file = join(dir, 'p.enc');
    const store = await openStore(file, 'old-passphrase');
    await store.setMany([['a', 'A-value'], ['b', 'B-value']]);
    const salt = JSON.parse(await fs.readFile(file, 'utf8')).body.kdf.salt;
    await store.rotate({ newPassphrase: 'new-passphrase' });
    expect(JSON.parse(await fs.readFile(file, 'utf8')).body.kdf.salt).not.toBe(salt);
    await expect(openStore(file, 'old-passphrase')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const reopened = await openStore(file, 'new-passphrase');
    expect([await reopened.get('a'), await reopened.get('b')]).toEqual(['A-value', 'B-value']);
    expect(reopened.history().at(-1)).toMatchObject({ action: 'passphrase-changed', secrets: 2 });
  });

  it('a store open in another process notices a passphrase rotation and says to reopen', async () => {
    const file = join(dir, 'q.enc');
    const a = await openStore(file, 'first');
    const b = await openStore(file, 'first');
    await a.set('x', 'value-x');
    expect(await b.get('x')).toBe('value-x');
    await a.rotate({ newPassphrase: 'second' });
    await expect(b.get('x')).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/re-keyed by another process/) });
    expect(await a.get('x')).toBe('value-x');
  });

  it('refuses to retire the active version or one still in use', async () => {
    const store = await manager.open({ passphrase: 'p', unsafeTestOnlyScryptN: N });
    open.push(store);
    await store.set('a', 'value');
    await expect(store.retireKeyVersion(1)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(store.retireKeyVersion(9)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('two stores in one process on one file', () => {
  it('interleaved writers lose nothing', async () => {
    const file = join(dir, 'c.enc');
    const a = await openStore(file);
    const b = await openStore(file);
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => a.set(`a-${i}`, `va-${i}`)),
      ...Array.from({ length: 20 }, (_, i) => b.set(`b-${i}`, `vb-${i}`)),
    ]);
    const c = await openStore(file);
    expect((await c.list()).length).toBe(40);
    expect(await a.get('b-19')).toBe('vb-19'); // a picks up b's writes
  });
});

describe('cloud sync', () => {
  it('syncs to and loads from a cloud provider', async () => {
    const provider = new InMemoryCloudProvider();
    await provider.initialize({ region: 'local-1' });
    const store = await manager.open({ passphrase: 'p', unsafeTestOnlyScryptN: N });
    open.push(store);
    await store.setMany([['db-password', 'pw-123456'], ['api-key', 'key-abcdef']]);
    const refs = await store.syncToCloud(provider);
    expect(refs.map((r) => r.name).sort()).toEqual(['api-key', 'db-password']);
    expect(await provider.retrieveSecret('db-password')).toEqual({ value: 'pw-123456' });

    await provider.storeSecret({ name: 'from-cloud', values: { user: 'u', password: 'p1' } });
    const other = await manager.open({ passphrase: 'q', unsafeTestOnlyScryptN: N });
    open.push(other);
    await other.loadFromCloud(provider, 'db-password');
    await other.loadFromCloud(provider, 'from-cloud');
    expect(await other.get('db-password')).toBe('pw-123456');
    expect(JSON.parse(await other.get('from-cloud'))).toEqual({ user: 'u', password: 'p1' });
    await expect(other.loadFromCloud(provider, 'missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await provider.close();
  });
});
