import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { GatiError, noopLogger, type Logger } from '@gati-framework/core';
import { createCertificateAuthority, type CertificateAuthority } from './certificates.js';
import type { FaultDecision, FaultInjector } from './faults.js';
import { readBody, sendJson } from './http.js';
import type { RequestLog, RequestLogEntry } from './request-log.js';

/** What a handler may tell the shell about the request it serves (recorded in the request log). */
export interface RequestContext {
  /** Short label, e.g. `apply deployments` or `CreateCluster`; recorded in the request log. */
  operation?: string;
  /** Overrides the server's `service` in the log entry (e.g. `aws:eks` on the shared AWS endpoint). */
  service?: string;
  /** The cloud's error code of the answer, if it was an error. */
  errorCode?: string;
  /** The injected fault, set by {@link ShellContext.applyFaults}. */
  fault?: RequestLogEntry['fault'];
}

/** The per-request helpers the server shell gives a handler. */
export interface ShellContext extends RequestContext {
  /** The request body, read up to the server's `bodyLimit`; beyond it the shell answers 413. */
  readBody(): Promise<Buffer>;
  /**
   * Waits the added latency, then asks the fault injector about `operation` (`service:Action`);
   * `{ kind: 'none' }` without an injector. The caller renders a fault in its wire shape.
   */
  applyFaults(operation: string, options: { mutating: boolean }): Promise<FaultDecision>;
  /** Records the log entry, then sends the whole response. */
  respond(status: number, headers: Record<string, string>, payload: string | Buffer): void;
}

export type ShellHandler = (request: IncomingMessage, response: ServerResponse, context: ShellContext) => Promise<void> | void;

/** Options of {@link startEmulatorServer}; everything but `service` and `handler` has a default. */
export interface EmulatorServerOptions {
  /** Which emulator this is; the `service` of its request-log entries unless the handler says otherwise. */
  service: string;
  handler: ShellHandler;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /**
   * Serve HTTPS with a certificate from `ca` (a fresh CA when absent) for `localhost`, `127.0.0.1`,
   * `::1`, the host and `hostnames`. Default: plain HTTP.
   */
  tls?: { ca?: CertificateAuthority; hostnames?: string[] };
  /** Largest request body `readBody()` accepts, in bytes. Default 8 MiB. */
  bodyLimit?: number;
  /** Logs every request goes to (e.g. the emulator's own and the CLI's shared one). */
  requestLogs?: RequestLog[];
  /** Seeded faults and latency for `applyFaults()`. */
  faults?: FaultInjector;
  /** Longest `close()` waits for the listener to stop; open sockets are destroyed at once. Default 5000 ms. */
  closeTimeoutMs?: number;
  logger?: Logger;
}

/** A running emulator endpoint. */
export interface EmulatorServer {
  /** `http(s)://host:port` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** PEM of the CA that signed the server certificate; `undefined` for plain HTTP. */
  readonly caPem: string | undefined;
  /** Stops accepting and ends open connections (watch streams included); idempotent, bounded by `closeTimeoutMs`. */
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;

function statusOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * The server shell every emulator runs on: listens on loopback (HTTP or TLS with the kit's CA),
 * logs every request (no headers, no bodies), bounds request bodies, applies latency and faults
 * on request, turns handler errors into 500s, and closes idempotently in bounded time.
 */
export async function startEmulatorServer(options: EmulatorServerOptions): Promise<EmulatorServer> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? noopLogger;
  const logs = options.requestLogs ?? [];
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const sockets = new Set<Socket>();
  let caPem: string | undefined;

  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const started = performance.now();
    const at = new Date();
    const url = new URL(request.url ?? '/', 'http://emulator');
    let recorded = false;
    const record = (status: number): void => {
      if (recorded) return;
      recorded = true;
      const entry: RequestLogEntry = {
        at,
        service: context.service ?? options.service,
        method: request.method ?? 'GET',
        path: url.pathname,
        query: url.search,
        status,
        durationMs: Math.round(performance.now() - started),
        ...(context.operation ? { operation: context.operation } : {}),
        ...(request.headers['user-agent'] ? { userAgent: request.headers['user-agent'] } : {}),
        ...(context.errorCode ? { errorCode: context.errorCode } : {}),
        ...(context.fault ? { fault: context.fault } : {}),
      };
      for (const log of logs) log.record({ ...entry });
    };
    const context: ShellContext = {
      readBody: () => readBody(request, bodyLimit),
      async applyFaults(operation, { mutating }) {
        const faults = options.faults;
        if (!faults) return { kind: 'none' };
        const latency = faults.latencyMs();
        if (latency > 0) await new Promise((r) => setTimeout(r, latency).unref());
        const decision = faults.decide(operation, mutating);
        if (decision.kind !== 'none') context.fault = decision.kind;
        return decision;
      },
      respond(status, headers, payload) {
        record(status);
        response.writeHead(status, { 'content-length': String(Buffer.byteLength(payload)), ...headers }).end(payload);
      },
    };
    // Raw handlers (streams, watches) write the response themselves: their entry is recorded when it closes.
    response.once('close', () => record(response.statusCode));
    Promise.resolve()
      .then(() => options.handler(request, response, context))
      .catch((error: unknown) => {
        if (statusOf(error) === 413 && !response.headersSent) {
          sendJson(response, 413, { message: `request body exceeds ${bodyLimit} bytes` });
          return;
        }
        logger.error('emulator handler failed', { service: options.service, path: url.pathname, error: error instanceof Error ? error.message : String(error) });
        if (!response.headersSent) sendJson(response, 500, { message: 'internal emulator error' });
        else response.destroy();
      });
  };

  let server: Server;
  if (options.tls) {
    const ca = options.tls.ca ?? createCertificateAuthority();
    const names = [...new Set(['localhost', '127.0.0.1', '::1', host, ...(options.tls.hostnames ?? [])])].filter((h) => h !== '0.0.0.0' && h !== '::');
    const { certPem, keyPem } = ca.issue(names);
    caPem = ca.caPem;
    server = createHttpsServer({ cert: certPem, key: keyPem }, onRequest);
    server.on('tlsClientError', () => {}); // clients that distrust the CA just disconnect
  } else {
    server = createHttpServer(onRequest);
  }
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new GatiError('UNAVAILABLE', `The emulator server did not get a TCP address on ${host}: listen on an IP address.`);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const closeTimeoutMs = options.closeTimeoutMs ?? 5000;
  let closing: Promise<void> | undefined;

  return {
    url: `${options.tls ? 'https' : 'http'}://${urlHost}:${address.port}`,
    host,
    port: address.port,
    caPem,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, closeTimeoutMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}
