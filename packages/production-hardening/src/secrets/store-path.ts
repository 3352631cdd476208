import { promises as fs } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { GatiError, isGatiError, type Logger } from '@gati-framework/core';
import { ensurePrivateDir } from './atomic-file.js';

/**
 * What to do with a store file that group or other users may access (any of mode 0o077):
 * `refuse` (default, as ssh refuses such private keys) or `warn` and open it anyway (read-only
 * mounts such as a Kubernetes Secret volume read by a non-root pod, whose files are root-owned
 * and group-readable).
 */
export type FileModePolicy = 'refuse' | 'warn';

const errno = (e: unknown): string | undefined => (typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : undefined);

/**
 * A file-system failure as a GatiError naming the path: permissions are `PERMISSION_DENIED`, a
 * path that cannot hold a file is `INVALID_CONFIG`, the rest `UNAVAILABLE`. GatiErrors pass through.
 */
export function storeIoError(error: unknown, doing: string, path: string): GatiError {
  if (isGatiError(error)) return error;
  const code = errno(error);
  const details = { file: path, errno: code };
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new GatiError('PERMISSION_DENIED', `Cannot ${doing} ${path} (${code}): give this process write access to the file and its folder, or open the store where it has it.`, { cause: error, details });
  }
  if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST' || code === 'ELOOP' || code === 'ENAMETOOLONG') {
    return new GatiError('INVALID_CONFIG', `Cannot ${doing} ${path} (${code}): the path cannot hold a secrets file; pass the path of a file in a folder.`, { cause: error, details });
  }
  return new GatiError('UNAVAILABLE', `Cannot ${doing} ${path}${code ? ` (${code})` : ''}.`, { cause: error, details });
}

/**
 * The path a store reads and atomically replaces: the file itself, or the final target of a
 * symbolic link (so the link stays, and every link to one store shares its lock). Refuses a
 * directory, anything that is not a regular file, and a dangling link; a missing file is returned
 * as is (a new store). Resolved again on every write: a link may be re-pointed meanwhile.
 */
export async function resolveStorePath(file: string): Promise<string> {
  let link: boolean;
  try {
    link = (await fs.lstat(file)).isSymbolicLink();
  } catch (e) {
    if (errno(e) === 'ENOENT') return file;
    throw storeIoError(e, 'inspect secrets file', file);
  }
  let target = file;
  if (link) {
    try {
      target = await fs.realpath(file);
    } catch (e) {
      const points = await fs.readlink(file).catch(() => '?');
      if (errno(e) === 'ENOENT') {
        throw new GatiError(
          'INVALID_CONFIG',
          `Secrets file ${file} is a symbolic link to ${resolve(dirname(file), points)}, which does not exist (a dangling link). Create or restore the store at the target, or remove the link; a new store is never created behind a dangling link.`,
          { details: { file, target: points, reason: 'dangling-link' } },
        );
      }
      throw storeIoError(e, 'follow the symbolic link', file);
    }
  }
  const st = await fs.stat(target).catch((e: unknown) => {
    throw storeIoError(e, 'inspect secrets file', target);
  });
  if (!st.isFile()) {
    const what = st.isDirectory() ? 'a directory' : 'not a regular file';
    const via = link ? ` (the target of the symbolic link ${file})` : '';
    throw new GatiError('INVALID_CONFIG', `Secrets file ${target}${via} is ${what}. Pass the path of a store file, e.g. ${resolve(target, 'secrets.enc')}.`, {
      details: { file, target, reason: st.isDirectory() ? 'is-directory' : 'not-a-file' },
    });
  }
  return target;
}

/** Refuses (or, with `warn`, logs once) a store file group or others may access; says how to fix it. */
export function checkStoreFileMode(file: string, mode: number, policy: FileModePolicy, logger: Logger, warned: { done: boolean }): void {
  const bits = mode & 0o777;
  if ((bits & 0o077) === 0) return;
  const octal = bits.toString(8).padStart(4, '0');
  const fix = `chmod 600 ${file}`;
  if (policy === 'warn') {
    if (!warned.done) logger.warn('the secrets file is accessible to other users; chmod 600 it', { file, mode: octal });
    warned.done = true;
    return;
  }
  throw new GatiError(
    'INVALID_CONFIG',
    `Secrets file ${file} has mode ${octal}: other users may read or change it, so it was not opened. Run \`${fix}\` (for a Kubernetes Secret volume set defaultMode: 0400), or open with filePermissions: 'warn' where the mode cannot be changed.`,
    { details: { file, mode: octal, reason: 'file-mode' } },
  );
}

/** @internal creates the folder 0700 when missing; warns when an existing one is open to others. */
export async function prepareStoreFolder(file: string, logger: Logger): Promise<string> {
  const abs = resolve(file);
  try {
    await ensurePrivateDir(dirname(abs));
    const mode = (await fs.stat(dirname(abs))).mode & 0o777;
    if (mode & 0o077) logger.warn('the secrets folder is accessible to other users; chmod 700 it', { folder: dirname(abs), mode: mode.toString(8) });
  } catch (e) {
    throw storeIoError(e, 'create the folder of secrets file', abs);
  }
  return abs;
}
