import { SecretNameSchema } from '@gati-framework/core';
import { describe, expect, it } from 'vitest';
import { crc32c } from '@aws-crypto/crc32c';
import { fromSecretId, toSecretId } from './secret-name.js';

/** Seeded random: failures reproduce. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a * 1103515245 + 12345) % 2 ** 31;
    return a / 2 ** 31;
  };
}

const FIRST = 'abcXYZ019';
const REST = 'aZ09._/-_./';

describe('secret name mapping', () => {
  it('is reversible, collision-free and always a valid Secret Manager id (fuzzed, 20 000 names)', () => {
    const random = seeded(7);
    const seen = new Map<string, string>();
    for (let n = 0; n < 20_000; n++) {
      const length = 1 + Math.floor(random() * 127);
      let name = FIRST[Math.floor(random() * FIRST.length)] as string;
      while (name.length < length) name += REST[Math.floor(random() * REST.length)];
      expect(SecretNameSchema.safeParse(name).success).toBe(true);
      const id = toSecretId(name);
      expect(id).toMatch(/^[A-Za-z0-9_-]{1,255}$/);
      expect(fromSecretId(id)).toBe(name);
      const earlier = seen.get(id);
      if (earlier !== undefined) expect(earlier).toBe(name);
      seen.set(id, name);
    }
  });

  it('keeps names that are already valid ids readable, and escapes the rest', () => {
    expect(toSecretId('db-password')).toBe('db-password');
    expect(toSecretId('shop/db.password')).toBe('shop_sdb_dpassword');
    expect(toSecretId('a_b')).toBe('a__b');
    expect(toSecretId('a.b')).not.toBe(toSecretId('a_b'));
    expect(fromSecretId('a_x')).toBeUndefined();
  });
});

describe('crc32c (@aws-crypto/crc32c)', () => {
  it('is CRC32C, the Castagnoli checksum Secret Manager keeps, not plain CRC32', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array())).toBe(0);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
  });
});
