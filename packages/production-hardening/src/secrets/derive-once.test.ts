import * as crypto from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// Count scrypt calls made by the store (the real function still runs).
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof crypto>();
  return { ...real, scrypt: vi.fn(real.scrypt) };
});

describe('key derivation', () => {
  it('runs scrypt once per open and once per passphrase rotation, never per secret', async () => {
    const { AppSecrets } = await import('../index.js');
    const scrypt = vi.mocked(crypto.scrypt);
    const dir = await fs.mkdtemp(join(tmpdir(), 'gati-derive-'));
    try {
      const store = await new AppSecrets().open({ file: join(dir, 's.enc'), passphrase: 'p', unsafeTestOnlyScryptN: 1024 });
      expect(scrypt).toHaveBeenCalledTimes(1);
      for (let i = 0; i < 50; i += 1) await store.set(`s-${i}`, `v-${i}`);
      for (let i = 0; i < 50; i += 1) await store.get(`s-${i}`);
      await store.rotate();
      expect(scrypt).toHaveBeenCalledTimes(1);
      await store.rotate({ newPassphrase: 'q' });
      expect(scrypt).toHaveBeenCalledTimes(2);
      await store.close();
      const again = await new AppSecrets().open({ file: join(dir, 's.enc'), passphrase: 'q', unsafeTestOnlyScryptN: 1024 });
      expect(scrypt).toHaveBeenCalledTimes(3);
      expect(await again.get('s-49')).toBe('v-49');
      await again.close();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
