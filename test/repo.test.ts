import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { GATI_ERROR_CODES } from '@gati-framework/core';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('repository', () => {
  it('documents every error code in docs/errors.md', async () => {
    const doc = await readFile(`${root}/docs/errors.md`, 'utf8');
    for (const code of GATI_ERROR_CODES) expect(doc, code).toContain(`## ${code}\n`);
  });

  it('README has the demo and test one-liners CI runs', async () => {
    const readme = await readFile(`${root}/README.md`, 'utf8');
    expect(readme).toMatch(/<!-- demo-command -->\nnpx -y pnpm@[\d.]+ install --frozen-lockfile && npx -y pnpm@[\d.]+ demo\n/);
    expect(readme).toMatch(/<!-- test-command -->\nnpx -y pnpm@[\d.]+ install --frozen-lockfile && npx -y pnpm@[\d.]+ test\n/);
    const pkg = JSON.parse(await readFile(`${root}/package.json`, 'utf8')) as { packageManager: string };
    for (const m of readme.matchAll(/pnpm@([\d.]+)/g)) expect(`pnpm@${m[1]}`).toBe(pkg.packageManager);
  });

  it('the built core imports from an example package, as users import it', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', "const c = await import('@gati-framework/core'); const t = await import('@gati-framework/core/testing'); console.log(typeof c.createCloudProvider, typeof t.InMemoryCloudProvider)"],
      { cwd: `${root}/examples/quickstart` },
    );
    expect(stdout.trim()).toBe('function function');
  });
});
