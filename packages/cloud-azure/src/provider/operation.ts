import { Operation, type OperationOptions } from '@gati-framework/core';
import { azureErrors } from '../errors/map-error.js';
import type { ResolvedAzureConfig } from './config.js';

/** Short public calls (reads, secrets, plans) get this deadline when the caller gives none. */
export const QUICK_OPERATION_TIMEOUT_MS = 2 * 60_000;

/** An Operation with the Azure error model and the provider's delays. */
export function azureOperation(name: string, options: OperationOptions, azure: ResolvedAzureConfig, defaultTimeoutMs = azure.operationTimeoutMs): Operation {
  return new Operation(name, options, {
    errors: azureErrors,
    defaultTimeoutMs,
    pollIntervalMs: azure.pollIntervalMs,
    maxPollIntervalMs: azure.maxPollIntervalMs,
    retryBaseDelayMs: azure.retryBaseDelayMs,
    maxRetryDelayMs: azure.maxRetryDelayMs,
  });
}
