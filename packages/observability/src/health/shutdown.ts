import type { Server } from 'node:http';
import { sleep } from '@gati-framework/core';

export interface DrainOptions {
  shutdownDelayMs: number;
  drainTimeoutMs: number;
  onPhase?: (phase: 'draining' | 'closing' | 'closed', detail?: Record<string, unknown>) => void;
}

/**
 * Closes a server gracefully: stop accepting, close idle keep-alive sockets as
 * they become idle, cut the rest after `drainTimeoutMs`. Resolves when closed.
 */
export async function closeServer(server: Server, drainTimeoutMs: number): Promise<{ forced: boolean }> {
  if (!server.listening) return { forced: false };
  let forced = false;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
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

/** The shutdown sequence: readiness fails, wait, drain the servers, then `flush`. */
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
