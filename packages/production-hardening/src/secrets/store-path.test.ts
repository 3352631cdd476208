import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppSecrets, type OpenSecretStoreOptions, type SecretStore } from './index.js';

const N = 1024; // test-only scrypt cost
let dir: string;
const opened: SecretStore[] = [];
const warnings: string[] = [];
const logger = { debug() {}, info() {}, error() {}, warn: (m: string) => void warnings.push(m), child: () => logger };

async function open(file: string, extra: Partial<OpenSecretStoreOptions> = {}): Promise<SecretStore> {
  const store = await new AppSecrets({ logger }).open({ file, passphrase: 'correct horse battery staple', unsafeTestOnlyScryptN: N, ...extra });
  opened.push(store);
  return store;
}
const failure = (p: Promise<unknown>): Promise<{ code?: string; message: string; details?: Record<string, unknown> }> =>
  p.then(
    () => expect.unreachable('expected a rejection') as never,
    (e: unknown) => e as { code?: string; message: string; details?: Record<string, unknown> },
  );

beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'gati-store-path-'));
  warnings.length = 0;
});
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('what sits at the store path', () => {
  it('a directory is INVALID_CONFIG naming the path, not EISDIR', async () => {
    const path = join(dir, 'secrets.enc');
    await fs.mkdir(path);
    for (const extra of [{}, { create: false }]) {
      const e = await failure(open(path, extra));
      expect(e).toMatchObject({ name: 'GatiError', code: 'INVALID_CONFIG', details: { reason: 'is-directory' } });
      expect(e.message).toContain(`${path} is a directory`);
    }
  });

  it('a symbolic link to a directory is INVALID_CONFIG naming the link and its target', async () => {
    const target = join(dir, 'folder');
    await fs.mkdir(target);
    const link = join(dir, 'secrets.enc');
    await fs.symlink(target, link);
    const e = await failure(open(link));
    expect(e).toMatchObject({ code: 'INVALID_CONFIG', details: { reason: 'is-directory' } });
    expect(e.message).toContain(`${target} (the target of the symbolic link ${link}) is a directory`);
  });

  it('a path below a file is INVALID_CONFIG', async () => {
    await fs.writeFile(join(dir, 'plain'), 'x');
    const e = await failure(open(join(dir, 'plain', 'secrets.enc')));
    expect(e).toMatchObject({ name: 'GatiError', code: 'INVALID_CONFIG' });
    expect(e.message).toContain(join(dir, 'plain', 'secrets.enc'));
  });
});

describe('symbolic links: written through to the target, atomically, the link kept', () => {
  it('reads and writes the target through the link; the two paths never diverge', async () => {
    const real = join(dir, 'real', 'secrets.enc');
    await (await open(real)).set('a', 'value-a');
    const links = join(dir, 'links');
    await fs.mkdir(links, { mode: 0o700 });
    const link = join(links, 'secrets.enc');
    await fs.symlink('../real/secrets.enc', link); // relative, as a deploy tool would make it
    const viaLink = await open(link);
    expect(await viaLink.get('a')).toBe('value-a');
    await viaLink.set('b', 'value-b');
    await viaLink.rotate();

    expect((await fs.lstat(link)).isSymbolicLink()).toBe(true);
    expect(await fs.readlink(link)).toBe('../real/secrets.enc');
    const direct = await open(real);
    expect([await direct.get('a'), await direct.get('b')]).toEqual(['value-a', 'value-b']);
    await direct.set('c', 'value-c');
    expect(await viaLink.get('c')).toBe('value-c');
    // Temp files and the lock live beside the target; nothing is left beside the link.
    expect(await fs.readdir(links)).toEqual(['secrets.enc']);
    expect((await fs.readdir(join(dir, 'real'))).sort()).toEqual(['secrets.enc']);
    expect((await fs.stat(real)).mode & 0o777).toBe(0o600);
  });

  it('follows a chain of links', async () => {
    const real = join(dir, 'secrets.real');
    await (await open(real)).set('k', 'v-123');
    await fs.symlink(real, join(dir, 'hop'));
    await fs.symlink(join(dir, 'hop'), join(dir, 'secrets.enc'));
    const store = await open(join(dir, 'secrets.enc'));
    await store.set('k2', 'v-456');
    expect(await (await open(real)).get('k2')).toBe('v-456');
    expect((await fs.lstat(join(dir, 'hop'))).isSymbolicLink()).toBe(true);
  });

  it('a dangling link is refused: no store is created behind it and the link stays', async () => {
    const link = join(dir, 'secrets.enc');
    await fs.symlink('missing/secrets.enc', link);
    const e = await failure(open(link));
    expect(e).toMatchObject({ code: 'INVALID_CONFIG', details: { reason: 'dangling-link' } });
    expect(e.message).toContain(`${link} is a symbolic link to ${join(dir, 'missing/secrets.enc')}, which does not exist`);
    expect((await fs.lstat(link)).isSymbolicLink()).toBe(true);
    await expect(fs.stat(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('a store file others may read (like ssh and private keys)', () => {
  it.each([0o644, 0o640, 0o604, 0o660])('mode %s is refused with how to fix it', async (mode) => {
    const file = join(dir, 'secrets.enc');
    await (await open(file)).set('a', 'value-a');
    await fs.chmod(file, mode);
    const e = await failure(open(file));
    expect(e).toMatchObject({ name: 'GatiError', code: 'INVALID_CONFIG', details: { reason: 'file-mode', mode: `0${mode.toString(8)}` } });
    expect(e.message).toContain(`chmod 600 ${file}`);
  });

  it('a store already open refuses a replacement file that others may read', async () => {
    const file = join(dir, 'secrets.enc');
    const store = await open(file);
    await store.set('a', 'value-a');
    // Someone restores the file from a backup with the wrong mode (a new inode: the store reloads it).
    const text = await fs.readFile(file);
    await fs.rm(file);
    await fs.writeFile(file, text, { mode: 0o644 });
    await fs.chmod(file, 0o644);
    await expect(store.get('a')).rejects.toMatchObject({ code: 'INVALID_CONFIG', details: { reason: 'file-mode' } });
    await fs.chmod(file, 0o600);
    expect(await store.get('a')).toBe('value-a');
  });

  it("filePermissions: 'warn' opens it with one warning; the next write makes it 0600", async () => {
    const file = join(dir, 'secrets.enc');
    await (await open(file)).set('a', 'value-a');
    await fs.chmod(file, 0o644);
    const store = await open(file, { filePermissions: 'warn' });
    expect(await store.get('a')).toBe('value-a');
    expect(warnings.filter((w) => w.includes('accessible to other users'))).toHaveLength(1);
    await store.set('b', 'value-b');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(await (await open(file)).get('b')).toBe('value-b');
  });

  it('the mode checked through a link is the target’s', async () => {
    const real = join(dir, 'secrets.real');
    await (await open(real)).set('a', 'value-a');
    await fs.symlink(real, join(dir, 'secrets.enc'));
    await fs.chmod(real, 0o644);
    await expect(open(join(dir, 'secrets.enc'))).rejects.toMatchObject({ code: 'INVALID_CONFIG', details: { reason: 'file-mode' } });
  });
});

describe('store options', () => {
  it.each([
    ['a NaN lock timeout (it would wait for ever)', { lock: { timeoutMs: Number.NaN } }, 'lock.timeoutMs'],
    ['a negative stale age', { lock: { staleMs: -1 } }, 'lock.staleMs'],
    ['an infinite key age', { maxKeyAgeDays: Number.POSITIVE_INFINITY }, 'maxKeyAgeDays'],
  ])('%s is INVALID_CONFIG', async (_name, extra, path) => {
    const e = await failure(open(join(dir, 'secrets.enc'), extra as Partial<OpenSecretStoreOptions>));
    expect(e).toMatchObject({ code: 'INVALID_CONFIG', details: { issues: [expect.objectContaining({ path })] } });
  });
});

describe('values of the wrong type', () => {
  it('are INVALID_CONFIG, not a TypeError from Buffer', async () => {
    const store = await open(join(dir, 'secrets.enc'));
    for (const value of [42, null, undefined, { a: 1 }]) {
      await expect(store.set('a', value as unknown as string)).rejects.toMatchObject({ name: 'GatiError', code: 'INVALID_CONFIG' });
      expect(() => store.encrypt('a', value as unknown as string)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }) as Error);
      expect(() => store.decrypt('a', value as unknown as string)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }) as Error);
    }
    expect(await store.list()).toEqual([]);
  });
});

