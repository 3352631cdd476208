import { describe, expect, it } from 'vitest';
import { fromVaultSecretName, toVaultSecretName } from './secret-names.js';

/** Seeded random in [0, 1): failures replay. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    // mulberry32
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-';

describe('Key Vault secret names', () => {
  it('documented examples', () => {
    expect(toVaultSecretName('app/DB_url')).toBe('app-3-d-b-2url');
    expect(toVaultSecretName('a-b.c')).toBe('a-0b-1c');
    expect(fromVaultSecretName('app-3-d-b-2url')).toBe('app/DB_url');
  });

  it('fuzz: always [0-9a-zA-Z-], reversible, and no two names collide (case-insensitively)', () => {
    const random = seeded(20261204);
    const seen = new Map<string, string>();
    for (let i = 0; i < 20_000; i++) {
      const length = 1 + Math.floor(random() * 40);
      let name = ALPHABET[Math.floor(random() * 62)] ?? 'a';
      for (let j = 1; j < length; j++) name += ALPHABET[Math.floor(random() * ALPHABET.length)] ?? 'a';
      const vault = toVaultSecretName(name);
      expect(vault).toMatch(/^[0-9a-zA-Z-]{1,127}$/);
      expect(fromVaultSecretName(vault)).toBe(name);
      expect(fromVaultSecretName(vault.toUpperCase())).toBe(name);
      const key = vault.toLowerCase();
      const other = seen.get(key);
      if (other !== undefined) expect(other).toBe(name);
      seen.set(key, name);
    }
    expect(seen.size).toBeGreaterThan(19_000);
  });

  it('a name too long once escaped, or not written by Gati, is INVALID_CONFIG', () => {
    expect(() => toVaultSecretName('A'.repeat(100))).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => fromVaultSecretName('bad-')).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => fromVaultSecretName('bad-9')).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});
