import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppSecrets } from '../index.js';

// The children run the built package: `pnpm build` (root `pnpm test` does it first).
const writer = fileURLToPath(new URL('../../test/fixtures/store-writer.mjs', import.meta.url));
const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const N = 1024; // test-only scrypt cost
const PASS = 'integration passphrase';
const manager = new AppSecrets();
let dir: string;
const children: ChildProcess[] = [];

function start(args: string[]): { child: ChildProcess; lines: string[]; waitFor: (line: string) => Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [writer, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  let buf = '';
  let stderr = '';
  const waiters: { line: string; resolve: () => void }[] = [];
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    for (const l of parts) {
      lines.push(l);
      for (const w of waiters.filter((x) => x.line === l)) w.resolve();
    }
  });
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (line: string): Promise<void> =>
    lines.includes(line)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          waiters.push({ line, resolve });
          void exited.then((code) => reject(new Error(`child exited (${code}) before "${line}": ${stderr}`)));
        });
  return { child, lines, waitFor, exited };
}

beforeAll(() => {
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run \`pnpm build\` first (the child processes run the built package).`);
});
beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'gati-secrets-integ-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await fs.rm(dir, { recursive: true, force: true });
});

describe('encrypted file store across processes', () => {
  it('a writer killed mid-write 20 times always leaves the old or the new state', async () => {
    const file = join(dir, 'secrets.enc');
    let lastSeen = 0;
    for (let round = 0; round < 20; round += 1) {
      const run = start(['loop', file, PASS, String(N)]);
      await run.waitFor('ready');
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 60));
      run.child.kill('SIGKILL');
      await run.exited;
      const committed = Math.max(0, ...run.lines.filter((l) => l.startsWith('committed ')).map((l) => Number(l.slice(10))));
      const store = await manager.open({ file, passphrase: PASS, unsafeTestOnlyScryptN: N });
      const names = await store.list();
      if (names.length === 0) {
        expect(committed).toBe(0);
      } else {
        const counter = Number(await store.get('counter'));
        // The child restarts its count each round; the store holds the last commit or the one in
        // flight (or, when this round committed nothing, the previous round's state).
        expect(committed === 0 ? [lastSeen, 1] : [committed, committed + 1]).toContain(counter);
        expect(names).toHaveLength(41);
        for (let k = 0; k < 40; k += 1) expect((await store.get(`pad-${k}`)).split(':')[0]).toBe(String(counter));
        lastSeen = counter;
      }
      await store.close();
    }
    expect(lastSeen).toBeGreaterThan(0);
    // The next write removes temp files orphaned by killed writers.
    const store = await manager.open({ file, passphrase: PASS, unsafeTestOnlyScryptN: N });
    await store.set('after', 'value');
    await store.close();
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 120_000);

  it('two processes writing at once lose nothing', async () => {
    const file = join(dir, 'shared.enc');
    const a = start(['writer', file, PASS, String(N), 'a', '60']);
    const b = start(['writer', file, PASS, String(N), 'b', '60']);
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
    const store = await manager.open({ file, passphrase: PASS, unsafeTestOnlyScryptN: N });
    const names = await store.list();
    expect(names).toHaveLength(120);
    for (const p of ['a', 'b']) for (let i = 0; i < 60; i += 1) expect(await store.get(`${p}-${i}`)).toBe(`${p}-value-${i}`);
    await store.close();
    expect((await fs.readdir(dir)).sort()).toEqual(['shared.enc']);
  });
});
