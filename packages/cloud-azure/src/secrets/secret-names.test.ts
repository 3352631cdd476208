import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromVaultSecretName, toVaultSecretName } from './secret-names.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-';

describe('Key Vault secret names', () => {
  it('documented examples', () => {
    expect(toVaultSecretName('app/DB_url')).toBe('app-3-d-b-2url');
    expect(toVaultSecretName('a-b.c')).toBe('a-0b-1c');
    expect(fromVaultSecretName('app-3-d-b-2url')).toBe('app/DB_url');
  });

  // Toolkit names: a letter or digit, then letters, digits and . _ / - (core's SecretNameSchema), short enough for Key Vault once escaped.
  const names = (alphabet: string): fc.Arbitrary<string> =>
    fc.tuple(fc.constantFrom(...ALPHABET.slice(0, 62)), fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 39 })).map(([first, rest]) => first + rest);

  it('fuzz: always [0-9a-zA-Z-] within 127, reversible, also from Key Vault\'s upper-cased spelling', () => {
    fc.assert(
      fc.property(names(ALPHABET), (name) => {
        const vault = toVaultSecretName(name);
        expect(vault).toMatch(/^[0-9a-zA-Z-]{1,127}$/);
        expect(fromVaultSecretName(vault)).toBe(name);
        // Decoding any casing gives the name back: so no two names share a vault name, case-insensitively.
        expect(fromVaultSecretName(vault.toUpperCase())).toBe(name);
        expect(fromVaultSecretName(vault.toLowerCase())).toBe(name);
      }),
      { numRuns: 20_000, seed: 20261204 },
    );
  });

  it('fuzz: a name and its one-character neighbours never share a vault name, case-insensitively', () => {
    const neighbour = fc.tuple(names(ALPHABET), fc.nat(), fc.constantFrom(...ALPHABET)).map(([name, at, ch]) => {
      const i = 1 + (at % Math.max(1, name.length - 1));
      return [name, i < name.length ? name.slice(0, i) + ch + name.slice(i + 1) : name + ch] as const;
    });
    fc.assert(
      fc.property(neighbour, ([a, b]) => {
        fc.pre(a !== b);
        expect(toVaultSecretName(a).toLowerCase()).not.toBe(toVaultSecretName(b).toLowerCase());
      }),
      { numRuns: 20_000, seed: 20261205 },
    );
  });

  it('a name too long once escaped, or not written by Gati, is INVALID_CONFIG', () => {
    expect(() => toVaultSecretName('A'.repeat(100))).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => fromVaultSecretName('bad-')).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => fromVaultSecretName('bad-9')).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});
