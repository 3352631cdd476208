import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { noopLogger, type Logger } from '@gati-framework/core';
import { createCertificateAuthority, type CertificateAuthority } from './certificates.js';
import { sendJson } from './http.js';
import type { RequestLog } from './request-log.js';

/** Per-request context a handler may annotate for the request log. */
export interface RequestContext {
  /** Short label, e.g. `apply deployments`; recorded in the request log. */
  operation?: string;
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse, context: RequestContext) => Promise<void> | void;

export interface HttpsEmulatorServerOptions {
  /** Which emulator this is; the `service` of its request-log entries. */
  service: string;
  handler: RequestHandler;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** CA that issues the server certificate; a fresh one is generated when absent. */
  ca?: CertificateAuthority;
  /** Extra names/IPs for the certificate; `localhost`, `127.0.0.1`, `::1` and the host are always included. */
  hostnames?: string[];
  requestLog?: RequestLog;
  logger?: Logger;
}

/** A running HTTPS emulator endpoint. */
export interface HttpsEmulatorServer {
  /** `https://host:port` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** PEM of the CA that signed the server certificate. */
  readonly caPem: string;
  /** Stops accepting, ends open connections (watch streams included); idempotent. */
  close(): Promise<void>;
}

/** Starts an HTTPS server with a certificate from a (generated) CA; every request is logged and errors become 500s. */
export async function startHttpsEmulatorServer(options: HttpsEmulatorServerOptions): Promise<HttpsEmulatorServer> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? noopLogger;
  const ca = options.ca ?? createCertificateAuthority();
  const names = [...new Set(['localhost', '127.0.0.1', '::1', host, ...(options.hostnames ?? [])])].filter((h) => h !== '0.0.0.0' && h !== '::');
  const { certPem, keyPem } = ca.issue(names);
  const sockets = new Set<Socket>();

  const server: Server = createServer({ cert: certPem, key: keyPem }, (request, response) => {
    const started = performance.now();
    const context: RequestContext = {};
    const url = new URL(request.url ?? '/', 'https://emulator');
    response.once('close', () => {
      options.requestLog?.record({
        at: new Date(),
        service: options.service,
        method: request.method ?? 'GET',
        path: url.pathname,
        query: url.search,
        status: response.statusCode,
        durationMs: Math.round(performance.now() - started),
        ...(context.operation ? { operation: context.operation } : {}),
        ...(request.headers['user-agent'] ? { userAgent: request.headers['user-agent'] } : {}),
      });
    });
    Promise.resolve()
      .then(() => options.handler(request, response, context))
      .catch((error: unknown) => {
        logger.error('emulator handler failed', { service: options.service, path: url.pathname, error: String(error) });
        if (!response.headersSent) sendJson(response, 500, { message: 'internal emulator error' });
        else response.destroy();
      });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => {}); // clients that distrust the CA just disconnect

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;

  return {
    url: `https://${urlHost}:${address.port}`,
    host,
    port: address.port,
    caPem: ca.caPem,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}
