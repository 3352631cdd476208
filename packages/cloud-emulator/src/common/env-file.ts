import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { GatiError } from '@gati-framework/core';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Quotes a value for POSIX shells: single quotes, each `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `export NAME='value'` lines, in the given order; names that are not shell identifiers are refused. */
export function formatEnvLines(env: Record<string, string>): string {
  const lines = Object.entries(env).map(([name, value]) => {
    if (!NAME.test(name)) throw new GatiError('INVALID_CONFIG', `environment variable name ${JSON.stringify(name)} is not a shell identifier: use letters, digits and _`);
    return `export ${name}=${shellQuote(value)}\n`;
  });
  return lines.join('');
}

/**
 * Writes `text` so a reader never sees half a file (temporary file, then rename), readable by the
 * owner only, since it holds test credentials.
 */
export function writeFileAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { mode: 0o600 });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
