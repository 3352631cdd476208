import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import Transport from 'winston-transport';
import type { ResolvedLokiOptions } from '../config/options.js';
import { causeOf } from './problems.js';

export type LokiDropReason = 'buffer_full' | 'rejected' | 'shutdown';

export interface LokiTransportInit {
  /** Stream labels: low-cardinality only (service, environment, plus static extras); `level` is added per line. */
  labels: Record<string, string>;
  onDrop?: (count: number, reason: LokiDropReason) => void;
  /** Called once per failure streak (not per retry) so an outage logs one line, not thousands. */
  onError?: (error: Error) => void;
  /**
   * Called on every failed push with a short cause key (`status 400`, `ECONNREFUSED`,
   * `TimeoutError`), for a caller that counts failures and rate-limits its warnings by cause.
   */
  onFailure?: (error: Error, cause: string) => void;
}

interface Entry {
  level: string;
  /** The entry already serialized as Loki's JSON tuple `["<ns>","<line>"]`. */
  tuple: string;
  /** Its size in UTF-8. */
  bytes: number;
}

/** Counters a caller (or a test) can read. */
export interface LokiTransportStats {
  buffered: number;
  bufferedBytes: number;
  sent: number;
  dropped: number;
  failures: number;
}

/**
 * Longest wait between two pushes while Loki fails. Kept short on purpose: while Loki is
 * down the buffer is full and every new line drops an old one, so each second of waiting
 * after Loki is back loses lines. A probe is one small request (a refused connection costs
 * nothing), and with the retry timer below shipping resumes at most this long after Loki
 * answers again.
 */
const MAX_BACKOFF_MS = 1500;

/** A push failed on a reused keep-alive connection before any answer came back. */
class StaleSocketError extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}
/** winston's key of the fully formatted line (triple-beam's MESSAGE). */
const MESSAGE = Symbol.for('message');
/** Set by the request line (logger.ts); not imported from there, which imports this module. */
const LOKI_LITERAL = Symbol.for('gati-framework.observability.loki-literal');
const LOKI_LITERAL_OF = Symbol.for('gati-framework.observability.loki-literal-of');

/**
 * A winston transport that pushes JSON batches to Loki's `/loki/api/v1/push`.
 * The buffer is bounded in entries and bytes; when Loki is slow or down the
 * oldest lines are dropped and counted, the app never waits, and non-2xx
 * answers are failures. It installs no process hooks: the stack's shutdown
 * calls `flush()` and `close()`.
 */
export class LokiTransport extends Transport {
  private buffer: Entry[] = [];
  private bufferedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The next attempt after a failure, at `nextAttemptAt` (not at the next batch tick, which may be later). */
  private retryTimer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private backoffMs = 0;
  private nextAttemptAt = 0;
  private failing = false;
  private isClosed = false;
  private readonly url: string;
  private readonly auth: string | undefined;
  private counters = { sent: 0, dropped: 0, failures: 0 };
  private lastMs = 0;
  private seq = 0;
  private readonly agent: HttpAgent;
  private readonly isHttps: boolean;

  constructor(
    private readonly options: ResolvedLokiOptions,
    private readonly init: LokiTransportInit,
  ) {
    super();
    this.url = `${options.host.replace(/\/+$/, '')}/loki/api/v1/push`;
    this.auth = options.basicAuth ? `Basic ${Buffer.from(options.basicAuth).toString('base64')}` : undefined;
    this.isHttps = this.url.startsWith('https:');
    this.agent = this.isHttps ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
    this.timer = setInterval(() => this.tick(), options.batchIntervalMs);
    this.timer.unref();
  }

  override log(info: Record<string | symbol, unknown>, callback: () => void): void {
    if (this.isClosed) {
      this.drop(1, 'shutdown');
      callback();
      return;
    }
    const line = typeof info[MESSAGE] === 'string' ? (info[MESSAGE] as string) : JSON.stringify(info);
    // Serialized once here, so a batch is only joined, never re-walked. A request line comes
    // with its JSON string literal already made (used while the line is still that one).
    const literal = info[LOKI_LITERAL_OF] === line ? (info[LOKI_LITERAL] as string) : JSON.stringify(line);
    const tuple = `["${this.timestamp()}",${literal}]`;
    // Its size in UTF-8, what the buffer bound counts. Measuring also flattens the string: the
    // buffer keeps one string per line, not the chain of pieces it was concatenated from
    // (lines wait up to a batch interval, long enough to be copied by the GC, or promoted).
    const entry: Entry = { level: String(info['level'] ?? 'info'), tuple, bytes: Buffer.byteLength(tuple) };
    this.buffer.push(entry);
    this.bufferedBytes += entry.bytes;
    this.enforceBounds();
    if (this.buffer.length >= this.options.maxBatchEntries) this.tick();
    callback();
  }

  /** Sends everything buffered (one batch at a time) until empty, a failure, or `timeoutMs`. */
  async flush(timeoutMs = this.options.timeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      // `while`: a push that ends may start the next batch at once (see sendBatch); one push at a time.
      while (this.inFlight && Date.now() < deadline) await this.inFlight;
      if (this.inFlight || this.buffer.length === 0) return;
      const ok = await this.sendBatch(Math.max(1, deadline - Date.now()));
      if (!ok) return;
    }
  }

  override close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    clearTimeout(this.retryTimer);
    this.agent.destroy();
    if (this.buffer.length > 0) this.drop(this.buffer.length, 'shutdown');
    this.buffer = [];
    this.bufferedBytes = 0;
  }

  stats(): LokiTransportStats {
    return { buffered: this.buffer.length, bufferedBytes: this.bufferedBytes, ...this.counters };
  }

  /** Nanoseconds since the epoch as a string, strictly increasing (Loki drops exact duplicates). */
  private timestamp(): string {
    const ms = Date.now();
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.seq = 0;
    } else {
      this.seq++;
    }
    return `${this.lastMs}${String(this.seq).padStart(6, '0')}`;
  }

  private enforceBounds(): void {
    let dropped = 0;
    while (this.buffer.length > this.options.maxBufferEntries || (this.bufferedBytes > this.options.maxBufferBytes && this.buffer.length > 1)) {
      const old = this.buffer.shift();
      if (!old) break;
      this.bufferedBytes -= old.bytes;
      dropped++;
    }
    if (dropped > 0) this.drop(dropped, 'buffer_full');
  }

  private drop(count: number, reason: LokiDropReason): void {
    this.counters.dropped += count;
    this.init.onDrop?.(count, reason);
  }

  private tick(): void {
    if (this.inFlight || this.buffer.length === 0 || Date.now() < this.nextAttemptAt) return;
    void this.sendBatch(this.options.timeoutMs);
  }

  private sendBatch(timeoutMs: number): Promise<boolean> {
    const batch = this.buffer.splice(0, this.options.maxBatchEntries);
    let batchBytes = 0;
    for (const e of batch) batchBytes += e.bytes;
    this.bufferedBytes -= batchBytes;
    const run = this.post(batch, timeoutMs).then(
      (status) => {
        if (status >= 200 && status < 300) {
          this.counters.sent += batch.length;
          this.recovered();
          return true;
        }
        if (status >= 400 && status < 500 && status !== 429) {
          // Loki refused the content itself (bad labels, too old): retrying cannot help.
          this.drop(batch.length, 'rejected');
          this.failed(new Error(`Loki answered ${status}; ${batch.length} lines dropped`), `status ${status}`);
          return false;
        }
        this.requeue(batch, batchBytes);
        this.failed(new Error(`Loki answered ${status}`), `status ${status}`);
        return false;
      },
      (error: unknown) => {
        this.requeue(batch, batchBytes);
        this.failed(error instanceof Error ? error : new Error(String(error)), causeOf(error));
        return false;
      },
    );
    this.inFlight = run.then(() => undefined);
    void this.inFlight.finally(() => {
      this.inFlight = undefined;
      // After an outage the buffer is full and lines keep coming: send the next batch now
      // instead of one batch per interval, or the backlog keeps dropping while Loki is up.
      if (this.backoffMs === 0 && this.buffer.length >= this.options.maxBatchEntries) this.tick();
    });
    return run;
  }

  private post(batch: Entry[], timeoutMs: number): Promise<number> {
    const streams = new Map<string, string[]>();
    for (const e of batch) {
      let tuples = streams.get(e.level);
      if (!tuples) streams.set(e.level, (tuples = []));
      tuples.push(e.tuple);
    }
    const parts: string[] = [];
    for (const [level, tuples] of streams) parts.push(`{"stream":${JSON.stringify({ ...this.init.labels, level })},"values":[${tuples.join(',')}]}`);
    const body = Buffer.from(`{"streams":[${parts.join(',')}]}`); // encoded once, sent as is
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': body.length };
    if (this.auth) headers['authorization'] = this.auth;
    const signal = AbortSignal.timeout(timeoutMs);
    return this.send(body, headers, signal).catch((error: unknown) => {
      // A kept-alive connection Loki (or a proxy) closed while idle fails the next push before
      // any answer. That says nothing about Loki: send once more on a fresh connection
      // (pushes are idempotent, Loki drops exact duplicates) instead of reporting an outage.
      if (error instanceof StaleSocketError && !signal.aborted) return this.send(body, headers, signal);
      throw error instanceof StaleSocketError ? error.cause : error;
    });
  }

  private send(body: Buffer, headers: Record<string, string | number>, signal: AbortSignal): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let answered = false;
      const req = (this.isHttps ? httpsRequest : httpRequest)(this.url, { method: 'POST', headers, agent: this.agent, signal }, (res) => {
        answered = true;
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      });
      req.once('error', (error: NodeJS.ErrnoException) => {
        const stale = req.reusedSocket && !answered && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        reject(stale ? new StaleSocketError(error) : error);
      });
      req.end(body);
    });
  }

  private requeue(batch: Entry[], bytes: number): void {
    if (this.isClosed) {
      this.drop(batch.length, 'shutdown');
      return;
    }
    this.buffer = batch.concat(this.buffer);
    this.bufferedBytes += bytes;
    this.enforceBounds();
  }

  private failed(error: Error, cause: string): void {
    this.counters.failures++;
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs === 0 ? this.options.batchIntervalMs : this.backoffMs * 2);
    this.nextAttemptAt = Date.now() + this.backoffMs;
    if (!this.isClosed) {
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.tick(), this.backoffMs);
      this.retryTimer.unref();
    }
    this.init.onFailure?.(error, cause);
    if (!this.failing) {
      this.failing = true;
      this.init.onError?.(error);
    }
  }

  private recovered(): void {
    this.backoffMs = 0;
    this.nextAttemptAt = 0;
    this.failing = false;
  }
}
