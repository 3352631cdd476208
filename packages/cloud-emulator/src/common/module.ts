import { GatiError, type Logger } from '@gati-framework/core';
import type { CertificateAuthority } from './certificates.js';
import type { RequestLog } from './request-log.js';

/** One endpoint a running emulator serves, printed by the CLI. */
export interface EmulatorEndpoint {
  /** e.g. `kubernetes`, `eks`, `secretsmanager`. */
  name: string;
  url: string;
}

/** What every emulator module shares when the CLI (or a test) starts several together. */
export interface EmulatorContext {
  host: string;
  ca: CertificateAuthority;
  requestLog: RequestLog;
  logger: Logger;
}

/** Where the CLI wrote shared files, so a module can point its environment variables at them. */
export interface WrittenFiles {
  /** PEM of the kit's CA (every TLS endpoint's trust root), when written. */
  ca?: string;
  /** Artifact name (see {@link RunningEmulator.artifacts}) → path, for those the user asked for (e.g. `kubeconfig`). */
  artifacts: Record<string, string>;
}

/** A started emulator. */
export interface RunningEmulator {
  endpoints(): EmulatorEndpoint[];
  /** Files the CLI should write on request (e.g. a kubeconfig), keyed by a short name. */
  artifacts?(): Record<string, string>;
  /**
   * Environment variables a client needs to use this emulator (endpoints, region/project, the test
   * credentials including secrets, CA paths), written by `gati-emulator --env-file` as `export` lines.
   */
  env?(files: WrittenFiles): Record<string, string>;
  /** Stops everything the module started; idempotent. */
  close(): Promise<void>;
}

/** A pluggable emulator for the `gati-emulator` command: its flags, and how to start it. */
export interface EmulatorModule {
  /** Selects the module: `--only kubernetes,aws`. */
  name: string;
  description: string;
  /** Extra CLI flags (all take a string value), name → help text. */
  flags: Record<string, string>;
  /**
   * Starts the emulator. Import the module's implementation here with a dynamic `import()`, so a
   * cloud's code (and its heavy dependencies) load only when that cloud is started.
   */
  start(context: EmulatorContext, flags: Record<string, string | undefined>): Promise<RunningEmulator>;
}

/** Reads a non-negative integer flag of a module; `undefined` when absent, INVALID_CONFIG when malformed. */
export function intFlag(flags: Record<string, string | undefined>, name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new GatiError('INVALID_CONFIG', `--${name} must be a non-negative integer (got ${v})`);
  return n;
}

/**
 * Several integer flags at once, keyed as the emulator's options name them: `{ port: 'aws-port' }`
 * → `{ port: 4566 }` when `--aws-port 4566` was given, `{}` when not (so defaults stay the emulator's).
 */
export function intFlags<K extends string>(flags: Record<string, string | undefined>, names: Record<K, string>): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const key of Object.keys(names) as K[]) {
    const value = intFlag(flags, names[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}
