// The consumer test (see run.sh): every check is one line "ok"/"FAIL"; the exit code is the
// number of failures (capped), and GATI_TEST_REPORT gets a Vitest-compatible JSON report so
// CI's "N passed, M failed" line counts these checks like any test.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = process.cwd();
const here = join(root, 'test/consumer');
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const results = [];
const node24 = process.env['GATI_NODE24'];

/** Runs a command; throws with the tail of its output when it exits non-zero. */
function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options, env: { ...process.env, ...options.env } });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`${[cmd, ...args].join(' ')} exited ${r.status ?? r.signal}\n${out.split('\n').slice(-25).join('\n')}`);
  return out;
}

/** Starts the installed `gati-emulator --env-file`; waits (up to 30 s) for its lines and parses them. */
function startEmulator() {
  const file = join(app, 'emulator.env');
  const child = spawn(join(app, 'node_modules/.bin/gati-emulator'), ['--env-file', file], { cwd: app, stdio: 'ignore' });
  const until = Date.now() + 30_000;
  while (!existsSync(file) && Date.now() < until && child.exitCode === null) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  if (!existsSync(file)) return { child, error: child.exitCode === null ? 'no env file within 30 s' : `exited ${child.exitCode}` };
  const env = {};
  // Lines are `export NAME='value'`, quotes escaped as '\''.
  for (const m of readFileSync(file, 'utf8').matchAll(/^export ([A-Za-z_][A-Za-z0-9_]*)=((?:'[^']*'|\\')*)$/gm)) {
    env[m[1]] = m[2].replace(/'\\''/g, "'").replace(/^'|'$/g, '');
  }
  return { child, env };
}

function check(name, fn) {
  const started = Date.now();
  try {
    fn();
    results.push({ name, ok: true, ms: Date.now() - started });
    console.log(`ok   ${name}`);
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    results.push({ name, ok: false, ms: Date.now() - started, message });
    console.log(`FAIL ${name}\n${message.replace(/^/gm, '     ')}`);
    return false;
  }
}

function expectFailure(out, pattern) {
  if (!pattern.test(out)) throw new Error(`expected output to match ${pattern}, got:\n${out}`);
}

// --- the packages and their entries ----------------------------------------------------
const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({ dir: join(root, 'packages', dir), pkg: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }))
  .filter((p) => !p.pkg.private);
const entries = packages.flatMap(({ pkg }) =>
  Object.keys(pkg.exports)
    .filter((k) => k !== './package.json')
    .map((k) => ({ pkg: pkg.name, spec: k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`, json: k.endsWith('.json') })),
);
// Entries that need an optional peer dependency, with the error a consumer without it gets.
const NEEDS_PEER = {
  '@gati-framework/core/testing/contract': { peer: 'vitest', error: /Cannot find package 'vitest'/ },
  '@gati-framework/kubernetes/testing': { peer: 'vitest', error: /Cannot find package 'vitest'/ },
  '@gati-framework/observability/register': { peer: '@opentelemetry/sdk-node', error: /GatiError[\s\S]*INVALID_CONFIG[\s\S]*npm install @opentelemetry\/sdk-node|npm install @opentelemetry\/sdk-node[\s\S]*INVALID_CONFIG/ },
};

for (const { dir, pkg } of packages) {
  if (!existsSync(join(dir, 'dist'))) {
    console.error(`${pkg.name} has no dist/: run \`pnpm build\` first`);
    process.exit(2);
  }
}

function markdownFiles() {
  const docs = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? docs(join(dir, d.name)) : d.name.endsWith('.md') ? [join(dir, d.name)] : []));
  return [join(root, 'README.md'), ...packages.map((p) => join(p.dir, 'README.md')), ...docs(join(root, 'docs'))];
}

// --- pack and install --------------------------------------------------------------------
const work = mkdtempSync(join(tmpdir(), 'gati-consumer-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
mkdirSync(tarballs);
const tgz = {};
check('pnpm pack every publishable package (workspace: ranges replaced by versions)', () => {
  for (const { dir, pkg } of packages) {
    run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir });
    const file = readdirSync(tarballs).find((f) => f === `${pkg.name.replace('@', '').replace('/', '-')}-${pkg.version}.tgz`);
    if (!file) throw new Error(`no tarball for ${pkg.name}`);
    tgz[pkg.name] = join(tarballs, file);
    const manifest = JSON.parse(run('tar', ['-xzOf', tgz[pkg.name], 'package/package.json']));
    const deps = JSON.stringify({ ...manifest.dependencies, ...manifest.peerDependencies });
    if (deps.includes('workspace:')) throw new Error(`${pkg.name}: packed manifest still has workspace: ranges: ${deps}`);
    const files = run('tar', ['-tzf', tgz[pkg.name]]);
    if (!files.includes('package/LICENSE')) throw new Error(`${pkg.name}: tarball has no LICENSE`);
  }
});

cpSync(join(here, 'app'), app, { recursive: true });
// engine-strict as in the repository: a dependency whose engines exclude this Node fails the install.
writeFileSync(join(app, '.npmrc'), 'engine-strict=true\nfund=false\naudit=false\nupdate-notifier=false\n');
writeFileSync(join(app, 'package.json'), `${JSON.stringify({
  name: 'gati-consumer-app',
  private: true,
  type: 'module',
  dependencies: Object.fromEntries(Object.entries(tgz).map(([name, file]) => [name, `file:${file}`])),
  devDependencies: { typescript: rootPkg.devDependencies.typescript, '@types/node': rootPkg.devDependencies['@types/node'] },
}, null, 2)}\n`);

const installed = check('npm install of the tarballs into an app outside the workspace (engine-strict)', () => {
  run('npm', ['install', '--no-audit', '--no-fund'], { cwd: app });
  for (const name of Object.keys(tgz)) if (!existsSync(join(app, 'node_modules', name, 'package.json'))) throw new Error(`${name} not installed`);
  for (const peer of ['vitest', '@opentelemetry/sdk-node']) if (existsSync(join(app, 'node_modules', peer))) throw new Error(`optional peer ${peer} was installed`);
});

// --- use them ----------------------------------------------------------------------------
const nodes = [process.execPath, ...(node24 ? [node24] : [])];
const label = (bin) => `Node ${run(bin, ['--version']).trim()}`;

if (installed) {
  for (const bin of nodes) {
    const on = label(bin);
    for (const e of entries) {
      const peer = NEEDS_PEER[e.spec];
      const code = e.json ? `await import(${JSON.stringify(e.spec)}, { with: { type: 'json' } })` : `const m = await import(${JSON.stringify(e.spec)}); if (Object.keys(m).length === 0 && !${JSON.stringify(e.spec)}.endsWith('/register')) throw new Error('no exports')`;
      if (peer) {
        check(`${on}: import('${e.spec}') without the optional ${peer.peer} fails naming it`, () => {
          const r = spawnSync(bin, ['--input-type=module', '-e', code], { cwd: app, encoding: 'utf8' });
          if (r.status === 0) throw new Error('loaded without its peer');
          expectFailure(r.stderr, peer.error);
        });
      } else {
        check(`${on}: import('${e.spec}') from ESM`, () => run(bin, ['--input-type=module', '-e', code], { cwd: app }));
      }
    }
    check(`${on}: startNodeSdk() without @opentelemetry/sdk-node throws a GatiError naming it`, () => {
      const out = run(bin, ['--input-type=module', '-e', `
        const { startNodeSdk } = await import('@gati-framework/observability/sdk');
        try { startNodeSdk(); console.log('started'); } catch (e) { console.log(e.name, e.code, e.message); }`], { cwd: app });
      expectFailure(out, /^GatiError INVALID_CONFIG .*npm install @opentelemetry\/sdk-node/m);
    });
    const cjs = entries.filter((e) => !NEEDS_PEER[e.spec]).map((e) => e.spec);
    check(`${on}: require() of every entry from CommonJS`, () => run(bin, ['require.cjs', ...cjs], { cwd: app }));
  }

  check('gati-emulator --help from node_modules/.bin', () => expectFailure(run(join(app, 'node_modules/.bin/gati-emulator'), ['--help'], { cwd: app }), /^Usage: gati-emulator/m));

  for (const config of ['nodenext', 'bundler']) {
    check(`TypeScript consumer compiles with skipLibCheck: false (moduleResolution ${config})`, () =>
      run(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${config}.json`], { cwd: app }));
  }

  // README and guide code blocks marked `<!-- runnable -->` (the line before the fence) run
  // here, against the installed packages: a snippet that stops working fails CI.
  const snippets = markdownFiles().flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/<!-- runnable -->\n```ts\n([\s\S]*?)\n```/g)].map((m, i) => ({ file: file.slice(root.length + 1), i, code: m[1] })));
  mkdirSync(join(app, 'snippets'));
  for (const s of snippets) writeFileSync(join(app, 'snippets', `${s.file.replace(/[^A-Za-z0-9]+/g, '-')}-${s.i}.ts`), `${s.code}\n`);
  const snippetsBuilt = check(`${snippets.length} runnable code block(s) from the READMEs and guides compile (skipLibCheck: false)`, () => {
    if (snippets.length === 0) throw new Error('no block marked <!-- runnable --> found');
    run(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.snippets.json'], { cwd: app });
  });
  // The cloud parts run against the emulators, started the way the README tells a user to:
  // `gati-emulator --env-file FILE`, then the snippet runs with the lines it wrote.
  const emulator = snippetsBuilt ? startEmulator() : undefined;
  try {
    for (const s of snippetsBuilt ? snippets : []) {
      check(`runnable block ${s.i + 1} of ${s.file} runs`, () => {
        if (!emulator?.env) throw new Error(`gati-emulator did not write its env file: ${emulator?.error ?? 'not started'}`);
        run(process.execPath, [join('snippets-out', `${s.file.replace(/[^A-Za-z0-9]+/g, '-')}-${s.i}.js`)], { cwd: app, timeout: 90_000, env: emulator.env });
      });
    }
  } finally {
    emulator?.child.kill('SIGTERM');
  }

  const peersInstalled = check('npm install of the optional peers (vitest, @opentelemetry/sdk-node)', () =>
    run('npm', ['install', '--no-audit', '--no-fund', `vitest@${rootPkg.devDependencies.vitest}`, `@opentelemetry/sdk-node@${JSON.parse(readFileSync(join(root, 'packages/observability/package.json'), 'utf8')).devDependencies['@opentelemetry/sdk-node']}`], { cwd: app }));
  if (peersInstalled) {
    // With an exporter configured (loopback discard port: nothing is flushed in this short run),
  // the SDK's tracer records spans; without the SDK, spans are non-recording with zero ids.
  check('node --import @gati-framework/observability/register starts the NodeSDK', () =>
      run(process.execPath, ['--import', '@gati-framework/observability/register', '--input-type=module', '-e', `
        const { trace } = await import('@opentelemetry/api');
        const span = trace.getTracer('consumer').startSpan('probe');
        if (!span.spanContext().traceId.match(/^[0-9a-f]{32}$/) || span.spanContext().traceId === '0'.repeat(32)) throw new Error('no SDK tracer');
        span.end();`], { cwd: app, env: { OTEL_SERVICE_NAME: 'consumer', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' } }));
    check('the provider contract suite runs in the consumer\'s own Vitest', () =>
      run(process.execPath, [join(app, 'node_modules/vitest/vitest.mjs'), 'run', 'contract.test.mjs'], { cwd: app, env: { CI: '1' } }));
  }
}

// --- lint the tarballs ---------------------------------------------------------------------
const bin = (name) => join(root, 'node_modules/.bin', name);
for (const [name, file] of Object.entries(tgz)) {
  check(`publint ${name} (warnings and suggestions count)`, () => {
    const out = run(bin('publint'), ['run', file, '--strict', '--level', 'suggestion']);
    if (!/All good!/.test(out)) throw new Error(out);
  });
  check(`attw ${name} (esm-only profile)`, () => run(bin('attw'), [file, '--profile', 'esm-only', '--format', 'ascii']));
}

// --- report --------------------------------------------------------------------------------
const failed = results.filter((r) => !r.ok).length;
console.log(`\nconsumer test: ${results.length - failed} passed, ${failed} failed${process.env['GATI_CONSUMER_KEEP'] ? ` (app kept in ${app})` : ''}`);
const reportFile = process.env['GATI_TEST_REPORT'];
if (reportFile) {
  const file = join(root, 'test/consumer/run.mjs');
  writeFileSync(resolve(reportFile), JSON.stringify({
    numPassedTests: results.length - failed,
    numFailedTests: failed,
    numPendingTests: 0,
    numTodoTests: 0,
    testResults: [{
      name: file,
      status: failed > 0 ? 'failed' : 'passed',
      assertionResults: results.map((r) => ({ fullName: `consumer > ${r.name}`, title: r.name, status: r.ok ? 'passed' : 'failed', duration: r.ms, failureMessages: r.ok ? [] : [r.message] })),
    }],
  }, null, 2));
}
if (!process.env['GATI_CONSUMER_KEEP']) rmSync(work, { recursive: true, force: true });
process.exit(failed > 0 || results.length === 0 ? 1 : 0);
