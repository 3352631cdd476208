#!/usr/bin/env -S node --
// `--` ends Node's own options: Node 20 otherwise reads a script argument named `--env-file` as its
// own flag (nodejs/node#54232) and exits before this command runs when the file does not exist yet.
import { rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { noopLogger } from '@gati-framework/core';
import { createCertificateAuthority } from './common/certificates.js';
import { formatEnvLines, writeFileAtomically } from './common/env-file.js';
import type { RunningEmulator, WrittenFiles } from './common/module.js';
import { RequestLog } from './common/request-log.js';
import { EMULATOR_MODULES } from './modules.js';

function usage(): string {
  const lines = [
    'Usage: gati-emulator [options]',
    '',
    'Starts local emulators of the cloud and Kubernetes APIs, prints their endpoints, and runs until SIGINT/SIGTERM.',
    '',
    'Options:',
    `  --only <names>            comma-separated emulators to start (default: all: ${EMULATOR_MODULES.map((m) => m.name).join(', ')})`,
    '  --host <address>          address to listen on (default 127.0.0.1)',
    '  --kubeconfig-out <file>   write a kubeconfig for the emulated cluster to this file',
    '  --ca-out <file>           write the PEM of the emulators\' CA to this file',
    '  --env-file <file>         once every emulator is ready, write `export NAME=value` lines a client needs',
    '                            (endpoints, region, test credentials including secrets, CA and kubeconfig paths)',
    '                            to this file (mode 600; removed at start) and print them; use: source <file>',
    '  -h, --help                show this help',
  ];
  for (const m of EMULATOR_MODULES) {
    lines.push('', `${m.name}: ${m.description}`);
    for (const [flag, help] of Object.entries(m.flags)) lines.push(`  --${flag.padEnd(23)} ${help}`);
  }
  return lines.join('\n');
}

function fail(message: string): never {
  throw Object.assign(new Error(message), { name: 'UsageError' });
}

async function main(argv: string[]): Promise<void> {
  const moduleFlags = Object.fromEntries(EMULATOR_MODULES.flatMap((m) => Object.keys(m.flags)).map((f) => [f, { type: 'string' as const }]));
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      host: { type: 'string' },
      'kubeconfig-out': { type: 'string' },
      'ca-out': { type: 'string' },
      'env-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      ...moduleFlags,
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const wanted = typeof values.only === 'string' ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : EMULATOR_MODULES.map((m) => m.name);
  const unknown = wanted.filter((w) => !EMULATOR_MODULES.some((m) => m.name === w));
  if (unknown.length > 0) fail(`unknown emulator(s): ${unknown.join(', ')} (known: ${EMULATOR_MODULES.map((m) => m.name).join(', ')})`);
  const envFile = typeof values['env-file'] === 'string' ? values['env-file'] : undefined;
  // A stale file from an earlier run would look ready to whoever waits for it.
  if (envFile) rmSync(envFile, { force: true });
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
  const context = { host, ca: createCertificateAuthority(), requestLog: new RequestLog(1000), logger: noopLogger };
  const flags = values as Record<string, string | undefined>;
  const running: RunningEmulator[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled(running.map((r) => r.close()));
  };
  try {
    for (const m of EMULATOR_MODULES.filter((x) => wanted.includes(x.name))) running.push(await m.start(context, flags));
  } catch (error) {
    await stopAll();
    throw error;
  }
  for (const r of running) for (const e of r.endpoints()) process.stdout.write(`${e.name.padEnd(16)} ${e.url}\n`);
  const artifacts = Object.assign({}, ...running.map((r) => r.artifacts?.() ?? {})) as Record<string, string>;
  const written: WrittenFiles = { artifacts: {} };
  if (typeof values['kubeconfig-out'] === 'string') {
    if (!artifacts['kubeconfig']) fail('--kubeconfig-out needs the kubernetes emulator');
    writeFileSync(values['kubeconfig-out'], artifacts['kubeconfig'], { mode: 0o600 });
    written.artifacts['kubeconfig'] = values['kubeconfig-out'];
    process.stdout.write(`kubeconfig       ${values['kubeconfig-out']}\n`);
  }
  const caOut = typeof values['ca-out'] === 'string' ? values['ca-out'] : envFile ? `${envFile}.ca.pem` : undefined;
  if (caOut) {
    writeFileSync(caOut, context.ca.caPem);
    written.ca = caOut;
    process.stdout.write(`ca               ${caOut}\n`);
  }
  if (envFile) {
    const env: Record<string, string> = Object.assign({}, ...running.map((r) => r.env?.(written) ?? {}));
    if (written.ca) env['GATI_EMULATOR_CA_FILE'] = written.ca;
    const text = formatEnvLines(env);
    // Written last, in one step: its existence means every emulator is ready.
    writeFileAtomically(envFile, text);
    process.stdout.write(text);
  }
  // The signal handlers go in before `ready` is printed: whoever waits for it may stop us at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      process.stdout.write(`\n${signal}: stopping\n`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  process.stdout.write('ready (Ctrl-C to stop)\n');
  await stopped;
  const force = setTimeout(() => process.exit(1), 5000);
  force.unref();
  await stopAll();
  if (envFile) rmSync(envFile, { force: true });
  process.stdout.write('stopped\n');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`gati-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
