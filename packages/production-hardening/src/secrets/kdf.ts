import { createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt parameters stored with a store; N is a power of two. */
export interface ScryptParams {
  name: 'scrypt';
  N: number;
  r: number;
  p: number;
  /** base64, 16 random bytes per store. */
  salt: string;
}

/** The production minimum and default: N = 2^17, r = 8, p = 1 (128 MiB, OWASP's scrypt floor). */
export const DEFAULT_SCRYPT_N = 2 ** 17;
/** Files asking for more than 2^22 (4 GiB of memory) are refused rather than trusted. */
export const MAX_SCRYPT_N = 2 ** 22;
/** Lowest N the test-only option accepts. */
export const MIN_TEST_SCRYPT_N = 2 ** 10;

export function newScryptParams(N: number): ScryptParams {
  return { name: 'scrypt', N, r: 8, p: 1, salt: randomBytes(16).toString('base64') };
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;
}

/** Derives the 32-byte key-encryption key from a passphrase (async: runs on the libuv pool). */
export function deriveFromPassphrase(passphrase: string, params: ScryptParams): Promise<Buffer> {
  const salt = Buffer.from(params.salt, 'base64');
  const maxmem = 128 * params.N * params.r * params.p + 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, 32, { N: params.N, r: params.r, p: params.p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Sub-keys of the key-encryption key, one per purpose (HKDF-SHA256). */
export interface SubKeys {
  wrap: Buffer;
  mac: Buffer;
  check: Buffer;
}

export function subKeys(kek: Buffer, keyId: string): SubKeys {
  const salt = Buffer.from(`gati-secrets/${keyId}`, 'utf8');
  const derive = (info: string): Buffer => Buffer.from(hkdfSync('sha256', kek, salt, info, 32));
  return { wrap: derive('wrap v1'), mac: derive('file mac v1'), check: derive('key check v1') };
}

/** A value that proves the right key without revealing it (distinguishes a wrong key from tampering). */
export function keyCheckValue(check: Buffer): string {
  return createHmac('sha256', check).update('gati-secrets key check').digest('base64').slice(0, 24);
}

export function hmacBase64(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('base64');
}

/**
 * Constant-time comparison of two base64 strings as written (not decoded: a decoder ignores
 * stray characters and unused low bits, so a changed file could otherwise still match).
 */
export function equalBase64(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
