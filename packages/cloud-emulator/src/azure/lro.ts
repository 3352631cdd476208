import { randomUUID } from 'node:crypto';
import { AzureApiError, type ArmReply } from './wire.js';

/** An ARM long-running operation: running until `doneAt`, then Succeeded or Failed with `failure`. */
export interface LongRunningOperation {
  id: string;
  subscriptionId: string;
  /** Resource provider namespace, e.g. `Microsoft.ContainerService`. */
  namespace: string;
  location: string;
  startedAt: number;
  doneAt: number;
  failure?: { code: string; message: string };
}

export type OperationStatus = 'InProgress' | 'Succeeded' | 'Failed';

/** Operations kept for polling; the oldest go first. */
const MAX_OPERATIONS = 2000;

/**
 * ARM's asynchronous operation pattern: a PUT answers 201 with `Azure-AsyncOperation` (a status
 * document InProgress → Succeeded/Failed), a DELETE or action answers 202 with `Location` (202
 * while running, then 204). Every poll answer carries `Retry-After`, which the Azure SDK pollers
 * use as their interval: tests set it to 0.
 */
export class LongRunningOperations {
  private readonly operations = new Map<string, LongRunningOperation>();
  /** Operations dropped from the bounded history. */
  dropped = 0;

  constructor(
    private readonly retryAfterSeconds: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  start(subscriptionId: string, namespace: string, location: string, durationMs: number, failure?: { code: string; message: string }): LongRunningOperation {
    const started = this.now();
    const op: LongRunningOperation = { id: randomUUID(), subscriptionId, namespace, location: location.toLowerCase().replace(/\s+/g, ''), startedAt: started, doneAt: started + durationMs, ...(failure ? { failure } : {}) };
    this.operations.set(op.id, op);
    if (this.operations.size > MAX_OPERATIONS) {
      const oldest = this.operations.keys().next().value;
      if (oldest !== undefined) this.operations.delete(oldest);
      this.dropped++;
    }
    return op;
  }

  status(op: LongRunningOperation): OperationStatus {
    if (this.now() < op.doneAt) return 'InProgress';
    return op.failure ? 'Failed' : 'Succeeded';
  }

  /** Headers of a 201/200 answer to a PUT: poll the status document. */
  asyncHeaders(op: LongRunningOperation, base: string, apiVersion: string): Record<string, string> {
    return { 'azure-asyncoperation': this.url(op, 'operations', base, apiVersion), 'retry-after': String(this.retryAfterSeconds()) };
  }

  /** Headers of a 202 answer to a DELETE or an action: poll the location. */
  locationHeaders(op: LongRunningOperation, base: string, apiVersion: string): Record<string, string> {
    return { location: this.url(op, 'operationresults', base, apiVersion), 'retry-after': String(this.retryAfterSeconds()) };
  }

  /** `GET …/operations/{id}`: the status document. */
  statusReply(subscriptionId: string, id: string): ArmReply {
    const op = this.find(subscriptionId, id);
    const status = this.status(op);
    const body: Record<string, unknown> = {
      id: `/subscriptions/${op.subscriptionId}/providers/${op.namespace}/locations/${op.location}/operations/${op.id}`,
      name: op.id,
      status,
      startTime: new Date(op.startedAt).toISOString(),
      ...(status === 'InProgress' ? {} : { endTime: new Date(op.doneAt).toISOString() }),
      ...(status === 'Failed' && op.failure ? { error: op.failure } : {}),
    };
    return { status: 200, body, headers: status === 'InProgress' ? { 'retry-after': String(this.retryAfterSeconds()) } : {} };
  }

  /** `GET …/operationresults/{id}`: 202 while running, 204 when done, the error when it failed. */
  resultReply(subscriptionId: string, id: string, base: string, apiVersion: string): ArmReply {
    const op = this.find(subscriptionId, id);
    const status = this.status(op);
    if (status === 'InProgress') return { status: 202, headers: this.locationHeaders(op, base, apiVersion) };
    if (status === 'Failed' && op.failure) throw new AzureApiError(op.failure.code === 'QuotaExceeded' ? 409 : 400, op.failure.code, op.failure.message);
    return { status: 204 };
  }

  private find(subscriptionId: string, id: string): LongRunningOperation {
    const op = this.operations.get(id);
    if (!op || op.subscriptionId !== subscriptionId) throw new AzureApiError(404, 'NotFound', `The operation '${id}' was not found.`);
    return op;
  }

  private url(op: LongRunningOperation, kind: 'operations' | 'operationresults', base: string, apiVersion: string): string {
    return `${base}/subscriptions/${op.subscriptionId}/providers/${op.namespace}/locations/${op.location}/${kind}/${op.id}?api-version=${encodeURIComponent(apiVersion)}`;
  }
}
