import type { GatiError } from '../errors/gati-error.js';
import { ProgressReporter, type OperationOptions, type ProgressPhase } from '../progress/progress.js';
import { poll, retry, type PollOptions, type PollResult } from '../wait/poll.js';

/**
 * What the engine needs to know about a provider's errors. Every cloud
 * answers "already exists" and "already done" in its own words; the engine
 * only asks these questions.
 */
export interface ProviderErrors {
  /** Provider name put on errors, e.g. `aws`. */
  provider: string;
  /**
   * SDK error → GatiError (throttling → THROTTLED, 5xx → UNAVAILABLE, ...).
   * `what` says what was being done ("creating the VPC of shop"). A GatiError passes through unchanged.
   */
  mapError(error: unknown, what: string): GatiError;
  /** A create was refused because a resource of that name exists: maybe made by our own earlier request whose answer was lost. */
  isAlreadyExists(error: unknown): boolean;
  /** An idempotent change answered "already done" (already attached, associated, route exists): that is success. */
  isAlreadyDone(error: unknown): boolean;
}

/** How an {@link Operation} retries and waits; every delay has a default. */
export interface OperationSettings {
  errors: ProviderErrors;
  /** Deadline when the caller passes no `timeoutMs`. Default 30 minutes. */
  defaultTimeoutMs?: number;
  /** First delay between "not done yet" checks. Default 5000 ms. */
  pollIntervalMs?: number;
  /** Largest delay between "not done yet" checks. Default 30 000 ms. */
  maxPollIntervalMs?: number;
  /** First delay after a throttled or 5xx answer; doubles with jitter. Default 200 ms. */
  retryBaseDelayMs?: number;
  /** Ceiling of that backoff, whatever the poll interval. Default 5000 ms. */
  maxRetryDelayMs?: number;
  /** Random source in [0, 1) for jitter; injectable for tests. */
  random?: () => number;
}

/** What {@link Operation.change} found: it made the change, or the cloud said it was already made. */
export type ChangeOutcome = 'done' | 'already-done';

/**
 * One public operation in flight (`createCluster`, ...): its deadline, abort
 * signal and progress reporter, and the two ways it talks to a cloud.
 *
 * Retry rules every cloud inherits: throttling and 5xx are retried with
 * jittered backoff up to `maxRetryDelayMs`, for as long as the deadline
 * allows (no count of errors: under heavy throttling a count runs out first);
 * anything else (permission, validation, quota) fails at once.
 */
export class Operation {
  readonly progress: ProgressReporter;
  readonly signal: AbortSignal | undefined;
  readonly errors: ProviderErrors;
  private readonly deadline: number;
  private readonly delays: Required<Omit<OperationSettings, 'errors' | 'defaultTimeoutMs' | 'random'>>;
  private readonly random: (() => number) | undefined;

  constructor(
    readonly name: string,
    options: OperationOptions,
    settings: OperationSettings,
  ) {
    this.progress = new ProgressReporter(name, options.onProgress);
    this.signal = options.signal;
    this.errors = settings.errors;
    this.random = settings.random;
    this.deadline = Date.now() + (options.timeoutMs ?? settings.defaultTimeoutMs ?? 30 * 60_000);
    this.delays = {
      pollIntervalMs: settings.pollIntervalMs ?? 5000,
      maxPollIntervalMs: settings.maxPollIntervalMs ?? 30_000,
      retryBaseDelayMs: settings.retryBaseDelayMs ?? 200,
      maxRetryDelayMs: settings.maxRetryDelayMs ?? 5000,
    };
  }

  /** Milliseconds left before the deadline (at least 1). */
  remainingMs(): number {
    return Math.max(1, this.deadline - Date.now());
  }

  /** Forwards only the waiting lines of a nested poll, under this operation's resource name. */
  forward(resource: string): PollOptions['onProgress'] {
    return (e) => {
      if (e.phase === 'waiting') this.progress.emit(resource, 'waiting', e.message);
    };
  }

  /** One API call, retried while throttled or 5xx until the deadline; anything else fails at once. */
  call<T>(what: string, fn: () => Promise<T>, resource = what): Promise<T> {
    return retry(() => fn(), this.common(resource, (e) => this.errors.mapError(e, what)));
  }

  /**
   * One idempotent change (attach, associate, add a route): retried like
   * {@link call}, and an "already done" answer is success at once. That answer
   * is what a retry gets when the first attempt's response was lost.
   */
  change(what: string, fn: () => Promise<unknown>, resource = what): Promise<ChangeOutcome> {
    return this.call(
      what,
      async (): Promise<ChangeOutcome> => {
        try {
          await fn();
          return 'done';
        } catch (error) {
          if (this.errors.isAlreadyDone(error)) return 'already-done';
          throw error;
        }
      },
      resource,
    );
  }

  /**
   * Waits for `check` to report done, checking every `pollIntervalMs` (growing
   * to `maxPollIntervalMs`); retryable errors in between back off on the short
   * retry scale. Non-retryable errors fail at once.
   */
  wait<T>(resource: string, check: () => Promise<PollResult<T>>, mapError?: (e: unknown) => GatiError): Promise<T> {
    return poll(() => check(), {
      ...this.common(resource, mapError ?? ((e) => this.errors.mapError(e, `waiting for ${resource}`))),
      minDelayMs: this.delays.pollIntervalMs,
      maxDelayMs: this.delays.maxPollIntervalMs,
    });
  }

  /** Reports a step of this operation. */
  step(resource: string, phase: ProgressPhase, message: string): void {
    this.progress.emit(resource, phase, message);
  }

  private common(resource: string, mapError: (e: unknown) => GatiError): PollOptions {
    return {
      operation: this.name,
      resource,
      minDelayMs: this.delays.retryBaseDelayMs,
      maxDelayMs: this.delays.maxRetryDelayMs,
      retryMinDelayMs: this.delays.retryBaseDelayMs,
      retryMaxDelayMs: this.delays.maxRetryDelayMs,
      timeoutMs: this.remainingMs(),
      // The budget is the deadline, not a count of errors in a row.
      maxRetryableErrors: Number.POSITIVE_INFINITY,
      mapError,
      onProgress: this.forward(resource),
      ...(this.signal ? { signal: this.signal } : {}),
      ...(this.random ? { random: this.random } : {}),
    };
  }
}
