import { abortedError, sleep } from '../errors/abort.js';
import { GatiError, isGatiError } from '../errors/gati-error.js';
import { ProgressReporter, type OperationOptions } from '../progress/progress.js';

/** What one poll attempt found: done with a value, or not yet (with a status line). */
export type PollResult<T> = { done: true; value: T } | { done: false; message?: string };

/** Options of {@link poll}; every field has a default. */
export interface PollOptions extends OperationOptions {
  /** Operation name for progress events and errors. Default `wait`. */
  operation?: string;
  /** Resource name for progress events and errors. Default `resource`. */
  resource?: string;
  /** First delay between attempts. Default 1000 ms. */
  minDelayMs?: number;
  /** Largest delay between attempts. Default 30 000 ms. */
  maxDelayMs?: number;
  /** Growth factor of the delay. Default 2. */
  factor?: number;
  /** Overall time limit. Default 30 minutes. */
  timeoutMs?: number;
  /**
   * Consecutive retryable errors tolerated before giving up. Default 10.
   * `Infinity` leaves `timeoutMs` as the only budget (what provisioning uses:
   * under heavy throttling a count runs out long before the deadline).
   */
  maxRetryableErrors?: number;
  /**
   * First delay after a retryable error. Default `minDelayMs`. Setting it (or
   * `retryMaxDelayMs`) gives errors a backoff of their own, independent of the
   * (usually longer) delays between "not done yet" checks.
   */
  retryMinDelayMs?: number;
  /** Largest delay after retryable errors in a row. Default `maxDelayMs`. */
  retryMaxDelayMs?: number;
  /** Maps a raw (SDK) error to a GatiError; default wraps it as non-retryable PROVIDER_ERROR. */
  mapError?: (error: unknown) => GatiError;
  /** Random source in [0, 1) for jitter; injectable for tests. */
  random?: () => number;
}

const DEFAULTS = {
  operation: 'wait',
  resource: 'resource',
  minDelayMs: 1000,
  maxDelayMs: 30_000,
  factor: 2,
  timeoutMs: 30 * 60_000,
  maxRetryableErrors: 10,
};

function defaultMapError(error: unknown): GatiError {
  if (isGatiError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new GatiError('PROVIDER_ERROR', message, { cause: error });
}

/** Delay before attempt `attempt` (0-based): exponential, capped, with "equal jitter". */
export function backoffDelay(attempt: number, min: number, max: number, factor: number, random: () => number): number {
  const base = Math.min(max, min * factor ** attempt);
  return Math.round(base / 2 + (random() * base) / 2);
}

/**
 * Calls `check` until it reports done, with exponential backoff and jitter.
 * Retryable errors are retried (up to `maxRetryableErrors` in a row); any other
 * error, authentication and permission errors above all, fails at once.
 * Rejects with `TIMEOUT` after `timeoutMs` and `ABORTED` as soon as `signal` fires.
 */
export async function poll<T>(check: (attempt: number) => Promise<PollResult<T>>, options: PollOptions = {}): Promise<T> {
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  const random = options.random ?? Math.random;
  const mapError = options.mapError ?? defaultMapError;
  const progress = new ProgressReporter(o.operation, options.onProgress);
  const deadline = Date.now() + o.timeoutMs;
  const timeoutSignal = new AbortController();
  const timer = setTimeout(() => timeoutSignal.abort(), o.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeoutSignal.signal]) : timeoutSignal.signal;
  let lastMessage = 'not started';
  let consecutiveErrors = 0;
  // Separate schedules: errors back off on their own (short) scale, waits on the poll scale.
  const separateRetryDelays = options.retryMinDelayMs !== undefined || options.retryMaxDelayMs !== undefined;
  const retryMin = options.retryMinDelayMs ?? o.minDelayMs;
  const retryMax = Math.max(retryMin, options.retryMaxDelayMs ?? o.maxDelayMs);
  let notDoneCount = 0;

  const fail = (error: GatiError): never => {
    progress.emit(o.resource, 'failed', error.message);
    throw error;
  };
  const stopped = (): never => {
    if (options.signal?.aborted) return fail(abortedError(options.signal, `${o.operation} of ${o.resource}`));
    return fail(
      new GatiError('TIMEOUT', `${o.operation} of ${o.resource} did not finish within ${o.timeoutMs} ms (last status: ${lastMessage}).`, {
        details: { resource: o.resource, timeoutMs: o.timeoutMs },
      }),
    );
  };

  progress.emit(o.resource, 'started', `${o.operation} ${o.resource}`);
  try {
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) stopped();
      let result: PollResult<T> | undefined;
      try {
        result = await raceSignal(check(attempt), signal);
        consecutiveErrors = 0;
      } catch (raw) {
        if (signal.aborted) stopped();
        const error = mapError(raw);
        consecutiveErrors++;
        if (!error.retryable || consecutiveErrors > o.maxRetryableErrors) fail(error);
        lastMessage = `retrying after ${error.code}: ${error.message}`;
      }
      if (result?.done) {
        progress.emit(o.resource, 'succeeded', `${o.operation} ${o.resource} done`);
        return result.value;
      }
      if (result) lastMessage = result.message ?? 'waiting';
      let wanted: number;
      if (!separateRetryDelays) wanted = backoffDelay(attempt, o.minDelayMs, o.maxDelayMs, o.factor, random);
      else if (result) wanted = backoffDelay(notDoneCount++, o.minDelayMs, o.maxDelayMs, o.factor, random);
      else wanted = backoffDelay(consecutiveErrors - 1, retryMin, retryMax, o.factor, random);
      const delay = Math.min(wanted, Math.max(0, deadline - Date.now()));
      progress.emit(o.resource, 'waiting', lastMessage);
      try {
        await sleep(delay, signal);
      } catch {
        stopped();
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `fn` once, retrying retryable failures (throttling, 5xx) with backoff.
 * Same options and error rules as {@link poll}.
 */
export function retry<T>(fn: (attempt: number) => Promise<T>, options: PollOptions = {}): Promise<T> {
  return poll(async (attempt) => ({ done: true, value: await fn(attempt) }), {
    minDelayMs: 200,
    maxDelayMs: 5000,
    timeoutMs: 5 * 60_000,
    operation: 'call',
    ...stripUndefined(options),
  });
}

function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
