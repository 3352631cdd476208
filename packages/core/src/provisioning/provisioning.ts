import { GatiError } from '../errors/gati-error.js';
import type { Operation } from './operation.js';

/** Options of a {@link Provisioning}. */
export interface ProvisioningOptions {
  /** Resource name of the whole job in progress events: `cluster/shop`. */
  resource: string;
  /** What is being done, for the error: "creating cluster shop". */
  what: string;
  /** How to resume after a failure: "call createCluster again to resume". */
  resume: string;
}

/**
 * Runs the steps of a multi-resource job (roles, network, cluster, node
 * pools), remembering what each one put in place. A failure becomes one
 * GatiError whose message lists what exists (kept, not rolled back) and how
 * to resume; `details.created` holds the same list. Steps built on
 * {@link ensure} find what a previous run left, so resuming never duplicates.
 */
export class Provisioning {
  private readonly done: string[] = [];

  constructor(
    readonly op: Operation,
    private readonly options: ProvisioningOptions,
  ) {}

  /** What is in place so far, in the order it got there. */
  get created(): readonly string[] {
    return [...this.done];
  }

  /** Records one piece now in place, e.g. "network vpc-123 (6 subnets)". */
  record(description: string): void {
    this.done.push(description);
  }

  /**
   * Runs one step and records `describe(value)` once it succeeded; with `resource`, also reports
   * it as that resource's `succeeded` progress event (for steps whose own code reports none).
   */
  async step<T>(run: () => Promise<T>, describe: (value: T) => string, resource?: string | ((value: T) => string)): Promise<T> {
    const value = await run();
    const description = describe(value);
    this.record(description);
    if (resource !== undefined) this.op.step(typeof resource === 'function' ? resource(value) : resource, 'succeeded', description);
    return value;
  }

  /**
   * Reports `started`, runs `body`, then `succeeded` with `succeeded(value)`;
   * on failure reports `failed` and rejects with {@link failure}'s error.
   */
  async run<T>(started: string, body: (p: this) => Promise<T>, succeeded: (value: T) => string): Promise<T> {
    this.op.step(this.options.resource, 'started', started);
    try {
      const value = await body(this);
      this.op.step(this.options.resource, 'succeeded', succeeded(value));
      return value;
    } catch (error) {
      const failure = this.failure(error);
      // One line for progress listeners: the cause, then what exists.
      const cut = failure.message.lastIndexOf('\n');
      this.op.step(this.options.resource, 'failed', `${failure.message.slice(0, cut)} ${failure.message.slice(cut + 1)}`);
      throw failure;
    }
  }

  /** The error a failed job rejects with: the mapped cause, what exists, how to resume. Code and `retryable` are the cause's. */
  failure(error: unknown): GatiError {
    const mapped = this.op.errors.mapError(error, this.options.what);
    const created = this.created;
    const exists = created.length > 0 ? `Already in place (kept; ${this.options.resume}): ${created.join('; ')}.` : 'Nothing was created.';
    return new GatiError(mapped.code, `${mapped.message}\n${exists}`, {
      provider: mapped.provider ?? this.op.errors.provider,
      retryable: mapped.retryable,
      cause: mapped.cause ?? mapped,
      details: { ...mapped.details, created },
    });
  }
}
