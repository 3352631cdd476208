/** Resolves per-emulator delays: every field has a default, callers override any subset. */
export function resolveDelays<T extends { [K in keyof T]: number }>(defaults: T, overrides: Partial<T> = {}): T {
  const out = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new RangeError(`delay ${key} must be a number >= 0 (got ${String(value)})`);
    (out as Record<string, number>)[key] = value;
  }
  return out;
}

/**
 * Timers an emulator schedules (pods becoming ready, load balancers appearing).
 * All are unref'd and cancelled together by `clear()`, so closing an emulator leaves nothing behind.
 */
export class TimerGroup {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  /** Runs `fn` after `ms` unless the group is cleared first. Errors in `fn` go to `onError`. */
  after(ms: number, fn: () => void, onError?: (error: unknown) => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        fn();
      } catch (error) {
        onError?.(error);
      }
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  get pending(): number {
    return this.timers.size;
  }

  clear(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
