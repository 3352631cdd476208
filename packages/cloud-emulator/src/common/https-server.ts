import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@gati-framework/core';
import { createCertificateAuthority, type CertificateAuthority } from './certificates.js';
import type { RequestLog } from './request-log.js';
import { startEmulatorServer, type RequestContext } from './server.js';

export type { RequestContext } from './server.js';

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

/** The server shell ({@link startEmulatorServer}) with TLS always on: for emulators that handle raw requests (the Kubernetes API). */
export async function startHttpsEmulatorServer(options: HttpsEmulatorServerOptions): Promise<HttpsEmulatorServer> {
  const ca = options.ca ?? createCertificateAuthority();
  const server = await startEmulatorServer({
    service: options.service,
    handler: options.handler,
    tls: { ca, ...(options.hostnames ? { hostnames: options.hostnames } : {}) },
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.requestLog ? { requestLogs: [options.requestLog] } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return { url: server.url, host: server.host, port: server.port, caPem: ca.caPem, close: () => server.close() };
}
