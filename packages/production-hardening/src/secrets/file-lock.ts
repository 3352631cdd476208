import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { GatiError, sleep } from '@gati-framework/core';

/** Options of {@link acquireFileLock}. */
export interface FileLockOptions {
  /** Give up after this long. Default 10 s. */
  timeoutMs?: number;
  /** A lock older than this is stale even if its holder looks alive (other hosts). Default 60 s. */
  staleMs?: number;
}

interface LockInfo {
  pid: number;
  host: string;
  nonce: string;
  at: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLock(path: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await fs.readFile(path, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

function isStale(info: LockInfo | undefined, staleMs: number, ageMs: number): boolean {
  // A half-written lock (holder killed between create and write) is stale once it is a few seconds old.
  if (!info || typeof info.pid !== 'number') return ageMs > 2_000;
  if (info.host === hostname() && !alive(info.pid)) return true;
  return Date.now() - info.at > staleMs;
}

/**
 * A cross-process lock beside `file` (`<file>.lock`, created atomically with link(2)). A lock whose
 * holder died (same host, pid gone) or that is older than `staleMs` is broken.
 * Returns the release function.
 */
export async function acquireFileLock(file: string, options: FileLockOptions = {}): Promise<() => Promise<void>> {
  const lockPath = `${file}.lock`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 60_000;
  const mine: LockInfo = { pid: process.pid, host: hostname(), nonce: randomBytes(8).toString('hex'), at: Date.now() };
  const deadline = Date.now() + timeoutMs;
  let attempt = 0;
  for (;;) {
    // Write the lock's content first, then hard-link it into place: the lock never exists half-written.
    const tmp = join(dirname(lockPath), `.${basename(file)}.${process.pid}.${mine.nonce}.lock.tmp`);
    await fs.writeFile(tmp, JSON.stringify({ ...mine, at: Date.now() }), { mode: 0o600 });
    try {
      await fs.link(tmp, lockPath);
      await fs.rm(tmp, { force: true });
      return async () => {
        const current = await readLock(lockPath);
        if (current?.nonce === mine.nonce) await fs.rm(lockPath, { force: true });
      };
    } catch (e) {
      await fs.rm(tmp, { force: true });
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const info = await readLock(lockPath);
    const stat = await fs.stat(lockPath).catch(() => undefined);
    if (stat && isStale(info, staleMs, Date.now() - stat.mtimeMs)) {
      await breakStaleLock(lockPath, info);
      continue;
    }
    if (Date.now() > deadline) {
      throw new GatiError('TIMEOUT', `Could not lock ${file} within ${timeoutMs} ms: held by pid ${info?.pid ?? '?'} on ${info?.host ?? '?'}. If no process uses it, delete ${lockPath}.`, {
        details: { file, lock: lockPath },
      });
    }
    attempt += 1;
    await sleep(Math.min(50, 2 + attempt) * (0.5 + Math.random()));
  }
}

/** Moves the stale lock aside and deletes it, unless another process replaced it meanwhile. */
async function breakStaleLock(lockPath: string, seen: LockInfo | undefined): Promise<void> {
  const aside = `${lockPath}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await fs.rename(lockPath, aside);
  } catch {
    return; // someone else broke or released it
  }
  const moved = await readLock(aside);
  if (seen && moved && moved.nonce !== seen.nonce) {
    // We moved a fresh lock taken after our check: put it back if the slot is still free.
    await fs.link(aside, lockPath).catch(() => undefined);
  }
  await fs.rm(aside, { force: true });
}
