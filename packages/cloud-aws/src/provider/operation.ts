import { type GatiError, poll, ProgressReporter, retry, type OperationOptions, type PollOptions, type ProgressPhase } from '@gati-framework/core';
import { isAwsError, mapAwsError } from '../errors/map-error.js';

/**
 * One public operation in flight: its deadline, abort signal and progress
 * reporter. Nested waits report through it, so elapsed times never go backwards.
 */
export class Operation {
  readonly progress: ProgressReporter;
  readonly signal: AbortSignal | undefined;
  private readonly deadline: number;

  constructor(
    readonly name: string,
    options: OperationOptions,
    defaultTimeoutMs: number,
    private readonly delays: { pollIntervalMs: number; maxPollIntervalMs: number; retryBaseDelayMs: number },
  ) {
    this.progress = new ProgressReporter(name, options.onProgress);
    this.signal = options.signal;
    this.deadline = Date.now() + (options.timeoutMs ?? defaultTimeoutMs);
  }

  remainingMs(): number {
    return Math.max(1, this.deadline - Date.now());
  }

  /** Forwards only the waiting lines of a nested poll, under this operation's resource name. */
  forward(resource: string): PollOptions['onProgress'] {
    return (e) => {
      if (e.phase === 'waiting') this.progress.emit(resource, 'waiting', e.message);
    };
  }

  /** One AWS call, retried while throttled or 5xx; anything else fails at once. */
  call<T>(what: string, fn: () => Promise<T>, resource = what): Promise<T> {
    return retry(() => fn(), {
      operation: this.name,
      minDelayMs: this.delays.retryBaseDelayMs,
      maxDelayMs: this.delays.retryBaseDelayMs * 25,
      resource,
      mapError: (e) => mapAwsError(e, what),
      timeoutMs: this.remainingMs(),
      onProgress: this.forward(resource),
      maxRetryableErrors: 12,
      ...(this.signal ? { signal: this.signal } : {}),
    });
  }

  /** Waits for `check` to report done; permission errors and other non-retryable ones fail at once. */
  wait<T>(
    resource: string,
    check: () => Promise<{ done: true; value: T } | { done: false; message?: string }>,
    mapError?: (e: unknown) => GatiError,
    maxRetryableErrors = 12,
  ): Promise<T> {
    return poll(() => check(), {
      operation: this.name,
      resource,
      minDelayMs: this.delays.pollIntervalMs,
      maxDelayMs: this.delays.maxPollIntervalMs,
      timeoutMs: this.remainingMs(),
      mapError: mapError ?? ((e) => mapAwsError(e, `waiting for ${resource}`)),
      onProgress: this.forward(resource),
      maxRetryableErrors,
      ...(this.signal ? { signal: this.signal } : {}),
    });
  }

  step(resource: string, phase: ProgressPhase, message: string): void {
    this.progress.emit(resource, phase, message);
  }
}

/** Options of {@link ensure}. */
export interface EnsureOptions<T> {
  what: string;
  resource: string;
  find: () => Promise<T | undefined>;
  create: () => Promise<T>;
  /** AWS error names meaning "someone (maybe our own lost request) created it already": look again. */
  alreadyExists?: string[];
}

/**
 * Find-or-create that survives lost responses: every retry looks the resource
 * up again before creating, so a create whose answer was lost is not repeated.
 */
export async function ensure<T>(op: Operation, o: EnsureOptions<T>): Promise<{ value: T; created: boolean }> {
  return op.wait<{ value: T; created: boolean }>(
    o.resource,
    async () => {
      const found = await o.find();
      if (found !== undefined) return { done: true, value: { value: found as T, created: false } };
      try {
        return { done: true, value: { value: await o.create(), created: true } };
      } catch (error) {
        if (o.alreadyExists && isAwsError(error, ...o.alreadyExists)) return { done: false, message: `${o.resource} appeared meanwhile; looking it up` };
        throw error;
      }
    },
    (e) => mapAwsError(e, o.what),
  );
}
