import { promises as fs } from 'node:fs';
import { sealEnvelope, openEnvelope, parseEnvelopeHeader } from './envelope.js';
import { SecretIntegrityError } from './errors.js';
import { equalBase64, hmacBase64, keyCheckValue, type SubKeys } from './kdf.js';
import { shapeProblem, type StoreBody, type StoreFile } from './store-format.js';

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
}

/** Reads and parses a store file without verifying it (the key is not known yet); errors name the file. */
export async function readStoreFile(file: string): Promise<ReadStoreFile | undefined> {
  let text: string;
  let key: string;
  try {
    const handle = await fs.open(file, 'r');
    try {
      key = statKey(await handle.stat());
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new SecretIntegrityError('file-corrupted', `Secrets file ${file} is corrupted (${text.length === 0 ? 'empty' : 'not valid JSON'}). Restore it from a backup; it was not opened as an empty store.`, { file, cause });
  }
  const problem = shapeProblem(parsed);
  if (problem) throw new SecretIntegrityError('file-corrupted', `Secrets file ${file} is corrupted or not a Gati secrets file (${problem}).`, { file });
  return { parsed: parsed as StoreFile, statKey: key };
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
