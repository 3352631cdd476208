import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import { sleep } from '@gati-framework/core';

export interface DrainOptions {
  shutdownDelayMs: number;
  drainTimeoutMs: number;
  onPhase?: (phase: 'draining' | 'closing' | 'closed', detail?: Record<string, unknown>) => void;
}

/** The listening socket's close alone (http.Server#close() also closes idle connections, first). */
const closeListener = NetServer.prototype.close;

/**
 * Closes a server gracefully: stop accepting, then close idle keep-alive sockets (and the
 * others as they become idle), cut the rest after `drainTimeoutMs`. Resolves when closed.
 *
 * The listener closes before any idle connection does (`http.Server#close()`, Node 19+,
 * closes idle connections first), so no connection can be accepted after the idle ones were
 * closed: a client's reconnect is refused, which clients and load balancers retry
 * elsewhere. Both steps run in one synchronous call either way, so the order narrows a race
 * rather than removing one; what keeps connections from being reset is that by now the
 * busy ones were closed after an answer with `Connection: close` (see gracefulShutdown).
 */
export async function closeServer(server: Server, drainTimeoutMs: number): Promise<{ forced: boolean }> {
  if (!server.listening) return { forced: false };
  let forced = false;
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  closeListener.call(server);
  // Now http.Server#close(): the listener is already gone, so this closes the idle connections
  // and stops Node's connection-timeout timer (it has no public handle of its own).
  server.close();
  // Keep-alive sockets whose response finished after close() started are idle now: close them too.
  const sweeper = setInterval(() => server.closeIdleConnections(), 50);
  sweeper.unref();
  const cut = setTimeout(() => {
    forced = true;
    server.closeAllConnections();
  }, drainTimeoutMs);
  cut.unref();
  try {
    await closed;
  } finally {
    clearInterval(sweeper);
    clearTimeout(cut);
  }
  return { forced };
}

/**
 * The shutdown sequence: readiness fails, wait, drain the servers, then `flush`.
 * During the wait every response carries `Connection: close` (set by the middleware and
 * the health handlers), so keep-alive clients open their next connection elsewhere and
 * the connections made before readiness failed are closed after a complete response.
 */
export async function gracefulShutdown(
  servers: Server[],
  markShuttingDown: () => void,
  flush: () => Promise<void>,
  options: DrainOptions,
): Promise<{ forced: boolean }> {
  markShuttingDown();
  options.onPhase?.('draining', { shutdownDelayMs: options.shutdownDelayMs });
  if (options.shutdownDelayMs > 0) await sleep(options.shutdownDelayMs);
  options.onPhase?.('closing');
  const results = await Promise.all(servers.map((s) => closeServer(s, options.drainTimeoutMs)));
  const forced = results.some((r) => r.forced);
  options.onPhase?.('closed', { forced });
  await flush();
  return { forced };
}
