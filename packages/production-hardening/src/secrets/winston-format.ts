import type { Sanitizer } from './sanitize.js';

const MESSAGE = Symbol.for('message');
const SPLAT = Symbol.for('splat');

/** A log entry as winston/logform passes it to formats. */
export interface LogInfo {
  level: string;
  message: unknown;
  [key: string | symbol]: unknown;
}

/** The shape of a winston/logform format: an object with `transform(info)`. */
export interface SanitizeFormat {
  options: Record<string, unknown>;
  transform(info: LogInfo): LogInfo;
}

/**
 * A winston format that redacts every log entry with `sanitizer` (message, metadata, splat,
 * and an already-formatted line). Use it first, and again last if a later format adds fields:
 * `winston.format.combine(sanitizeFormat(s), winston.format.json())`. Needs no winston import.
 */
export function sanitizeFormat(sanitizer: Sanitizer): SanitizeFormat {
  return {
    options: {},
    transform(info) {
      for (const key of Object.keys(info)) {
        if (key === 'level') continue;
        const value = info[key];
        info[key] = key !== 'message' && sanitizer.isSensitiveKey(key) && value !== undefined && value !== null && value !== '' ? sanitizer.replacement : sanitizer.sanitize(value);
      }
      const line = info[MESSAGE];
      if (typeof line === 'string') info[MESSAGE] = sanitizer.sanitizeString(line);
      const splat = info[SPLAT];
      if (Array.isArray(splat)) info[SPLAT] = sanitizer.sanitize(splat);
      return info;
    },
  };
}
