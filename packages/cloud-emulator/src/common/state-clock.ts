import { TimerGroup } from './timers.js';

/** Where a resource is in its life: the states every cloud's long-running create and delete share. */
export type LifecycleState = 'CREATING' | 'ACTIVE' | 'DELETING';

/** Options of {@link StateClock}. */
export interface StateClockOptions<T> {
  /** The emulator's clock (ms). Default `Date.now`. */
  now?: () => number;
  /** Called once a deleted resource is gone (e.g. to stop its Kubernetes API); errors are ignored. */
  onGone?: (key: string, value: T) => void;
}

interface Entry<T> {
  value: T;
  activeAt: number;
  goneAt?: number;
}

/**
 * The "becomes ACTIVE / is gone after a delay" clock every emulated resource type uses:
 * `create(key, value, ms)` is CREATING until `ms` have passed, then ACTIVE; `delete(key, ms)`
 * is DELETING until `ms` have passed, then the resource is gone. States are computed from the
 * clock on every read (so they never lag), and an unref'd timer removes a deleted resource on
 * time even when nobody asks; `close()` cancels every timer.
 */
export class StateClock<T> {
  private readonly items = new Map<string, Entry<T>>();
  private readonly timers = new TimerGroup();
  private readonly now: () => number;

  constructor(private readonly options: StateClockOptions<T> = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Adds a resource that is CREATING for `createMs`, then ACTIVE. Replaces any resource under `key`. */
  create(key: string, value: T, createMs: number): T {
    this.items.set(key, { value, activeAt: this.now() + createMs });
    return value;
  }

  /** Starts deleting `key`: DELETING for `deleteMs`, then gone. A second call keeps the first deadline. Returns false if absent. */
  delete(key: string, deleteMs: number): boolean {
    this.settle();
    const entry = this.items.get(key);
    if (!entry) return false;
    if (entry.goneAt === undefined) {
      entry.goneAt = this.now() + deleteMs;
      // One ms late: timers may fire a little before the wall clock reaches the deadline.
      this.timers.after(deleteMs + 1, () => this.settle());
    }
    return true;
  }

  /** Removes `key` at once, without a DELETING phase and without `onGone` (e.g. a create that failed). */
  remove(key: string): void {
    this.items.delete(key);
  }

  state(key: string): LifecycleState | undefined {
    this.settle();
    const entry = this.items.get(key);
    if (!entry) return undefined;
    if (entry.goneAt !== undefined) return 'DELETING';
    return this.now() >= entry.activeAt ? 'ACTIVE' : 'CREATING';
  }

  get(key: string): T | undefined {
    this.settle();
    return this.items.get(key)?.value;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  get size(): number {
    this.settle();
    return this.items.size;
  }

  keys(): IterableIterator<string> {
    this.settle();
    return this.items.keys();
  }

  values(): T[] {
    this.settle();
    return [...this.items.values()].map((e) => e.value);
  }

  /** Timers still pending (deletions not yet due). */
  get pendingTimers(): number {
    return this.timers.pending;
  }

  /** Drops every resource whose deletion is due, calling `onGone` for each. */
  settle(): void {
    const now = this.now();
    for (const [key, entry] of this.items) {
      if (entry.goneAt === undefined || now < entry.goneAt) continue;
      this.items.delete(key);
      try {
        this.options.onGone?.(key, entry.value);
      } catch {
        // The resource is gone either way; a failing hook must not break the emulated API.
      }
    }
  }

  /** Cancels every pending timer; the resources stay readable. Idempotent. */
  close(): void {
    this.timers.clear();
  }
}
