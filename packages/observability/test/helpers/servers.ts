import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Transport from 'winston-transport';

/** Listens on 127.0.0.1 port 0 (or `port`) and returns the base URL. */
export async function listen(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function close(server: Server | undefined): Promise<void> {
  if (!server?.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Collects every formatted log line the logger writes. */
export class CaptureTransport extends Transport {
  readonly lines: Record<string, unknown>[] = [];
  override log(info: Record<string | symbol, unknown>, callback: () => void): void {
    const formatted = info[Symbol.for('message')];
    this.lines.push(JSON.parse(typeof formatted === 'string' ? formatted : JSON.stringify(info)) as Record<string, unknown>);
    callback();
  }
  requests(): Record<string, unknown>[] {
    return this.lines.filter((l) => l['message'] === 'request');
  }
}

export interface LokiPush {
  stream: Record<string, string>;
  values: [string, string][];
}

/** A Loki push receiver: decodes `/loki/api/v1/push` JSON bodies; can answer errors or be closed and reopened. */
export class LokiReceiver {
  readonly streams: LokiPush[] = [];
  pushes = 0;
  /** When each accepted push arrived (Date.now()). */
  readonly pushTimes: number[] = [];
  failWith: number | undefined;
  /** Accept pushes but never answer (a hung Loki). */
  hang = false;
  authorization: string | undefined;
  private server: Server | undefined;
  port = 0;

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        if (this.hang) return;
        if (req.method !== 'POST' || req.url !== '/loki/api/v1/push') {
          res.statusCode = 404;
          return res.end();
        }
        this.authorization = req.headers.authorization;
        if (this.failWith !== undefined) {
          res.statusCode = this.failWith;
          return res.end('failing on purpose');
        }
        if (!String(req.headers['content-type']).startsWith('application/json')) {
          res.statusCode = 415;
          return res.end();
        }
        const parsed = JSON.parse(body.toString()) as { streams: LokiPush[] };
        this.pushes++;
        this.pushTimes.push(Date.now());
        this.streams.push(...parsed.streams);
        res.statusCode = 204;
        res.end();
      });
    });
    const url = await listen(this.server, port);
    this.port = (this.server.address() as AddressInfo).port;
    return url;
  }

  async stop(): Promise<void> {
    await close(this.server);
    this.server = undefined;
  }

  lines(): Record<string, unknown>[] {
    return this.streams.flatMap((s) => s.values.map(([, line]) => JSON.parse(line) as Record<string, unknown>));
  }
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}

/** An OTLP/HTTP JSON trace receiver (`POST /v1/traces`). */
export class OtlpReceiver {
  readonly spans: OtlpSpan[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const parsed = JSON.parse(body.toString()) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
        for (const rs of parsed.resourceSpans) for (const ss of rs.scopeSpans) this.spans.push(...ss.spans);
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      });
    });
    return `${await listen(this.server)}/v1/traces`;
  }

  async stop(): Promise<void> {
    await close(this.server);
  }
}

/** Parses a Prometheus text exposition into `name{labels} -> value`. */
export function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+?)(\{.*\})?\s+(\S+)/.exec(line);
    if (m) out.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return out;
}

/** Sum of samples of `name` whose label string contains every `fragments` item. */
export function sample(map: Map<string, number>, name: string, ...fragments: string[]): number {
  let total = 0;
  for (const [k, v] of map) {
    const base = k.split('{')[0];
    if (base === name && fragments.every((f) => k.includes(f))) total += v;
  }
  return total;
}
