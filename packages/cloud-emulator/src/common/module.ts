import type { Logger } from '@gati-framework/core';
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

/** A started emulator. */
export interface RunningEmulator {
  endpoints(): EmulatorEndpoint[];
  /** Files the CLI should write on request (e.g. a kubeconfig), keyed by a short name. */
  artifacts?(): Record<string, string>;
  close(): Promise<void>;
}

/** A pluggable emulator for the `gati-emulator` command: its flags, and how to start it. */
export interface EmulatorModule {
  /** Selects the module: `--only kubernetes,aws`. */
  name: string;
  description: string;
  /** Extra CLI flags (all take a string value), name → help text. */
  flags: Record<string, string>;
  start(context: EmulatorContext, flags: Record<string, string | undefined>): Promise<RunningEmulator>;
}

/** Reads a non-negative integer flag of a module; `undefined` when absent, RangeError when malformed. */
export function intFlag(flags: Record<string, string | undefined>, name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`--${name} must be a non-negative integer (got ${v})`);
  return n;
}
