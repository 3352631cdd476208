import { GatiError, isGatiError, type GatiErrorCode, type ProviderErrors } from '@gati-framework/core';

/** gRPC status codes (google.rpc.Code) by number. */
const GRPC = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** Quota answers (up front as 403/RESOURCE_EXHAUSTED, or in a failed operation) name the quota in words. */
const QUOTA = /quota/i;
/** GKE answers FAILED_PRECONDITION / 400 with this while another operation runs on the cluster. */
const BUSY = /operation .*(already )?in progress|is currently (creating|upgrading|deleting|reconciling)|incompatible operation/i;

/** The bearer token, should an SDK ever echo request headers into a message. */
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const ACCESS_TOKEN = /ya29\.[A-Za-z0-9._-]+/g;

/** Removes anything token-like from a message. */
export function redact(message: string): string {
  return message.replace(BEARER, '$1<redacted>').replace(ACCESS_TOKEN, '<redacted>');
}

interface RawError {
  code?: unknown;
  status?: unknown;
  message?: unknown;
  details?: unknown;
  response?: { status?: unknown; data?: unknown };
}

/** The error's gRPC status name, from either transport: gRPC code number or HTTP status of a GaxiosError. */
export function grpcStatus(error: unknown): keyof typeof GRPC | 'OK_OR_UNKNOWN' | 'HTTP_429' | 'HTTP_5XX' {
  const e = (error ?? {}) as RawError;
  const http = typeof e.response?.status === 'number' ? e.response.status : undefined;
  const code = typeof e.code === 'number' ? e.code : undefined;
  // gax REST errors: `code` is the HTTP status and `status` the google.rpc name; GaxiosErrors: `response.status`.
  if (typeof e.status === 'string' && e.status in GRPC) return e.status as keyof typeof GRPC;
  const status = http ?? (code !== undefined && code >= 100 ? code : undefined);
  if (status !== undefined) {
    if (status === 400) return BUSY.test(messageOf(error)) ? 'FAILED_PRECONDITION' : 'INVALID_ARGUMENT';
    if (status === 401) return 'UNAUTHENTICATED';
    if (status === 403) return QUOTA.test(messageOf(error)) ? 'RESOURCE_EXHAUSTED' : 'PERMISSION_DENIED';
    if (status === 404) return 'NOT_FOUND';
    if (status === 409) return 'ALREADY_EXISTS';
    if (status === 412) return 'FAILED_PRECONDITION';
    if (status === 429) return 'HTTP_429';
    if (status >= 500) return 'HTTP_5XX';
    return 'OK_OR_UNKNOWN';
  }
  if (code !== undefined) {
    const name = (Object.keys(GRPC) as (keyof typeof GRPC)[]).find((k) => GRPC[k] === code);
    // GKE refuses a create over regional quota with PERMISSION_DENIED (403 over REST, code 7 over gRPC).
    if (name === 'PERMISSION_DENIED' && QUOTA.test(messageOf(error))) return 'RESOURCE_EXHAUSTED';
    if (name) return name;
  }
  return 'OK_OR_UNKNOWN';
}

function messageOf(error: unknown): string {
  const e = (error ?? {}) as RawError;
  const data = e.response?.data as { error?: { message?: unknown } } | undefined;
  const fromBody = typeof data?.error?.message === 'string' ? data.error.message : undefined;
  // grpc-js prefixes the status (`7 PERMISSION_DENIED: …`): the mapped code says it already.
  let own = (typeof e.message === 'string' ? e.message : String(error)).replace(/^\d+ [A-Z_]+: /, '');
  // gax REST errors carry the whole JSON body as their message: keep Google's sentence.
  if (own.startsWith('{')) {
    try {
      const parsed = JSON.parse(own) as { error?: { message?: unknown } };
      if (typeof parsed.error?.message === 'string') own = parsed.error.message;
    } catch {
      // not JSON after all: keep it as it is
    }
  }
  const details = typeof e.details === 'string' && !own.includes(e.details) ? ` ${e.details}` : '';
  return fromBody && !own.includes(fromBody) ? `${own}: ${fromBody}` : `${own}${details}`;
}

function codeOf(error: unknown): GatiErrorCode {
  const status = grpcStatus(error);
  const message = messageOf(error);
  switch (status) {
    case 'INVALID_ARGUMENT':
      return 'INVALID_CONFIG';
    case 'NOT_FOUND':
      return 'NOT_FOUND';
    case 'ALREADY_EXISTS':
      return 'ALREADY_EXISTS';
    case 'PERMISSION_DENIED':
      return 'PERMISSION_DENIED';
    case 'UNAUTHENTICATED':
      return 'UNAUTHENTICATED';
    case 'RESOURCE_EXHAUSTED':
    case 'HTTP_429':
      // RESOURCE_EXHAUSTED is both rate limiting and quota: the words tell them apart.
      return QUOTA.test(message) && !/rate|per minute|requests/i.test(message) ? 'QUOTA_EXCEEDED' : 'THROTTLED';
    case 'FAILED_PRECONDITION':
    case 'ABORTED':
      return BUSY.test(message) || status === 'ABORTED' ? 'CONFLICT' : 'PROVIDER_ERROR';
    case 'UNAVAILABLE':
    case 'INTERNAL':
    case 'DEADLINE_EXCEEDED':
    case 'HTTP_5XX':
      return 'UNAVAILABLE';
    default:
      return /ECONNRESET|ECONNREFUSED|socket hang up|ETIMEDOUT|EPIPE/.test(message) ? 'UNAVAILABLE' : 'PROVIDER_ERROR';
  }
}

/** Any Google client error (gRPC or REST) → GatiError, the SDK error kept as `cause`. A GatiError passes through. */
export function mapGcpError(error: unknown, what: string): GatiError {
  if (isGatiError(error)) return error;
  const code = codeOf(error);
  const hint = code === 'PERMISSION_DENIED' ? ' The identity needs roles/container.admin, roles/compute.networkAdmin and roles/secretmanager.admin (or narrower equivalents).' : '';
  return new GatiError(code, redact(`${what} failed: ${messageOf(error).replace(/\.$/, '')}.${hint}`), { provider: 'gcp', cause: error });
}

/** How the provisioning engine reads Google errors. */
export const gcpErrors: ProviderErrors = {
  provider: 'gcp',
  mapError: mapGcpError,
  isAlreadyExists: (error) => !isGatiError(error) && grpcStatus(error) === 'ALREADY_EXISTS',
  // GKE answers a repeated delete or a repeated pool removal with NOT_FOUND: the change is made.
  isAlreadyDone: (error) => !isGatiError(error) && grpcStatus(error) === 'NOT_FOUND',
};

/** A GKE operation that ended DONE with an error or status message → the error it stands for (quota included). */
export function failedOperation(what: string, op: { error?: { code?: number | null; message?: string | null } | null; statusMessage?: string | null }): GatiError {
  const message = op.error?.message ?? op.statusMessage ?? 'the operation failed';
  const raw = { code: op.error?.code ?? GRPC.UNKNOWN, message };
  const mapped = codeOf(raw);
  const code: GatiErrorCode = QUOTA.test(message) ? 'QUOTA_EXCEEDED' : mapped === 'UNAVAILABLE' || mapped === 'THROTTLED' ? 'PROVIDER_ERROR' : mapped;
  return new GatiError(code, redact(`${what} failed: ${message}`), { provider: 'gcp', cause: raw, retryable: false });
}
