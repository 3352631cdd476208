import { promises as fs } from 'node:fs';
import { GatiError } from '@gati-framework/core';
import { sealEnvelope, openEnvelope, parseEnvelopeHeader } from './envelope.js';
import { SecretIntegrityError } from './errors.js';
import { equalBase64, hmacBase64, keyCheckValue, type SubKeys } from './kdf.js';
import { shapeProblem, type StoreBody, type StoreFile } from './store-format.js';
import { storeIoError } from './store-path.js';
import type { DataKey } from './store-types.js';

/** Name under which a data key of `version` is sealed (cannot collide with a secret name). */
export function keySlotName(keyId: string, version: number): string {
  return `\u0000keyring/${keyId}/v${version}`;
}

export function wrapDataKey(sub: SubKeys, keyId: string, version: number, dataKey: Buffer): string {
  return sealEnvelope(sub.wrap, keyId, 0, keySlotName(keyId, version), dataKey).toString('base64');
}

export function unwrapDataKey(sub: SubKeys, keyId: string, version: number, wrapped: string, file: string): Buffer {
  try {
    const env = Buffer.from(wrapped, 'base64');
    const name = keySlotName(keyId, version);
    return openEnvelope(sub.wrap, parseEnvelopeHeader(env, name), env, name);
  } catch (cause) {
    throw new SecretIntegrityError('file-tampered', `Secrets file ${file} failed its integrity check (key version ${version} does not unwrap). Restore it from a backup.`, { file, cause });
  }
}

/** The data keys of a verified body; keys already unwrapped (`known`) are reused, retired ones are zero. */
export function unwrapKeyring(body: StoreBody, sub: SubKeys, file: string, known?: ReadonlyMap<number, DataKey>): Map<number, DataKey> {
  const keys = new Map<number, DataKey>();
  for (const k of body.keys) {
    const have = known?.get(k.version);
    if (k.retiredAt) keys.set(k.version, { key: Buffer.alloc(32), createdAt: k.createdAt, retiredAt: k.retiredAt });
    else keys.set(k.version, have && !have.retiredAt ? have : { key: unwrapDataKey(sub, body.keyId, k.version, k.wrapped, file), createdAt: k.createdAt });
  }
  return keys;
}

/** Serializes a body with its MAC. */
export function encodeStoreFile(body: StoreBody, sub: SubKeys): string {
  const json = JSON.stringify(body);
  return `{"body":${json},"mac":${JSON.stringify(hmacBase64(sub.mac, json))}}\n`;
}

/** Identity of one version of the file (writers replace it by rename: a new inode each time). */
export function statKey(st: { ino: number; size: number; mtimeMs: number }): string {
  return `${st.ino}:${st.size}:${st.mtimeMs}`;
}

/** A parsed (not yet verified) store file and the identity of the version read. */
export interface ReadStoreFile {
  parsed: StoreFile;
  statKey: string;
  /** Permission bits of the version read (checked against the file-mode policy by the caller). */
  mode: number;
}

/** Reads and parses a store file without verifying it (the key is not known yet); errors name the file. */
export async function readStoreFile(file: string): Promise<ReadStoreFile | undefined> {
  let text: string;
  let key: string;
  let mode: number;
  try {
    const handle = await fs.open(file, 'r');
    try {
      const st = await handle.stat();
      // Checked on the open handle: whatever replaced the path since it was resolved, this is what is read.
      if (!st.isFile()) throw new GatiError('INVALID_CONFIG', `Secrets file ${file} is ${st.isDirectory() ? 'a directory' : 'not a regular file'}. Pass the path of a store file.`, { details: { file, reason: st.isDirectory() ? 'is-directory' : 'not-a-file' } });
      key = statKey(st);
      mode = st.mode & 0o777;
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw storeIoError(e, 'read secrets file', file);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new SecretIntegrityError('file-corrupted', `Secrets file ${file} is corrupted (${text.length === 0 ? 'empty' : 'not valid JSON'}). Restore it from a backup; it was not opened as an empty store.`, { file, cause });
  }
  const problem = shapeProblem(parsed);
  if (problem) throw new SecretIntegrityError('file-corrupted', `Secrets file ${file} is corrupted or not a Gati secrets file (${problem}).`, { file });
  return { parsed: parsed as StoreFile, statKey: key, mode };
}

/** Checks the key and then the MAC: a wrong key and a tampered file give different errors. */
export function verifyStoreFile(parsed: StoreFile, sub: SubKeys, file: string): void {
  if (!equalBase64(parsed.body.check, keyCheckValue(sub.check))) {
    throw new SecretIntegrityError(
      'wrong-key',
      `Cannot unlock secrets file ${file}: wrong passphrase or key (or its key parameters were altered). Pass the passphrase or key the store was created with.`,
      { file },
    );
  }
  if (!equalBase64(parsed.mac, hmacBase64(sub.mac, JSON.stringify(parsed.body)))) {
    throw new SecretIntegrityError('file-tampered', `Secrets file ${file} failed its integrity check: it was modified outside Gati or is corrupted. Restore it from a backup.`, { file });
  }
}
