import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { GatiError, MAX_SECRET_BYTES, SecretNameSchema, type ICloudProvider, type SecretRef } from '@gati-framework/core';
import { removeOrphanTempFiles, writeFileAtomic } from './atomic-file.js';
import { openEnvelope, parseEnvelopeHeader, sealEnvelope } from './envelope.js';
import { SecretIntegrityError, isSecretIntegrityError } from './errors.js';
import { acquireFileLock } from './file-lock.js';
import { deriveFromPassphrase, keyCheckValue, newScryptParams, subKeys, type SubKeys } from './kdf.js';
import { Sanitizer, type SanitizerOptions } from './sanitize.js';
import { encodeStoreFile, readStoreFile, statKey, unwrapKeyring, verifyStoreFile, wrapDataKey } from './store-codec.js';
import { MAX_HISTORY, type RotationEvent, type StoreBody, type StoredSecret } from './store-format.js';
import { checkStoreFileMode, resolveStorePath, storeIoError } from './store-path.js';
import type { DataKey, KeyVersionInfo, RotateOptions, RotationResult, StoreSettings } from './store-types.js';

export type { KeyVersionInfo, RotateOptions, RotationResult, StoreSettings } from './store-types.js';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,126}$/;
const DAY_MS = 86_400_000;

function checkName(name: string): void {
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    const issue = SecretNameSchema.safeParse(name).error?.issues[0]?.message ?? 'invalid name';
    throw new GatiError('INVALID_CONFIG', `Invalid secret name ${JSON.stringify(String(name).slice(0, 130))}: ${issue}.`);
  }
}

function toBytes(value: string | Uint8Array): Buffer {
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) throw new GatiError('INVALID_CONFIG', `A secret value must be a string or bytes (a Uint8Array or Buffer), not ${value === null ? 'null' : typeof value}.`);
  const buf = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.isBuffer(value) ? value : Buffer.from(value);
  if (buf.length > MAX_SECRET_BYTES) throw new GatiError('INVALID_CONFIG', `A secret value must be at most ${MAX_SECRET_BYTES} bytes (got ${buf.length}).`);
  return buf;
}

/**
 * An open, unlocked secret store: a keyring of data keys under one key-encryption key
 * (derived once, at open), and secrets sealed in envelope format v1. File-backed stores
 * write atomically under a cross-process lock and pick up other processes' writes.
 * Create one with `AppSecrets.open()`.
 */
export class SecretStore {
  private sub: SubKeys;
  private body: StoreBody;
  private readonly keys = new Map<number, DataKey>();
  private readonly secrets = new Map<string, StoredSecret>();
  private lastStat: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** @internal use `AppSecrets.open()`. */
  constructor(
    private readonly settings: StoreSettings,
    sub: SubKeys,
    body: StoreBody,
    keys: Map<number, DataKey>,
  ) {
    this.sub = sub;
    this.body = body;
    this.applyBody(body, keys);
  }

  /** The file backing this store, if any. */
  get file(): string | undefined {
    return this.settings.file;
  }

  /** The keyring id written into every envelope. */
  get keyId(): string {
    return this.body.keyId;
  }

  /** The key version new secrets are sealed under. */
  get activeVersion(): number {
    return this.body.activeVersion;
  }

  /** Stores (or replaces) a secret. */
  async set(name: string, value: string | Uint8Array): Promise<void> {
    await this.setMany([[name, value]]);
  }

  /** Stores several secrets in one atomic write. */
  async setMany(entries: Iterable<readonly [string, string | Uint8Array]>): Promise<void> {
    const list = [...entries];
    for (const [name, value] of list) {
      checkName(name);
      toBytes(value);
    }
    await this.mutate(() => {
      const now = this.settings.now().toISOString();
      for (const [name, value] of list) this.secrets.set(name, { name, envelope: this.encrypt(name, value), updatedAt: now });
    });
  }

  /** Decrypts a secret; `NOT_FOUND` when absent. */
  async get(name: string): Promise<string> {
    return (await this.getBytes(name)).toString('utf8');
  }

  async getBytes(name: string): Promise<Buffer> {
    this.assertOpen();
    await this.refresh();
    const record = this.secrets.get(name);
    if (!record) throw new GatiError('NOT_FOUND', `No secret named "${name}" in ${this.describe()}.`);
    return this.decryptBytes(name, record.envelope);
  }

  async has(name: string): Promise<boolean> {
    this.assertOpen();
    await this.refresh();
    return this.secrets.has(name);
  }

  /** Names of the stored secrets, sorted. */
  async list(): Promise<string[]> {
    this.assertOpen();
    await this.refresh();
    return [...this.secrets.keys()].sort();
  }

  /** Deletes a secret; true when it existed. */
  async delete(name: string): Promise<boolean> {
    let existed = false;
    await this.mutate(() => {
      existed = this.secrets.delete(name);
    });
    return existed;
  }

  /**
   * Seals a value for `name` under the active key version and returns the envelope (base64url)
   * without storing it: for values kept elsewhere (a database column). Only `decrypt` with the
   * same name opens it.
   */
  encrypt(name: string, value: string | Uint8Array): string {
    return this.encryptBytes(name, value).toString('base64url');
  }

  /** Like `encrypt`, returning the binary envelope (no base64). */
  encryptBytes(name: string, value: string | Uint8Array): Buffer {
    this.assertOpen();
    const active = this.keys.get(this.body.activeVersion);
    if (!active) throw new GatiError('NOT_INITIALIZED', 'The store has no active key version.');
    return sealEnvelope(active.key, this.body.keyId, this.body.activeVersion, name, toBytes(value));
  }

  /** Opens an envelope made by `encrypt` (any key version not yet retired). */
  decrypt(name: string, envelope: string): string {
    return this.decryptBytes(name, envelope).toString('utf8');
  }

  /** Opens an envelope (base64url string or binary) and returns the plaintext bytes. */
  decryptBytes(name: string, envelope: string | Uint8Array): Buffer {
    this.assertOpen();
    if (typeof envelope !== 'string' && !(envelope instanceof Uint8Array)) throw new GatiError('INVALID_CONFIG', `An envelope must be a base64url string or bytes, not ${envelope === null ? 'null' : typeof envelope}.`);
    const bytes = typeof envelope === 'string' ? Buffer.from(envelope, 'base64url') : Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
    const header = parseEnvelopeHeader(bytes, name);
    const key = header.keyId === this.body.keyId ? this.keys.get(header.keyVersion) : undefined;
    if (!key || key.retiredAt) {
      throw new SecretIntegrityError(
        'unknown-key',
        `Secret "${name}" was sealed under key ${header.keyId} v${header.keyVersion}, which this store ${key ? 'has retired' : 'does not hold'}.`,
        { name, ...(this.settings.file ? { file: this.settings.file } : {}) },
      );
    }
    return openEnvelope(key.key, header, bytes, name);
  }

  /**
   * Adds a key version and re-encrypts every secret under it, in one atomic write.
   * Older versions keep decrypting until retired. With `newPassphrase`/`newKey` the
   * keyring is re-wrapped under the new key-encryption key as part of the same write.
   */
  async rotate(options: RotateOptions = {}): Promise<RotationResult> {
    let rekey: { sub: SubKeys; kdf: StoreBody['kdf'] } | undefined;
    if (options.newPassphrase !== undefined) {
      if (typeof options.newPassphrase !== 'string' || options.newPassphrase.length === 0) throw new GatiError('INVALID_CONFIG', '`newPassphrase` must be a non-empty string.');
      const kdf = newScryptParams(this.settings.scryptN);
      rekey = { sub: subKeys(await deriveFromPassphrase(options.newPassphrase, kdf), this.body.keyId), kdf };
    } else if (options.newKey !== undefined) {
      if (options.newKey.length !== 32) throw new GatiError('INVALID_CONFIG', '`newKey` must be exactly 32 bytes.');
      rekey = { sub: subKeys(Buffer.from(options.newKey), this.body.keyId), kdf: { name: 'raw' } };
    }
    let result: RotationResult | undefined;
    await this.mutate(() => {
      const from = this.body.activeVersion;
      const to = Math.max(...this.keys.keys()) + 1;
      const at = this.settings.now().toISOString();
      const dataKey = randomBytes(32);
      this.keys.set(to, { key: dataKey, createdAt: at });
      const plain = [...this.secrets.values()].map((s) => [s, this.decryptBytes(s.name, s.envelope)] as const);
      this.body.activeVersion = to;
      for (const [s, value] of plain) this.secrets.set(s.name, { name: s.name, envelope: this.encrypt(s.name, value), updatedAt: s.updatedAt });
      if (rekey) {
        this.sub = rekey.sub;
        this.body.kdf = rekey.kdf;
        this.body.check = keyCheckValue(rekey.sub.check);
      }
      this.pushHistory({ at, action: rekey ? 'passphrase-changed' : 'rotated', fromVersion: from, toVersion: to, secrets: plain.length });
      result = { fromVersion: from, toVersion: to, reencrypted: plain.length, passphraseChanged: rekey !== undefined };
    });
    this.settings.logger.info('secret store rotated', { file: this.settings.file, ...result });
    return result as unknown as RotationResult;
  }

  /** Retires a key version: envelopes sealed under it no longer decrypt. Refused while a stored secret uses it. */
  async retireKeyVersion(version: number): Promise<void> {
    await this.mutate(() => {
      const key = this.keys.get(version);
      if (!key) throw new GatiError('NOT_FOUND', `Key version ${version} does not exist in ${this.describe()}.`);
      if (version === this.body.activeVersion) throw new GatiError('CONFLICT', `Key version ${version} is active; rotate first.`, { retryable: false });
      const using = [...this.secrets.values()].filter((s) => parseEnvelopeHeader(Buffer.from(s.envelope, 'base64url'), s.name).keyVersion === version).length;
      if (using > 0) throw new GatiError('CONFLICT', `Key version ${version} still encrypts ${using} secrets; rotate first.`, { retryable: false });
      key.retiredAt = this.settings.now().toISOString();
      key.key.fill(0);
      this.pushHistory({ at: key.retiredAt, action: 'key-retired', fromVersion: version });
    });
  }

  /** True when the active key is older than the age policy (`maxKeyAgeDays`, default 90). */
  needsRotation(now: Date = this.settings.now()): boolean {
    const active = this.keys.get(this.body.activeVersion);
    return !active || now.getTime() - Date.parse(active.createdAt) >= this.settings.maxKeyAgeDays * DAY_MS;
  }

  keyVersions(): KeyVersionInfo[] {
    const counts = new Map<number, number>();
    for (const s of this.secrets.values()) {
      const v = parseEnvelopeHeader(Buffer.from(s.envelope, 'base64url'), s.name).keyVersion;
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    return [...this.keys.entries()]
      .sort(([a], [b]) => a - b)
      .map(([version, k]) => ({
        version,
        createdAt: new Date(k.createdAt),
        ...(k.retiredAt ? { retiredAt: new Date(k.retiredAt) } : {}),
        active: version === this.body.activeVersion,
        secrets: counts.get(version) ?? 0,
      }));
  }

  /** Rotation history, oldest first (creation, rotations, passphrase changes, retirements). */
  history(): RotationEvent[] {
    return this.body.history.map((h) => ({ ...h }));
  }

  /** Pushes secrets to a cloud secret store as `{ value }` records (all, or `names`). */
  async syncToCloud(provider: ICloudProvider, names?: string[]): Promise<SecretRef[]> {
    const refs: SecretRef[] = [];
    for (const name of names ?? (await this.list())) refs.push(await provider.storeSecret({ name, values: { value: await this.get(name) } }));
    this.settings.logger.info('secrets synced to cloud', { provider: provider.name, count: refs.length });
    return refs;
  }

  /** Pulls a cloud secret into this store (its `value` field, or the whole record as JSON). */
  async loadFromCloud(provider: ICloudProvider, name: string, options: { as?: string } = {}): Promise<void> {
    const record = await provider.retrieveSecret(name);
    const keys = Object.keys(record);
    const value = keys.length === 1 && keys[0] === 'value' ? (record['value'] ?? '') : JSON.stringify(record);
    await this.set(options.as ?? name, value);
  }

  /** A sanitizer that also redacts every value currently in this store. */
  async createSanitizer(options: Omit<SanitizerOptions, 'knownValues'> & { knownValues?: Iterable<string> } = {}): Promise<Sanitizer> {
    const values: string[] = [...(options.knownValues ?? [])];
    for (const name of await this.list()) values.push(await this.get(name));
    return new Sanitizer({ ...options, knownValues: values });
  }

  /** Forgets the keys (zeroed) and the ciphertexts; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue.catch(() => undefined);
    this.closed = true;
    for (const k of this.keys.values()) k.key.fill(0);
    this.keys.clear();
    this.secrets.clear();
    for (const b of Object.values(this.sub)) (b as Buffer).fill(0);
  }

  // -- internals -------------------------------------------------------------------------------

  private describe(): string {
    return this.settings.file ? `secrets file ${this.settings.file}` : 'the in-memory secret store';
  }

  private assertOpen(): void {
    if (this.closed) throw new GatiError('NOT_INITIALIZED', 'This secret store is closed; open it again with AppSecrets.open().');
  }

  private pushHistory(event: RotationEvent): void {
    this.body.history.push(event);
    if (this.body.history.length > MAX_HISTORY) this.body.history.splice(0, this.body.history.length - MAX_HISTORY);
  }

  private serializeBody(): StoreBody {
    return {
      ...this.body,
      keys: [...this.keys.entries()]
        .sort(([a], [b]) => a - b)
        .map(([version, k]) => ({ version, createdAt: k.createdAt, ...(k.retiredAt ? { retiredAt: k.retiredAt, wrapped: '' } : { wrapped: wrapDataKey(this.sub, this.body.keyId, version, k.key) }) })),
      secrets: [...this.secrets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    };
  }

  private applyBody(body: StoreBody, keys: Map<number, DataKey>): void {
    this.body = { ...body, history: [...body.history] };
    for (const k of this.keys.values()) if (![...keys.values()].includes(k)) k.key.fill(0);
    this.keys.clear();
    for (const [v, k] of keys) this.keys.set(v, k);
    this.secrets.clear();
    for (const s of body.secrets) this.secrets.set(s.name, s);
  }

  /** Reloads the file when another writer replaced it. */
  private async refresh(): Promise<void> {
    const file = this.settings.file;
    if (!file) return;
    const st = await fs.stat(file).catch(() => undefined);
    if (!st) throw new SecretIntegrityError('file-corrupted', `Secrets file ${file} has disappeared.`, { file });
    if (statKey(st) === this.lastStat) return;
    const read = await readStoreFile(file);
    if (!read) throw new SecretIntegrityError('file-corrupted', `Secrets file ${file} has disappeared.`, { file });
    checkStoreFileMode(file, read.mode, this.settings.filePermissions, this.settings.logger, this.settings.modeWarned);
    const { parsed } = read;
    try {
      verifyStoreFile(parsed, this.sub, file);
    } catch (e) {
      if (isSecretIntegrityError(e) && e.reason === 'wrong-key') {
        throw new SecretIntegrityError('wrong-key', `Secrets file ${file} was re-keyed by another process (new passphrase or key); close this store and open it again with the new one.`, { file });
      }
      throw e;
    }
    this.applyBody(parsed.body, unwrapKeyring(parsed.body, this.sub, file, this.keys));
    this.lastStat = read.statKey;
  }

  /** Serializes mutations: in-process queue, then the file lock, reload, change, atomic write. */
  private async mutate(change: () => void): Promise<void> {
    this.assertOpen();
    const run = async (): Promise<void> => {
      if (!this.settings.file) return change();
      // Through a symbolic link, the target is locked and replaced (in its own folder); the link stays.
      const file = await resolveStorePath(this.settings.file);
      const release = await acquireFileLock(file, this.settings.lock).catch((e: unknown) => {
        throw storeIoError(e, 'lock secrets file', file);
      });
      try {
        await this.refresh();
        const before = { body: structuredClone({ ...this.body, secrets: [] }), keys: new Map(this.keys), secrets: new Map(this.secrets), sub: this.sub };
        try {
          change();
          await writeFileAtomic(file, encodeStoreFile(this.serializeBody(), this.sub)).catch((e: unknown) => {
            throw storeIoError(e, 'write secrets file', file);
          });
        } catch (e) {
          // Nothing reached the disk: restore the in-memory state to what the file holds.
          this.sub = before.sub;
          this.applyBody({ ...before.body, secrets: [...before.secrets.values()] }, before.keys);
          throw e;
        }
        this.lastStat = statKey(await fs.stat(file)); // we hold the lock: nobody replaced it since
        await removeOrphanTempFiles(file).catch(() => 0);
      } finally {
        await release().catch(() => undefined);
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** @internal records which version of the file this state came from. */
  markLoaded(key: string): void {
    this.lastStat = key;
  }

  /** @internal the file text of the current state (first write of a new store). */
  encodeForDisk(): string {
    return encodeStoreFile(this.serializeBody(), this.sub);
  }
}

