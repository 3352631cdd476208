import { GatiError, isGatiError, type GatiErrorCode, type ProviderErrors } from '@gati-framework/core';

/** ARM / Key Vault error codes → Gati codes; anything else falls back on the HTTP status. */
const CODES: [GatiErrorCode, RegExp][] = [
  ['THROTTLED', /^(TooManyRequests|Throttled|SubscriptionRequestsThrottled|ResourceCollectionRequestsThrottled)$/],
  ['UNAUTHENTICATED', /^(InvalidAuthenticationToken\w*|ExpiredAuthenticationToken|AuthenticationFailed|Unauthorized|CredentialUnavailableError|AuthenticationError)$/],
  ['PERMISSION_DENIED', /^(AuthorizationFailed|Forbidden|LinkedAuthorizationFailed|ForbiddenByPolicy|RequestDisallowedByPolicy)$/],
  ['NOT_FOUND', /^(ResourceNotFound|ResourceGroupNotFound|NotFound|SecretNotFound|ParentResourceNotFound|SubscriptionNotFound)$/],
  ['QUOTA_EXCEEDED', /^(QuotaExceeded|OperationNotAllowedQuota|SkuNotAvailable|\w*QuotaExceeded|InsufficientVCPUQuota)$/],
  ['CONFLICT', /^(Conflict|OperationNotAllowed|AnotherOperationInProgress|ResourceGroupBeingDeleted|InUseSubnetCannotBeDeleted|EtagMismatch|PreconditionFailed)$/],
  ['INVALID_CONFIG', /^(InvalidParameter\w*|BadParameter|BadRequest|InvalidRequestContent|InvalidTemplate|InvalidResourceName|LinkedInvalidPropertyId|InvalidRequestUri|Netcfg\w+|AvailabilityZoneNotSupported|NotSupported\w*|BadRequestFormat)$/],
  ['UNAVAILABLE', /^(InternalServerError|InternalOperationError|ServiceUnavailable|GatewayTimeout|RequestTimeout|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|REQUEST_SEND_ERROR)$/],
];

interface AzureErrorLike {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
  details?: { error?: { code?: string } };
}

/** The message of a failed long-running operation: "The long-running operation has failed. QuotaExceeded. …". */
const FAILED_LRO = /long-running operation has failed\.?\s*([A-Za-z]\w*)/i;

/** Removes bearer tokens and JWT-shaped strings: they must never reach a log or an error. */
export function redact(text: string): string {
  return text.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1****').replace(/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '****');
}

/** The Azure error code of an SDK error: a RestError's `code`, a failed operation's code, or the network error code. */
export function azureErrorCode(error: unknown): string {
  const e = (error ?? {}) as AzureErrorLike;
  if (typeof e.code === 'string' && e.code.length > 0) return e.code;
  const inner = e.details?.error?.code;
  if (inner) return inner;
  const lro = FAILED_LRO.exec(e.message ?? '');
  if (lro?.[1]) return lro[1];
  if (e.name && e.name !== 'Error') return e.name;
  return 'Error';
}

/** True when the error (raw or mapped) carries one of these Azure codes. */
export function isAzureError(error: unknown, ...codes: string[]): boolean {
  const raw = isGatiError(error) ? error.cause : error;
  return codes.includes(azureErrorCode(raw));
}

/** The HTTP status of an SDK error, when it has one. */
export function azureStatus(error: unknown): number | undefined {
  const raw = isGatiError(error) ? error.cause : error;
  return (raw as AzureErrorLike | undefined)?.statusCode;
}

/**
 * Maps an Azure SDK error to a GatiError: 429 → THROTTLED, AuthorizationFailed → PERMISSION_DENIED
 * (never retried), OperationNotAllowed/Conflict → CONFLICT (waited on and retried), QuotaExceeded →
 * QUOTA_EXCEEDED, 5xx → UNAVAILABLE. The SDK error stays the `cause` with its HTTP exchange
 * (which holds the Authorization header) hidden from serialization; the message is redacted.
 */
export function mapAzureError(error: unknown, what = 'Azure call'): GatiError {
  if (isGatiError(error)) return error;
  const e = (error ?? {}) as AzureErrorLike;
  const code = azureErrorCode(error);
  const status = e.statusCode;
  let mapped: GatiErrorCode = CODES.find(([, re]) => re.test(code))?.[0] ?? 'PROVIDER_ERROR';
  if (mapped === 'PROVIDER_ERROR') {
    if (status === 429) mapped = 'THROTTLED';
    else if (status !== undefined && status >= 500) mapped = 'UNAVAILABLE';
    else if (status === 401) mapped = 'UNAUTHENTICATED';
    else if (status === 403) mapped = 'PERMISSION_DENIED';
    else if (status === 404) mapped = 'NOT_FOUND';
    else if (e.name === 'AbortError') mapped = 'ABORTED';
  }
  hideExchange(error);
  const message = redact(`${what} failed: ${code}: ${firstLine(e.message ?? String(error))}`);
  return new GatiError(mapped, message, { provider: 'azure', cause: error, details: { azureError: code, ...(status !== undefined ? { httpStatus: status } : {}) } });
}

function firstLine(text: string): string {
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

/** RestError keeps `request` (Authorization header) and `response`; make them non-enumerable so printing the cause does not show them. */
function hideExchange(error: unknown): void {
  if (typeof error !== 'object' || error === null) return;
  for (const key of ['request', 'response']) {
    if (!Object.prototype.propertyIsEnumerable.call(error, key)) continue;
    try {
      Object.defineProperty(error, key, { enumerable: false });
    } catch {
      // Frozen or exotic error objects stay as they are.
    }
  }
}

/** How the provisioning engine reads Azure errors. ARM PUTs are upserts, so "already exists" is rare: a name taken in another scope. */
export const azureErrors: ProviderErrors = {
  provider: 'azure',
  mapError: (error, what) => mapAzureError(error, what),
  isAlreadyExists: (error) => isAzureError(error, 'ResourceExists', 'AlreadyExists'),
  isAlreadyDone: (error) => isAzureError(error, 'AlreadyDone'),
};
