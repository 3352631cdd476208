import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { abortedError } from '@gati-framework/core';
import { kubeApiError, transportError } from './errors.js';

export interface RequestSpec {
  method: string;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Per-request time limit. Default 30 s. */
  timeoutMs?: number;
}

export interface JsonResponse<T> {
  status: number;
  body: T;
}

/**
 * HTTP(S) to the API server with the kubeconfig's credentials: client-node's `applyToHTTPSOptions`
 * resolves CA, client certificates, tokens and exec plugins (e.g. EKS tokens) per request.
 */
export class KubeTransport {
  /**
   * client-node builds a fresh agent per request (a TLS handshake each time); we keep one
   * keep-alive agent per TLS identity instead (idle sockets are unref'd by Node).
   */
  private agent: { key: string; agent: Agent } | undefined;

  constructor(
    private readonly kc: KubeConfig,
    readonly server: string,
  ) {}

  /** Closes pooled connections; idempotent. */
  close(): void {
    this.agent?.agent.destroy();
    this.agent = undefined;
  }

  private pooledAgent(opts: RequestOptions): Agent {
    const tls = { ca: opts.ca, cert: opts.cert, key: opts.key, pfx: opts.pfx, passphrase: opts.passphrase, servername: opts.servername, ...(opts.rejectUnauthorized !== undefined ? { rejectUnauthorized: opts.rejectUnauthorized } : {}) };
    const key = JSON.stringify(tls);
    if (this.agent?.key !== key) {
      this.agent?.agent.destroy();
      this.agent = { key, agent: new Agent({ ...tls, keepAlive: true, maxSockets: 16 } as ConstructorParameters<typeof Agent>[0]) };
    }
    return this.agent.agent;
  }

  private async options(spec: RequestSpec): Promise<{ url: URL; opts: RequestOptions }> {
    const url = new URL(spec.path, this.server);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const opts: RequestOptions = { method: spec.method, headers: { accept: 'application/json' } };
    await this.kc.applyToHTTPSOptions(opts);
    if (url.protocol === 'https:' && !this.kc.getCurrentCluster()?.proxyUrl) opts.agent = this.pooledAgent(opts);
    if (spec.contentType) (opts.headers as Record<string, string>)['content-type'] = spec.contentType;
    return { url, opts };
  }

  private open(url: URL, opts: RequestOptions, body: string | undefined, signal: AbortSignal | undefined): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const fn = url.protocol === 'http:' ? httpRequest : httpsRequest;
      const req = fn(url, { ...opts, ...(signal ? { signal } : {}) }, resolve);
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /** One JSON request; non-2xx answers reject with the mapped GatiError. */
  async json<T>(spec: RequestSpec, what: string): Promise<JsonResponse<T>> {
    const timeout = AbortSignal.timeout(spec.timeoutMs ?? 30_000);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
    const { url, opts } = await this.options(spec);
    const payload = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    let res: IncomingMessage;
    let text = '';
    try {
      res = await this.open(url, opts, payload, signal);
      for await (const chunk of res) text += (chunk as Buffer).toString('utf8');
    } catch (error) {
      if (spec.signal?.aborted) throw abortedError(spec.signal, what);
      throw transportError(timeout.aborted ? new Error(`no answer within ${spec.timeoutMs ?? 30_000} ms`) : error, what);
    }
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = { message: text.slice(0, 200) };
    }
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) throw kubeApiError(status, body, what);
    return { status, body: body as T };
  }

  /** Opens a watch stream; `onLine` gets each JSON line. Resolves when the server ends the stream. */
  async stream(spec: RequestSpec, what: string, onLine: (line: unknown) => void): Promise<void> {
    const { url, opts } = await this.options(spec);
    let res: IncomingMessage;
    try {
      res = await this.open(url, opts, undefined, spec.signal);
    } catch (error) {
      if (spec.signal?.aborted) throw abortedError(spec.signal, what);
      throw transportError(error, what);
    }
    if ((res.statusCode ?? 0) >= 300) {
      let text = '';
      for await (const chunk of res) text += (chunk as Buffer).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = { message: text.slice(0, 200) };
      }
      throw kubeApiError(res.statusCode ?? 0, body, what);
    }
    let buffer = '';
    try {
      for await (const chunk of res) {
        buffer += (chunk as Buffer).toString('utf8');
        let i: number;
        while ((i = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, i).trim();
          buffer = buffer.slice(i + 1);
          if (line) onLine(JSON.parse(line));
        }
      }
    } catch (error) {
      if (spec.signal?.aborted) throw abortedError(spec.signal, what);
      throw transportError(error, what);
    }
  }
}
