import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { SecretIntegrityError } from './errors.js';

/** Envelope format v1 (see docs/secrets-format.md). */
export const ENVELOPE_MAGIC = 0x4753; // "GS"
export const ENVELOPE_VERSION = 1;
export const ALGORITHM_AES_256_GCM = 1;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
const MAX_KEY_ID_BYTES = 64;

/** The parsed header of an envelope; `bytes` is the exact header as authenticated. */
export interface EnvelopeHeader {
  version: number;
  algorithm: number;
  keyId: string;
  keyVersion: number;
  iv: Buffer;
  tagLength: number;
  bytes: Buffer;
}

function headerBytes(keyId: string, keyVersion: number, iv: Buffer): Buffer {
  const id = Buffer.from(keyId, 'ascii');
  const out = Buffer.allocUnsafe(5 + id.length + 4 + IV_BYTES + 1);
  out.writeUInt16BE(ENVELOPE_MAGIC, 0);
  out[2] = ENVELOPE_VERSION;
  out[3] = ALGORITHM_AES_256_GCM;
  out[4] = id.length;
  id.copy(out, 5);
  let o = 5 + id.length;
  out.writeUInt32BE(keyVersion, o);
  o += 4;
  iv.copy(out, o);
  out[o + IV_BYTES] = TAG_BYTES;
  return out;
}

/** Additional authenticated data: the header, then the secret's name (length-prefixed). */
function aad(header: Buffer, name: string): Buffer {
  const n = Buffer.from(name, 'utf8');
  const len = Buffer.allocUnsafe(2);
  len.writeUInt16BE(n.length, 0);
  return Buffer.concat([header, len, n]);
}

// IVs come from a pool refilled by the CSPRNG: one getrandom call per 341 IVs instead of one per
// encryption (randomBytes(12) costs as much as the AES work for a 1 KiB secret). Every IV is fresh
// random bytes, copied into the header before the pool is touched again.
const IV_POOL = Buffer.alloc(IV_BYTES * 341);
let ivOffset = IV_POOL.length;

function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > IV_POOL.length) {
    randomFillSync(IV_POOL);
    ivOffset = 0;
  }
  const iv = IV_POOL.subarray(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}

/** Encrypts `plaintext` for `name` under `key` (32 bytes); a fresh random 96-bit IV every call. */
export function sealEnvelope(key: Buffer, keyId: string, keyVersion: number, name: string, plaintext: Buffer): Buffer {
  const header = headerBytes(keyId, keyVersion, nextIv());
  const iv = header.subarray(header.length - 1 - IV_BYTES, header.length - 1);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(header, name));
  const first = cipher.update(plaintext);
  const last = cipher.final();
  return Buffer.concat([header, first, last, cipher.getAuthTag()]);
}

/** Parses the header; rejects anything that is not a well-formed v1 AES-256-GCM envelope with a 16-byte tag. */
export function parseEnvelopeHeader(envelope: Buffer, name: string): EnvelopeHeader {
  const bad = (reason: 'malformed' | 'unsupported-version' | 'unsupported-algorithm' | 'tag-length', what: string): never => {
    throw new SecretIntegrityError(reason, `Secret "${name}" cannot be decrypted: ${what}. The stored value is corrupted or was tampered with.`, { name });
  };
  if (envelope.length < 5 || envelope.readUInt16BE(0) !== ENVELOPE_MAGIC) bad('malformed', 'not a Gati secret envelope');
  if (envelope[2] !== ENVELOPE_VERSION) bad('unsupported-version', `unsupported envelope version ${envelope[2]}`);
  if (envelope[3] !== ALGORITHM_AES_256_GCM) bad('unsupported-algorithm', `unsupported algorithm id ${envelope[3]}`);
  const idLen = envelope[4] ?? 0;
  if (idLen < 1 || idLen > MAX_KEY_ID_BYTES) bad('malformed', 'bad key id length');
  const headerLen = 5 + idLen + 4 + IV_BYTES + 1;
  if (envelope.length < headerLen + TAG_BYTES) bad('malformed', 'envelope too short');
  const tagLength = envelope[headerLen - 1];
  // The tag length is pinned: a shorter (truncated) tag would weaken authentication.
  if (tagLength !== TAG_BYTES) bad('tag-length', `tag length ${tagLength} is not the required ${TAG_BYTES} bytes`);
  const keyId = envelope.toString('ascii', 5, 5 + idLen);
  const o = 5 + idLen;
  return {
    version: ENVELOPE_VERSION,
    algorithm: ALGORITHM_AES_256_GCM,
    keyId,
    keyVersion: envelope.readUInt32BE(o),
    iv: envelope.subarray(o + 4, o + 4 + IV_BYTES),
    tagLength: TAG_BYTES,
    bytes: envelope.subarray(0, headerLen),
  };
}

/** Decrypts an envelope whose header was parsed with {@link parseEnvelopeHeader}. */
export function openEnvelope(key: Buffer, header: EnvelopeHeader, envelope: Buffer, name: string): Buffer {
  const body = envelope.subarray(header.bytes.length, envelope.length - TAG_BYTES);
  const tag = envelope.subarray(envelope.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, header.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(header.bytes, name));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (cause) {
    throw new SecretIntegrityError(
      'authentication-failed',
      `Secret "${name}" failed authentication: the ciphertext, its header or its name was altered (an envelope only decrypts under the name it was sealed for).`,
      { name, cause },
    );
  }
}
