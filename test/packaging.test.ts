import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// What a registry page and a consumer's install see; the tarballs themselves are checked by
// test/consumer/run.sh (CI's consumer step).
const root = fileURLToPath(new URL('..', import.meta.url));
const REPO = 'https://github.com/gati-framework/gati';

interface Manifest {
  name: string;
  private?: boolean;
  license?: string;
  engines?: Record<string, string>;
  files?: string[];
  repository?: { type: string; url: string; directory: string };
  homepage?: string;
  bugs?: { url: string };
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
}

const packages = readdirSync(`${root}/packages`)
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(`${root}/packages/${dir}/package.json`, 'utf8')) as Manifest }))
  .filter((p) => !p.pkg.private);
const rootEngines = (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as Manifest).engines?.['node'];

describe('published package metadata', () => {
  it('finds the six packages', () => {
    expect(packages.length).toBeGreaterThanOrEqual(6);
  });

  for (const { dir, pkg } of packages) {
    it(`${pkg.name}: MIT LICENSE shipped, repository with directory, homepage, bugs`, () => {
      expect(pkg.license).toBe('MIT');
      expect(readFileSync(`${root}/packages/${dir}/LICENSE`, 'utf8')).toBe(readFileSync(`${root}/LICENSE`, 'utf8'));
      expect(pkg.files).toContain('LICENSE');
      expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPO}.git`, directory: `packages/${dir}` });
      expect(pkg.homepage).toBe(`${REPO}/tree/main/packages/${dir}#readme`);
      expect(pkg.bugs?.url).toBe(`${REPO}/issues`);
    });

    it(`${pkg.name}: engines match the README's Node support policy`, () => {
      expect(pkg.engines?.['node']).toBe('^20.19.0 || >=22.12.0');
      expect(pkg.engines?.['node']).toBe(rootEngines);
      expect(readFileSync(`${root}/README.md`, 'utf8')).toContain(`"engines": { "node": "${pkg.engines?.['node']}" }`);
    });

    it(`${pkg.name}: ranges, not exact pins, for zod, yaml and our own packages`, () => {
      for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
        if (dep.startsWith('@gati-framework/')) expect(range, dep).toBe('workspace:^');
        if (dep === 'zod' || dep === 'yaml') expect(range, dep).toMatch(/^\^\d/);
      }
    });

    it(`${pkg.name}: README links work on a registry page (no relative links out of the package)`, () => {
      const readme = readFileSync(`${root}/packages/${dir}/README.md`, 'utf8');
      expect(readme).not.toMatch(/\]\(\.\.\//);
    });

    it(`${pkg.name}: a bench script says where the benchmarks are when they are not shipped`, () => {
      const bench = pkg.scripts?.['bench'];
      if (bench === undefined) return;
      expect(existsSync(`${root}/packages/${dir}/bench/run.ts`)).toBe(true);
      expect(bench).toMatch(/existsSync\('bench\/run\.ts'\)/);
      expect(pkg.files ?? []).not.toContain('bench');
    });
  }
});
