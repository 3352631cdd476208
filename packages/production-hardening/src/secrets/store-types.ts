import type { Logger } from '@gati-framework/core';
import type { FileLockOptions } from './file-lock.js';
import type { FileModePolicy } from './store-path.js';

/** Resolved settings a store keeps after opening. */
export interface StoreSettings {
  file: string | undefined;
  maxKeyAgeDays: number;
  scryptN: number;
  lock: FileLockOptions;
  logger: Logger;
  now: () => Date;
  filePermissions: FileModePolicy;
  /** Set once the `warn` policy has logged about this store's file mode. */
  modeWarned: { done: boolean };
}

/** Public view of one key version. */
export interface KeyVersionInfo {
  version: number;
  createdAt: Date;
  retiredAt?: Date;
  active: boolean;
  /** Secrets currently encrypted under this version. */
  secrets: number;
}

/** What {@link SecretStore.rotate} did. */
export interface RotationResult {
  fromVersion: number;
  toVersion: number;
  reencrypted: number;
  passphraseChanged: boolean;
}

/** Options of {@link SecretStore.rotate}. */
export interface RotateOptions {
  /** Re-key the store under a new passphrase (new salt, new scrypt derivation). */
  newPassphrase?: string;
  /** Re-key the store under a new raw 32-byte key. */
  newKey?: Uint8Array;
}

/** One data key of the keyring (zeroed once retired). */
export interface DataKey {
  key: Buffer;
  createdAt: string;
  retiredAt?: string;
}
