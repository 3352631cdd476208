// Install size per package, as a consumer gets it: for each publishable package, a fresh app
// outside the workspace installs only its tarball (plus the tarballs of our packages it depends
// on) with plain npm, then `du` measures node_modules. Prints a Markdown table for
// docs/install-size.md. Needs `pnpm build` first. Usage: node test/consumer/install-size.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.cwd();
const work = mkdtempSync(join(tmpdir(), 'gati-size-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({ dir: join(root, 'packages', dir), pkg: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }))
  .filter((p) => !p.pkg.private);
const tgz = {};
for (const { dir, pkg } of packages) {
  execFileSync('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir, stdio: 'ignore' });
  tgz[pkg.name] = join(tarballs, `${pkg.name.replace('@', '').replace('/', '-')}-${pkg.version}.tgz`);
}
const ours = (name) => {
  const { pkg } = packages.find((p) => p.pkg.name === name);
  return [name, ...Object.keys(pkg.dependencies ?? {}).filter((d) => tgz[d]).flatMap(ours)];
};
const kib = (path) => Number(execFileSync('du', ['-sk', path], { encoding: 'utf8' }).split('\t')[0]);
const mb = (k) => (k / 1024).toFixed(1);

const rows = [];
for (const { pkg } of [...packages, { pkg: { name: 'all packages' } }]) {
  const names = pkg.name === 'all packages' ? Object.keys(tgz) : [...new Set(ours(pkg.name))];
  const app = join(work, pkg.name.replace(/[@/ ]/g, '_'));
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ private: true, dependencies: Object.fromEntries(names.map((n) => [n, `file:${tgz[n]}`])) }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app, stdio: 'ignore' });
  const nm = join(app, 'node_modules');
  const total = kib(nm);
  // The largest direct entries of node_modules (scoped packages counted one by one).
  const sizes = readdirSync(nm)
    .filter((d) => !d.startsWith('.'))
    .flatMap((d) => (d.startsWith('@') ? readdirSync(join(nm, d)).map((s) => `${d}/${s}`) : [d]))
    .map((d) => ({ d, k: kib(join(nm, d)) }))
    .sort((a, b) => b.k - a.k);
  const count = sizes.length;
  rows.push(`| ${pkg.name === 'all packages' ? 'all six together' : `\`${pkg.name}\``} | ${mb(total)} MB | ${count} | ${sizes.slice(0, 3).map((s) => `\`${s.d}\` ${mb(s.k)} MB`).join(', ')} |`);
  process.stderr.write(`${pkg.name}: ${mb(total)} MB\n`);
}
console.log(`| package (with the Gati packages it depends on) | node_modules | top-level packages | largest |\n| --- | --- | --- | --- |\n${rows.join('\n')}`);
rmSync(work, { recursive: true, force: true });
