import { SecretNameSchema } from '@gati-framework/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c } from '@aws-crypto/crc32c';
import { fromSecretId, toSecretId } from './secret-name.js';

const FIRST = 'abcXYZ019';
const REST = 'aZ09._/-_./';

describe('secret name mapping', () => {
  // Toolkit names (core's SecretNameSchema): a letter or digit, then letters, digits and . _ / -.
  const names = fc.tuple(fc.constantFrom(...FIRST), fc.string({ unit: fc.constantFrom(...REST), maxLength: 126 })).map(([first, rest]) => first + rest);

  it('is reversible and always a valid Secret Manager id, so no two names share one (fast-check, 20 000 names)', () => {
    fc.assert(
      fc.property(names, (name) => {
        expect(SecretNameSchema.safeParse(name).success).toBe(true);
        const id = toSecretId(name);
        expect(id).toMatch(/^[A-Za-z0-9_-]{1,255}$/);
        expect(fromSecretId(id)).toBe(name);
      }),
      { numRuns: 20_000, seed: 7 },
    );
  });

  it('a name and its one-character neighbours never share an id', () => {
    const neighbour = fc.tuple(names, fc.nat(), fc.constantFrom(...REST)).map(([name, at, ch]) => {
      const i = 1 + (at % Math.max(1, name.length - 1));
      return [name, i < name.length ? name.slice(0, i) + ch + name.slice(i + 1) : name + ch] as const;
    });
    fc.assert(
      fc.property(neighbour, ([a, b]) => {
        fc.pre(a !== b);
        expect(toSecretId(a)).not.toBe(toSecretId(b));
      }),
      { numRuns: 20_000, seed: 8 },
    );
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
