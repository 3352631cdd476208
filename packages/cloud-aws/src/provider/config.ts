import { BaseProviderConfigSchema, type Logger } from '@gati-framework/core';
import { z } from 'zod';

export const AwsProviderConfigSchema = BaseProviderConfigSchema.extend({
  /** Explicit credentials; default the standard AWS chain (env, profile, SSO, web identity, IMDS). */
  credentials: z
    .object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1), sessionToken: z.string().min(1).optional() })
    .optional(),
  /** Shared-config profile for the standard chain. */
  profile: z.string().min(1).optional(),
  /** SDK attempts per call before Gati's own retry takes over. Default 3. */
  maxAttempts: z.number().int().min(1).max(20).optional(),
  /** First delay before retrying a throttled or failed call (doubles, with jitter, up to maxRetryDelayMs). Default 200 ms. */
  retryBaseDelayMs: z.number().int().min(1).optional(),
  /** Ceiling of that backoff, whatever the poll interval. Default 25 × retryBaseDelayMs, at most 5000 ms. */
  maxRetryDelayMs: z.number().int().min(1).optional(),
  /** First delay between status checks while waiting. Default 5000 ms. */
  pollIntervalMs: z.number().int().min(1).optional(),
  /** Largest delay between status checks. Default 30 000 ms. */
  maxPollIntervalMs: z.number().int().min(1).optional(),
  /** How long to retry while a new IAM role propagates to EKS. Default 120 000 ms. */
  rolePropagationTimeoutMs: z.number().int().min(0).optional(),
  /** Time limit of createCluster/deleteCluster when the caller gives none. Default 40 minutes. */
  operationTimeoutMs: z.number().int().min(1).optional(),
  /** Control-plane log types to enable. Default api, audit, authenticator. */
  clusterLogging: z.array(z.enum(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'])).optional(),
  /** storeSecret restores a secret scheduled for deletion instead of refusing. Default false. */
  restoreDeletedSecrets: z.boolean().optional(),
  /** Availability zones for a new VPC when the cluster config names none. Default 3. */
  zoneCount: z.number().int().min(2).max(6).optional(),
});

export type AwsProviderConfig = z.input<typeof AwsProviderConfigSchema> & { logger?: Logger };

export interface ResolvedAwsConfig {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  profile?: string;
  maxAttempts: number;
  retryBaseDelayMs: number;
  maxRetryDelayMs: number;
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  rolePropagationTimeoutMs: number;
  operationTimeoutMs: number;
  clusterLogging: string[];
  restoreDeletedSecrets: boolean;
  zoneCount: number;
}

/** Applies defaults; the region comes from the config, then AWS_REGION / AWS_DEFAULT_REGION. */
export function resolveAwsConfig(parsed: z.infer<typeof AwsProviderConfigSchema>): Omit<ResolvedAwsConfig, 'region'> & { region: string | undefined } {
  return {
    region: parsed.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'],
    ...(parsed.endpoint ? { endpoint: parsed.endpoint } : {}),
    ...(parsed.credentials ? { credentials: parsed.credentials } : {}),
    ...(parsed.profile ? { profile: parsed.profile } : {}),
    maxAttempts: parsed.maxAttempts ?? 3,
    retryBaseDelayMs: parsed.retryBaseDelayMs ?? 200,
    maxRetryDelayMs: parsed.maxRetryDelayMs ?? Math.max(parsed.retryBaseDelayMs ?? 200, Math.min(5000, 25 * (parsed.retryBaseDelayMs ?? 200))),
    pollIntervalMs: parsed.pollIntervalMs ?? 5000,
    maxPollIntervalMs: parsed.maxPollIntervalMs ?? Math.max(parsed.pollIntervalMs ?? 5000, 30_000),
    rolePropagationTimeoutMs: parsed.rolePropagationTimeoutMs ?? 120_000,
    operationTimeoutMs: parsed.operationTimeoutMs ?? 40 * 60_000,
    clusterLogging: parsed.clusterLogging ?? ['api', 'audit', 'authenticator'],
    restoreDeletedSecrets: parsed.restoreDeletedSecrets ?? false,
    zoneCount: parsed.zoneCount ?? 3,
  };
}
