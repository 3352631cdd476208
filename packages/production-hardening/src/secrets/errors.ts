import { GatiError, type GatiErrorCode } from '@gati-framework/core';

/** Why a stored envelope or file was refused; stable strings for callers to branch on. */
export type SecretIntegrityReason =
  | 'malformed'
  | 'unsupported-version'
  | 'unsupported-algorithm'
  | 'tag-length'
  | 'unknown-key'
  | 'authentication-failed'
  | 'file-corrupted'
  | 'file-tampered'
  | 'wrong-key';

/**
 * A secret or store that failed its integrity check: tampered, truncated, corrupted,
 * moved to another name, or opened with the wrong key. Code `INVALID_CONFIG`
 * (`UNAUTHENTICATED` for a wrong passphrase/key); `details.reason` says which.
 */
export class SecretIntegrityError extends GatiError {
  readonly reason: SecretIntegrityReason;

  constructor(reason: SecretIntegrityReason, message: string, options: { file?: string; name?: string; cause?: unknown } = {}) {
    const code: GatiErrorCode = reason === 'wrong-key' ? 'UNAUTHENTICATED' : 'INVALID_CONFIG';
    super(code, message, {
      cause: options.cause,
      details: { reason, ...(options.file ? { file: options.file } : {}), ...(options.name ? { secret: options.name } : {}) },
    });
    this.name = 'SecretIntegrityError';
    this.reason = reason;
  }
}

/** True for a {@link SecretIntegrityError} from any copy of this package. */
export function isSecretIntegrityError(value: unknown): value is SecretIntegrityError {
  return typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'SecretIntegrityError';
}
