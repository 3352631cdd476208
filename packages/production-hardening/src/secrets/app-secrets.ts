import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { GatiError, invalidConfigError, noopLogger, type Logger } from '@gati-framework/core';
import { acquireFileLock, type FileLockOptions } from './file-lock.js';
import { writeFileAtomic } from './atomic-file.js';
import { DEFAULT_SCRYPT_N, MAX_SCRYPT_N, MIN_TEST_SCRYPT_N, deriveFromPassphrase, isPowerOfTwo, keyCheckValue, newScryptParams, subKeys } from './kdf.js';
import { Sanitizer, type SanitizerOptions } from './sanitize.js';
import { readStoreFile, statKey, unwrapKeyring, verifyStoreFile, type ReadStoreFile } from './store-codec.js';
import type { StoreBody } from './store-format.js';
import { SecretStore, type StoreSettings } from './secret-store.js';
import { checkStoreFileMode, prepareStoreFolder, resolveStorePath, storeIoError, type FileModePolicy } from './store-path.js';
import { validateSecretStrength, type StrengthOptions, type StrengthResult } from './strength.js';

/** Options of {@link AppSecrets.open}. Give exactly one of `passphrase` or `key`. */
export interface OpenSecretStoreOptions {
  /** The encrypted file; omit for a store that lives only in memory. */
  file?: string;
  /** Stretched with scrypt (N = 2^17, r = 8, p = 1, random per-store salt), once per open. */
  passphrase?: string;
  /** A raw 32-byte key (from a KMS or a vault), used as the key-encryption key. */
  key?: Uint8Array;
  /** Create the file when missing. Default true; false makes a missing file `NOT_FOUND`. */
  create?: boolean;
  /** `needsRotation()` turns true when the active key is this old. Default 90. */
  maxKeyAgeDays?: number;
  /** Cross-process lock settings (timeout 10 s, stale after 60 s or when the holder died). */
  lock?: FileLockOptions;
  /**
   * A store file group or others may access (mode & 0o077): `refuse` (default, as ssh refuses
   * such keys; the error says to `chmod 600` it) or `warn` once and open it (read-only mounts
   * whose mode cannot be changed). Writes always leave the file 0600.
   */
  filePermissions?: FileModePolicy;
  logger?: Logger;
  /** Clock (tests of the age policy). Default `() => new Date()`. */
  now?: () => Date;
  /**
   * TEST ONLY. Lowers the scrypt cost N of new stores (and passphrase rotations) below the
   * 2^17 production floor, so test suites stay fast. Never set it in production: a low N
   * makes brute-forcing the passphrase cheap. Power of two, at least 2^10.
   */
  unsafeTestOnlyScryptN?: number;
}

/** Options of the {@link AppSecrets}. */
export interface AppSecretsOptions {
  logger?: Logger;
  /** Defaults merged into every `open()`. */
  defaults?: Omit<OpenSecretStoreOptions, 'file' | 'passphrase' | 'key'>;
}

/** Rejects NaN, infinite and negative limits (a NaN lock timeout would wait for ever). */
function checkNumbers(options: OpenSecretStoreOptions): void {
  const fields: [string, unknown, number][] = [
    ['maxKeyAgeDays', options.maxKeyAgeDays, 1],
    ['lock.timeoutMs', options.lock?.timeoutMs, 0],
    ['lock.staleMs', options.lock?.staleMs, 1],
  ];
  const bad = fields.filter(([, v, min]) => v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= min));
  if (bad.length > 0) {
    const issues = bad.map(([path, v, min]) => ({ path, message: `must be a finite number ≥ ${min} (got ${String(v)})`, code: 'invalid_value' }));
    throw invalidConfigError('secret store options', issues);
  }
}

function notInitialized(): GatiError {
  return new GatiError(
    'NOT_INITIALIZED',
    'No key for the secret store: call secrets.open({ file, passphrase }) or secrets.open({ file, key }) with a 32-byte key (for example from your cloud KMS).',
  );
}

/**
 * The application's own secrets: opens encrypted store files (or memory-only stores), rates
 * secret strength, builds sanitizers. Holds no key itself; every store has its own. (Named so it
 * does not read as a client of AWS Secrets Manager or GCP Secret Manager; those are reached
 * through `SecretStore.syncToCloud` and a cloud provider.)
 */
export class AppSecrets {
  private readonly logger: Logger;
  private readonly defaults: AppSecretsOptions['defaults'];

  constructor(options: AppSecretsOptions = {}) {
    this.logger = options.logger ?? noopLogger;
    this.defaults = options.defaults;
  }

  /** Opens (or creates) a store and derives its key once. Rejects with `NOT_INITIALIZED` without a key. */
  async open(input: OpenSecretStoreOptions = {}): Promise<SecretStore> {
    const options = { ...this.defaults, ...input };
    const hasPass = options.passphrase !== undefined;
    const hasKey = options.key !== undefined;
    if (!hasPass && !hasKey) throw notInitialized();
    if (hasPass && hasKey) throw new GatiError('INVALID_CONFIG', 'Give either `passphrase` or `key` to open a secret store, not both.');
    if (hasPass && (typeof options.passphrase !== 'string' || options.passphrase.length === 0)) throw new GatiError('INVALID_CONFIG', '`passphrase` must be a non-empty string.');
    if (hasKey && (!(options.key instanceof Uint8Array) || options.key.length !== 32)) throw new GatiError('INVALID_CONFIG', '`key` must be exactly 32 bytes (AES-256).');
    const scryptN = options.unsafeTestOnlyScryptN ?? DEFAULT_SCRYPT_N;
    if (!isPowerOfTwo(scryptN) || scryptN < MIN_TEST_SCRYPT_N || scryptN > MAX_SCRYPT_N) {
      throw new GatiError('INVALID_CONFIG', `unsafeTestOnlyScryptN must be a power of two between 2^10 and 2^22 (got ${scryptN}).`);
    }
    checkNumbers(options);
    const logger = (options.logger ?? this.logger).child({ component: 'secret-store' });
    if (options.unsafeTestOnlyScryptN !== undefined && scryptN < DEFAULT_SCRYPT_N) logger.warn('scrypt cost lowered below the production floor (test-only option)', { N: scryptN });
    const settings: StoreSettings = {
      file: options.file === undefined ? undefined : await prepareStoreFolder(options.file, logger),
      maxKeyAgeDays: options.maxKeyAgeDays ?? 90,
      scryptN,
      lock: options.lock ?? {},
      logger,
      now: options.now ?? (() => new Date()),
      filePermissions: options.filePermissions ?? 'refuse',
      modeWarned: { done: false },
    };
    if (settings.filePermissions !== 'refuse' && settings.filePermissions !== 'warn') throw new GatiError('INVALID_CONFIG', "`filePermissions` must be 'refuse' or 'warn'.");
    const secret = hasKey ? { key: Buffer.from(options.key as Uint8Array) } : { passphrase: options.passphrase as string };

    if (settings.file === undefined) return this.create(settings, secret);
    // A directory, a dangling link or a non-file is refused here; a link to a store opens its target.
    const target = await resolveStorePath(settings.file);
    const existing = await readStoreFile(target);
    if (existing) return this.load(settings, existing, secret);
    if (options.create === false) throw new GatiError('NOT_FOUND', `Secrets file ${settings.file} does not exist (create: false).`);
    const release = await acquireFileLock(target, settings.lock).catch((e: unknown) => {
      throw storeIoError(e, 'lock secrets file', target);
    });
    try {
      const raced = await readStoreFile(target); // another process may have created it meanwhile
      if (raced) return await this.load(settings, raced, secret);
      const store = await this.create(settings, secret);
      await writeFileAtomic(target, store.encodeForDisk()).catch((e: unknown) => {
        throw storeIoError(e, 'create secrets file', target);
      });
      store.markLoaded(statKey(await fs.stat(target)));
      logger.info('secret store created', { file: settings.file, kdf: hasKey ? 'raw' : 'scrypt' });
      return store;
    } finally {
      await release().catch(() => undefined);
    }
  }

  /** Rates a secret: length, character classes, entropy, common passwords, patterns → 0–100 with reasons. */
  validateStrength(value: string, options?: StrengthOptions): StrengthResult {
    return validateSecretStrength(value, options);
  }

  /** A sanitizer for logs and error reports (secret-looking keys, known values, PEM blocks, tokens). */
  createSanitizer(options?: SanitizerOptions): Sanitizer {
    return new Sanitizer(options);
  }

  private async create(settings: StoreSettings, secret: { key?: Buffer; passphrase?: string }): Promise<SecretStore> {
    const keyId = randomBytes(8).toString('hex');
    const kdf = secret.key ? ({ name: 'raw' } as const) : newScryptParams(settings.scryptN);
    const kek = secret.key ?? (await deriveFromPassphrase(secret.passphrase as string, kdf as ReturnType<typeof newScryptParams>));
    const sub = subKeys(kek, keyId);
    kek.fill(0);
    const at = settings.now().toISOString();
    const body: StoreBody = {
      format: 'gati-secrets',
      version: 1,
      keyId,
      kdf,
      check: keyCheckValue(sub.check),
      activeVersion: 1,
      keys: [],
      secrets: [],
      history: [{ at, action: 'created', toVersion: 1 }],
    };
    return new SecretStore(settings, sub, body, new Map([[1, { key: randomBytes(32), createdAt: at }]]));
  }

  private async load(settings: StoreSettings, read: ReadStoreFile, secret: { key?: Buffer; passphrase?: string }): Promise<SecretStore> {
    const file = settings.file as string;
    checkStoreFileMode(file, read.mode, settings.filePermissions, settings.logger, settings.modeWarned);
    const { parsed } = read;
    const { body } = parsed;
    let kek: Buffer;
    if (body.kdf.name === 'scrypt') {
      if (secret.passphrase === undefined) throw new GatiError('INVALID_CONFIG', `Secrets file ${file} is protected by a passphrase; open it with { passphrase }.`);
      const { N, r, p } = body.kdf;
      if (!isPowerOfTwo(N) || N > MAX_SCRYPT_N || r < 1 || r > 32 || p < 1 || p > 16) {
        throw new GatiError('INVALID_CONFIG', `Secrets file ${file} asks for scrypt parameters outside the accepted range (N ≤ 2^22, r ≤ 32, p ≤ 16); it was not opened.`, { details: { file } });
      }
      if (N < DEFAULT_SCRYPT_N) settings.logger.warn('secrets file uses a scrypt cost below the production floor; rotate with a new passphrase', { file, N });
      kek = await deriveFromPassphrase(secret.passphrase, body.kdf);
    } else {
      if (secret.key === undefined) throw new GatiError('INVALID_CONFIG', `Secrets file ${file} is protected by a raw key; open it with { key }.`);
      kek = secret.key;
    }
    const sub = subKeys(kek, body.keyId);
    kek.fill(0);
    verifyStoreFile(parsed, sub, file);
    const store = new SecretStore(settings, sub, body, unwrapKeyring(body, sub, file));
    store.markLoaded(read.statKey);
    settings.logger.info('secret store opened', { file, secrets: body.secrets.length, activeVersion: body.activeVersion });
    return store;
  }
}
