import { Operation, type OperationOptions } from '@gati-framework/core';
import { gcpErrors } from '../errors/gcp-errors.js';
import type { ResolvedGcpConfig } from './config.js';

/** Short public calls (reads, secrets, plans) get this deadline when the caller gives none. */
export const QUICK_OPERATION_TIMEOUT_MS = 2 * 60_000;

/** An Operation with the Google error model and the provider's delays. */
export function gcpOperation(name: string, options: OperationOptions, gcp: ResolvedGcpConfig, defaultTimeoutMs = gcp.operationTimeoutMs): Operation {
  return new Operation(name, options, {
    errors: gcpErrors,
    defaultTimeoutMs,
    pollIntervalMs: gcp.pollIntervalMs,
    maxPollIntervalMs: gcp.maxPollIntervalMs,
    retryBaseDelayMs: gcp.retryBaseDelayMs,
    maxRetryDelayMs: gcp.maxRetryDelayMs,
  });
}
