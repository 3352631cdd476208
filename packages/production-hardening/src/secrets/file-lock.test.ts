import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireFileLock } from './file-lock.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'gati-lock-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('acquireFileLock', () => {
  it('excludes a second holder until released, then times out naming the holder', async () => {
    const file = join(dir, 's.enc');
    const release = await acquireFileLock(file);
    const err = await acquireFileLock(file, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TIMEOUT' });
    expect((err as Error).message).toContain(`pid ${process.pid}`);
    await release();
    const again = await acquireFileLock(file, { timeoutMs: 150 });
    await again();
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('serializes holders: critical sections never overlap', async () => {
    const file = join(dir, 's.enc');
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const release = await acquireFileLock(file);
        inside += 1;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 5));
        inside -= 1;
        await release();
      }),
    );
    expect(maxInside).toBe(1);
  });

  it('breaks a lock whose holder died, and one older than staleMs', async () => {
    const file = join(dir, 's.enc');
    const dead = spawn(process.execPath, ['-e', '0']);
    const deadPid = dead.pid as number;
    await new Promise((r) => dead.on('exit', r));
    await fs.writeFile(`${file}.lock`, JSON.stringify({ pid: deadPid, host: hostname(), nonce: 'dead', at: Date.now() }));
    const release = await acquireFileLock(file, { timeoutMs: 500 });
    await release();

    await fs.writeFile(`${file}.lock`, JSON.stringify({ pid: 1, host: 'another-host', nonce: 'old', at: Date.now() - 120_000 }));
    const release2 = await acquireFileLock(file, { timeoutMs: 500, staleMs: 60_000 });
    await release2();
    // A fresh lock held by a live process on another host is respected.
    await fs.writeFile(`${file}.lock`, JSON.stringify({ pid: 1, host: 'another-host', nonce: 'fresh', at: Date.now() }));
    await expect(acquireFileLock(file, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });
});
