import type { ScryptParams } from './kdf.js';

/** One key version of a store's keyring, as stored (the data key wrapped under the key-encryption key). */
export interface StoredKey {
  version: number;
  createdAt: string;
  retiredAt?: string;
  /** base64 envelope of the 32-byte data key, sealed under the wrap key. */
  wrapped: string;
}

export interface StoredSecret {
  name: string;
  /** base64 envelope v1. */
  envelope: string;
  updatedAt: string;
}

/** One entry of the rotation history. */
export interface RotationEvent {
  at: string;
  action: 'created' | 'rotated' | 'passphrase-changed' | 'key-retired';
  fromVersion?: number;
  toVersion?: number;
  /** Secrets re-encrypted by this step. */
  secrets?: number;
}

/** The authenticated part of a store file. */
export interface StoreBody {
  format: 'gati-secrets';
  version: 1;
  keyId: string;
  kdf: ScryptParams | { name: 'raw' };
  /** Key check value: tells a wrong passphrase from a tampered file. */
  check: string;
  activeVersion: number;
  keys: StoredKey[];
  secrets: StoredSecret[];
  history: RotationEvent[];
}

/** The file: the body and an HMAC-SHA256 of its JSON under a key derived from the store key. */
export interface StoreFile {
  body: StoreBody;
  mac: string;
}

/** Rotation history kept per store (older entries are dropped, oldest first). */
export const MAX_HISTORY = 1000;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Structural check of a parsed file; returns what is wrong, or undefined when the shape is right. */
export function shapeProblem(value: unknown): string | undefined {
  if (!isObj(value) || !isObj(value['body']) || typeof value['mac'] !== 'string') return 'not a Gati secrets file';
  const b = value['body'];
  if (b['format'] !== 'gati-secrets') return 'not a Gati secrets file';
  if (b['version'] !== 1) return `unsupported store version ${String(b['version'])}`;
  if (typeof b['keyId'] !== 'string' || typeof b['check'] !== 'string' || typeof b['activeVersion'] !== 'number') return 'missing key fields';
  const kdf = b['kdf'];
  if (!isObj(kdf) || (kdf['name'] !== 'raw' && kdf['name'] !== 'scrypt')) return 'unknown key derivation';
  if (kdf['name'] === 'scrypt' && (!['N', 'r', 'p'].every((k) => typeof kdf[k] === 'number') || typeof kdf['salt'] !== 'string')) return 'bad scrypt parameters';
  if (!Array.isArray(b['keys']) || !b['keys'].every((k) => isObj(k) && typeof k['version'] === 'number' && typeof k['wrapped'] === 'string')) return 'bad keyring';
  if (!Array.isArray(b['secrets']) || !b['secrets'].every((s) => isObj(s) && typeof s['name'] === 'string' && typeof s['envelope'] === 'string')) return 'bad secrets list';
  if (!Array.isArray(b['history'])) return 'bad history';
  return undefined;
}
