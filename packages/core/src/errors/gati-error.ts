import { ERROR_CODES, type GatiErrorCode } from './codes.js';

/** Options for a {@link GatiError}; `retryable` defaults to the code's default. */
export interface GatiErrorOptions {
  retryable?: boolean;
  provider?: string;
  cause?: unknown;
  /** Structured, non-secret context (validation issues, resource names, ...). */
  details?: Record<string, unknown>;
}

const BRAND = Symbol.for('gati-framework.error');

/** Every error the toolkit throws: a stable `code`, `retryable`, and the SDK error as `cause`. */
export class GatiError extends Error {
  readonly code: GatiErrorCode;
  readonly retryable: boolean;
  readonly provider: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly [BRAND] = true;

  constructor(code: GatiErrorCode, message: string, options: GatiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatiError';
    this.code = code;
    // An unknown code (a JavaScript caller's typo) must not turn building the error into a TypeError.
    this.retryable = options.retryable ?? (Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code].retryable : false);
    this.provider = options.provider;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      provider: this.provider,
      details: this.details,
    };
  }
}

/**
 * True for a GatiError from any copy of this package (no `instanceof`:
 * two installed versions, or errors crossing realms, still match).
 */
export function isGatiError(value: unknown, code?: GatiErrorCode): value is GatiError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string | symbol, unknown>;
  const branded = v[BRAND] === true || (v['name'] === 'GatiError' && typeof v['code'] === 'string');
  if (!branded || !(typeof v['code'] === 'string' && v['code'] in ERROR_CODES)) return false;
  return code === undefined || v['code'] === code;
}
