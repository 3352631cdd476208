/** Phases a long operation reports, in order: started → waiting* → succeeded | failed. */
export type ProgressPhase = 'started' | 'waiting' | 'succeeded' | 'failed';

/** One progress report from a long operation. */
export interface ProgressEvent {
  /** The public operation, e.g. `createCluster`. */
  operation: string;
  /** The resource it concerns, e.g. `eks-cluster/shop-prod`. */
  resource: string;
  phase: ProgressPhase;
  message: string;
  /** Milliseconds since the operation started. */
  elapsedMs: number;
}

/** Options every long operation takes. */
export interface OperationOptions {
  signal?: AbortSignal;
  /** Overall time limit; the operation rejects with `TIMEOUT` when it passes. */
  timeoutMs?: number;
  onProgress?: (event: ProgressEvent) => void;
}

/** Emits progress events for one operation, never letting a listener's exception escape. */
export class ProgressReporter {
  private readonly startedAt = performance.now();

  constructor(
    private readonly operation: string,
    private readonly listener?: (event: ProgressEvent) => void,
  ) {}

  elapsedMs(): number {
    return Math.round(performance.now() - this.startedAt);
  }

  emit(resource: string, phase: ProgressPhase, message: string): void {
    if (!this.listener) return;
    try {
      this.listener({ operation: this.operation, resource, phase, message, elapsedMs: this.elapsedMs() });
    } catch {
      // A faulty listener must not break the operation it observes.
    }
  }
}
