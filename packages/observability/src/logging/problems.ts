/** Where inside the stack a failure happened (the `where` label of `<prefix>observability_errors_total`). */
export type ProblemSource = 'request' | 'loki' | 'metrics';

export const PROBLEM_SOURCES: readonly ProblemSource[] = ['request', 'loki', 'metrics'];

export interface ProblemReporterInit {
  /** Called for every problem (a counter increment); never throws into the caller. */
  count?: (where: ProblemSource) => void;
  /** Writes one warning; `suppressed` is how many of the same cause were only counted since the last one. */
  warn: (where: ProblemSource, message: string, fields: { cause: string; suppressed: number }) => void;
  /** At most one warning per (where, cause) per this interval. Default 60 s. */
  intervalMs?: number;
  now?: () => number;
}

/** Causes remembered at once; past it, unseen causes share one slot (the counter still counts them all). */
const MAX_CAUSES = 64;

/**
 * Failures inside the stack itself (recording a request, pushing logs, rendering metrics).
 * They are never thrown into the app, and they repeat: a broken route callback fails on
 * every request, an outage fails every push. Every one is counted; a warning is written the
 * first time a cause is seen and then at most once per interval per cause, carrying how many
 * were only counted in between, so an outage is a few lines rather than one per push.
 */
export class ProblemReporter {
  private readonly causes = new Map<string, { warnedAt: number; suppressed: number }>();
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(private readonly init: ProblemReporterInit) {
    this.intervalMs = init.intervalMs ?? 60_000;
    this.now = init.now ?? Date.now;
  }

  /** `cause`: a short, low-variety key ('status 400', 'ECONNREFUSED', 'TypeError'). */
  report(where: ProblemSource, cause: string, error: unknown): void {
    // This runs inside a catch of the hot path or a transport callback: it must not throw itself.
    try {
      this.init.count?.(where);
      let key = `${where}\u0000${cause}`;
      if (!this.causes.has(key) && this.causes.size >= MAX_CAUSES) key = `${where}\u0000(other)`;
      const seen = this.causes.get(key);
      const now = this.now();
      if (seen !== undefined && now - seen.warnedAt < this.intervalMs) {
        seen.suppressed++;
        return;
      }
      const suppressed = seen?.suppressed ?? 0;
      this.causes.set(key, { warnedAt: now, suppressed: 0 });
      this.init.warn(where, messageOf(error), { cause, suppressed });
    } catch {
      // A logger or counter that throws has nowhere left to report to.
    }
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A low-variety cause key for an error: its errno code, else its class name. */
export function causeOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return typeof code === 'string' ? code : error.name;
  }
  return typeof error;
}
