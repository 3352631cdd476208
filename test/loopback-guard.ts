/**
 * Setup file of every test project: refuses any connection or DNS lookup to a
 * non-loopback destination, before a packet leaves, and fails the test that tried.
 */
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { afterEach } from 'vitest';

// Credential discovery must never reach a metadata server or token endpoint.
process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
process.env['METADATA_SERVER_DETECTION'] = 'none';
process.env['GCE_METADATA_HOST'] = '127.0.0.1:1';
process.env['GCE_METADATA_IP'] = '127.0.0.1:1';

const violations: string[] = [];
const STATE = Symbol.for('gati.loopback-guard');

/** True for loopback addresses and names that resolve only to loopback. */
export function isLoopback(host: string | undefined): boolean {
  if (host === undefined || host === '') return true; // Node's default host is localhost
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.') || h === '0.0.0.0';
  if (net.isIPv6(h)) return h === '::1' || h === '::' || /^::ffff:127\./.test(h) || h === '0:0:0:0:0:0:0:1';
  return false;
}

/** Removes and returns the destinations refused so far (for tests of the guard itself). */
export function takeViolations(): string[] {
  return violations.splice(0);
}

function refuse(destination: string): Error {
  violations.push(destination);
  const error = new Error(`loopback guard: refused connection to non-loopback destination ${destination}`) as NodeJS.ErrnoException;
  error.code = 'ECONNREFUSED';
  return error;
}

type ConnectArgs = unknown[];

function destinationOf(args: ConnectArgs): { host?: string; port?: unknown; path?: string } {
  let first = args[0];
  if (Array.isArray(first)) first = first[0]; // Node's internal normalized form
  if (typeof first === 'object' && first !== null) return first as { host?: string; port?: unknown; path?: string };
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { path: first };
  return { port: first, ...(typeof args[1] === 'string' ? { host: args[1] } : {}) };
}

const g = globalThis as unknown as Record<symbol, boolean>;
if (!g[STATE]) {
  g[STATE] = true;
  const originalConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: ConnectArgs) {
    const d = destinationOf(args);
    if (!d.path && !isLoopback(d.host)) {
      const error = refuse(`${d.host}:${String(d.port)}`);
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return (originalConnect as (...a: ConnectArgs) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;

  const guardLookup = <F extends (...a: never[]) => unknown>(original: F, name: string, callbackStyle: boolean): F =>
    function guarded(this: unknown, ...args: unknown[]) {
      const host = args[0] as string;
      if (!isLoopback(host)) {
        const error = refuse(`${host} (dns.${name})`);
        if (!callbackStyle) return Promise.reject(error);
        const cb = args.at(-1);
        if (typeof cb === 'function') process.nextTick(() => (cb as (e: Error) => void)(error));
        return undefined;
      }
      return (original as unknown as (...a: unknown[]) => unknown).apply(this, args);
    } as unknown as F;

  const cbNames = ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveTxt', 'resolveSrv'] as const;
  for (const name of cbNames) {
    const d = dns as unknown as Record<string, (...a: never[]) => unknown>;
    const p = dns.promises as unknown as Record<string, (...a: never[]) => unknown>;
    if (typeof d[name] === 'function') d[name] = guardLookup(d[name], name, true);
    if (typeof p[name] === 'function') p[name] = guardLookup(p[name], name, false);
  }
  syncBuiltinESMExports();
}

afterEach(() => {
  const refused = takeViolations();
  if (refused.length > 0) {
    throw new Error(`This test tried to reach non-loopback destinations (refused): ${[...new Set(refused)].join(', ')}`);
  }
});
