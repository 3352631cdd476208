/**
 * The one registry of Gati error codes. Codes are stable and never reused;
 * `docs/errors.md` documents each one (a test keeps the two in step).
 */
export const ERROR_CODES = {
  INVALID_CONFIG: {
    retryable: false,
    description: 'The configuration or input failed validation.',
    action: 'Fix the fields listed in the error (`details.issues` holds each path and message) and call again.',
  },
  NOT_INITIALIZED: {
    retryable: false,
    description: 'A provider or component was used before it was initialized or given a key.',
    action: 'Call `initialize(config)` (or open the store with a key or passphrase) before any other method.',
  },
  NOT_FOUND: {
    retryable: false,
    description: 'The named resource does not exist.',
    action: 'Check the name and region; create the resource first, or treat it as already gone.',
  },
  ALREADY_EXISTS: {
    retryable: false,
    description: 'A resource with that name exists and cannot be reused as asked.',
    action: 'Pick another name, or adopt/delete the existing resource.',
  },
  CONFLICT: {
    retryable: true,
    description: 'The resource changed concurrently or is in a state that forbids the operation.',
    action: 'Wait for the other operation to finish (or re-read the resource) and try again.',
  },
  UNAUTHENTICATED: {
    retryable: false,
    description: 'The credentials are missing, expired or invalid.',
    action: 'Provide valid credentials (environment, profile or explicit options) and try again.',
  },
  PERMISSION_DENIED: {
    retryable: false,
    description: 'The credentials are valid but lack a permission the operation needs.',
    action: 'Grant the missing permission named in the cause to the identity in use.',
  },
  THROTTLED: {
    retryable: true,
    description: 'The cloud API rate-limited the request.',
    action: 'Retried automatically with backoff; if it persists, lower concurrency or ask for a higher limit.',
  },
  QUOTA_EXCEEDED: {
    retryable: false,
    description: 'An account or project quota or service limit would be exceeded.',
    action: 'Free resources or request a quota increase for the limit named in the cause.',
  },
  TIMEOUT: {
    retryable: true,
    description: 'The operation did not finish within its time limit.',
    action: 'Raise `timeoutMs`, or inspect the resource: it may still be progressing in the cloud.',
  },
  ABORTED: {
    retryable: false,
    description: 'The caller aborted the operation through its AbortSignal.',
    action: 'Nothing to fix; call again when you want the operation to run.',
  },
  UNAVAILABLE: {
    retryable: true,
    description: 'The service is temporarily unavailable (5xx, connection reset, DNS failure).',
    action: 'Retried automatically; if it persists, check the endpoint and network path.',
  },
  PROVIDER_ERROR: {
    retryable: false,
    description: 'The cloud provider returned an error that maps to no other code.',
    action: 'Read the cause (the SDK error) for the provider-specific reason.',
  },
} as const satisfies Record<string, { retryable: boolean; description: string; action: string }>;

export type GatiErrorCode = keyof typeof ERROR_CODES;

export const GATI_ERROR_CODES = Object.keys(ERROR_CODES) as GatiErrorCode[];
