import type { FaultKind } from './faults.js';

/** One request an emulator served. Holds no header values and no bodies (they may carry credentials). */
export interface RequestLogEntry {
  at: Date;
  /** Which emulator served it, e.g. `kubernetes`. */
  service: string;
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  status: number;
  durationMs: number;
  /** A short operation label the emulator chose, e.g. `apply deployments`. */
  operation?: string;
  userAgent?: string;
  /** The cloud's error code when the emulator answered with one (e.g. `ThrottlingException`). */
  errorCode?: string;
  /** The kind of injected fault, if any. */
  fault?: FaultKind | 'custom';
}

export type RequestLogFilter = Partial<Pick<RequestLogEntry, 'service' | 'method' | 'status' | 'operation'>> & { pathIncludes?: string };

/** A bounded, in-memory log of served requests for test assertions. */
export class RequestLog {
  private readonly items: RequestLogEntry[] = [];
  private droppedCount = 0;

  /** @param limit most entries kept; older ones are dropped and counted. Default 10 000. */
  constructor(readonly limit = 10_000) {}

  record(entry: RequestLogEntry): void {
    this.items.push(entry);
    if (this.items.length > this.limit) {
      this.items.shift();
      this.droppedCount++;
    }
  }

  /** Entries oldest first, optionally filtered. */
  entries(filter: RequestLogFilter = {}): RequestLogEntry[] {
    return this.items.filter(
      (e) =>
        (filter.service === undefined || e.service === filter.service) &&
        (filter.method === undefined || e.method === filter.method) &&
        (filter.status === undefined || e.status === filter.status) &&
        (filter.operation === undefined || e.operation === filter.operation) &&
        (filter.pathIncludes === undefined || e.path.includes(filter.pathIncludes)),
    );
  }

  /** Entries dropped because the log was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  clear(): void {
    this.items.length = 0;
    this.droppedCount = 0;
  }
}
