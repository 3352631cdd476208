#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { noopLogger } from '@gati-framework/core';
import { createCertificateAuthority } from './common/certificates.js';
import type { EmulatorModule, RunningEmulator } from './common/module.js';
import { RequestLog } from './common/request-log.js';
import { kubernetesEmulatorModule } from './kubernetes/module.js';

/** Every emulator the command can start; cloud API emulators register here as they are added. */
export const EMULATOR_MODULES: EmulatorModule[] = [kubernetesEmulatorModule];

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
    '  -h, --help                show this help',
  ];
  for (const m of EMULATOR_MODULES) {
    lines.push('', `${m.name}: ${m.description}`);
    for (const [flag, help] of Object.entries(m.flags)) lines.push(`  --${flag.padEnd(23)} ${help}`);
  }
  return lines.join('\n');
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
  if (unknown.length > 0) throw new Error(`unknown emulator(s): ${unknown.join(', ')} (known: ${EMULATOR_MODULES.map((m) => m.name).join(', ')})`);
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
  if (typeof values['kubeconfig-out'] === 'string') {
    if (!artifacts['kubeconfig']) throw new Error('--kubeconfig-out needs the kubernetes emulator');
    writeFileSync(values['kubeconfig-out'], artifacts['kubeconfig'], { mode: 0o600 });
    process.stdout.write(`kubeconfig       ${values['kubeconfig-out']}\n`);
  }
  if (typeof values['ca-out'] === 'string') {
    writeFileSync(values['ca-out'], context.ca.caPem);
    process.stdout.write(`ca               ${values['ca-out']}\n`);
  }
  process.stdout.write('ready (Ctrl-C to stop)\n');
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      process.stdout.write(`\n${signal}: stopping\n`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  const force = setTimeout(() => process.exit(1), 5000);
  force.unref();
  await stopAll();
  process.stdout.write('stopped\n');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`gati-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
