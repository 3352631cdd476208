import { Operation, type OperationOptions } from '@gati-framework/core';
import { awsErrors } from '../errors/aws-errors.js';
import type { ResolvedAwsConfig } from './config.js';

/** Short public calls (reads, secrets, plans) get this deadline when the caller gives none. */
export const QUICK_OPERATION_TIMEOUT_MS = 2 * 60_000;

/** An Operation with the AWS error model and the provider's delays. */
export function awsOperation(name: string, options: OperationOptions, aws: ResolvedAwsConfig, defaultTimeoutMs = aws.operationTimeoutMs): Operation {
  return new Operation(name, options, {
    errors: awsErrors,
    defaultTimeoutMs,
    pollIntervalMs: aws.pollIntervalMs,
    maxPollIntervalMs: aws.maxPollIntervalMs,
    retryBaseDelayMs: aws.retryBaseDelayMs,
    maxRetryDelayMs: aws.maxRetryDelayMs,
  });
}
