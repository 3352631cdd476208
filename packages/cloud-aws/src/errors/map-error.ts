import { GatiError, isGatiError, type GatiErrorCode } from '@gati-framework/core';

const CODES: [GatiErrorCode, RegExp][] = [
  ['THROTTLED', /^(Throttling|ThrottlingException|ThrottledException|RequestLimitExceeded|TooManyRequestsException|RequestThrottled|RequestThrottledException|SlowDown|EC2ThrottledException|PriorRequestNotComplete)$/],
  ['UNAUTHENTICATED', /^(InvalidClientTokenId|UnrecognizedClientException|SignatureDoesNotMatch|InvalidSignatureException|IncompleteSignature(Exception)?|MissingAuthenticationToken(Exception)?|ExpiredToken(Exception)?|AuthFailure|RequestExpired|CredentialsProviderError|InvalidAccessKeyId)$/],
  ['PERMISSION_DENIED', /^(AccessDenied|AccessDeniedException|UnauthorizedOperation|UnauthorizedException|OptInRequired)$/],
  ['NOT_FOUND', /^(ResourceNotFoundException|NotFoundException|NoSuchEntity(Exception)?|Invalid\w+ID\.NotFound|InvalidVpcID\.NotFound|InvalidAssociationID\.NotFound)$/],
  ['ALREADY_EXISTS', /^(ResourceExistsException|EntityAlreadyExists(Exception)?|RouteAlreadyExists|InvalidSubnet\.Conflict)$/],
  ['CONFLICT', /^(ResourceInUseException|DependencyViolation|DeleteConflict(Exception)?|ConcurrentModification(Exception)?|Resource\.AlreadyAssociated|IncorrectState)$/],
  ['QUOTA_EXCEEDED', /^(LimitExceeded(Exception)?|ResourceLimitExceededException|ServiceQuotaExceededException|VpcLimitExceeded|SubnetLimitExceeded|TagLimitExceeded|InternetGatewayLimitExceeded|RouteTableLimitExceeded)$/],
  ['INVALID_CONFIG', /^(InvalidParameter\w*|ValidationError|ValidationException|MalformedPolicyDocument(Exception)?|InvalidInput(Exception)?|InvalidRequestException|InvalidVpc\.Range|InvalidSubnet\.Range|MissingParameter|UnsupportedAvailabilityZoneException)$/],
  ['UNAVAILABLE', /^(ServerException|ServiceFailure(Exception)?|InternalError|InternalFailure|InternalServiceError|InternalServerError|ServiceUnavailable(Exception)?|Unavailable|TimeoutError|RequestTimeout(Exception)?|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN)$/],
];

/**
 * Removes what must never reach a log or an error message: access key ids,
 * SigV4 credentials and signatures, session tokens.
 */
export function redact(text: string): string {
  return text
    .replace(/\b(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b/g, '$1****')
    .replace(/(Credential=)[^,\s&]+/gi, '$1****')
    .replace(/(Signature=)[0-9a-f]+/gi, '$1****')
    .replace(/(X-Amz-Security-Token=)[^&\s]+/gi, '$1****')
    .replace(/k8s-aws-v1\.[A-Za-z0-9_-]+/g, 'k8s-aws-v1.****');
}

interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $retryable?: { throttling?: boolean };
}

/** The AWS error name of an SDK (or network) error. */
export function awsErrorName(error: unknown): string {
  const e = (error ?? {}) as SdkErrorLike;
  return e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Error');
}

/**
 * Maps an AWS SDK error to a GatiError: throttling → THROTTLED (retryable),
 * access denied → PERMISSION_DENIED (not retryable), 5xx → UNAVAILABLE, …
 * The SDK error stays the `cause`; the message is redacted.
 */
export function mapAwsError(error: unknown, what = 'AWS call'): GatiError {
  if (isGatiError(error)) return error;
  const e = (error ?? {}) as SdkErrorLike;
  const name = awsErrorName(error);
  const status = e.$metadata?.httpStatusCode;
  let code: GatiErrorCode = CODES.find(([, re]) => re.test(name))?.[0] ?? 'PROVIDER_ERROR';
  if (code === 'PROVIDER_ERROR') {
    if (e.$retryable?.throttling || status === 429) code = 'THROTTLED';
    else if (e.$fault === 'server' || (status !== undefined && status >= 500)) code = 'UNAVAILABLE';
    else if (name === 'AbortError') code = 'ABORTED';
  }
  const message = redact(`${what} failed: ${name}: ${e.message ?? String(error)}`);
  hideRawResponse(error);
  return new GatiError(code, message, {
    provider: 'aws',
    cause: error,
    details: { awsError: name, ...(status !== undefined ? { httpStatus: status } : {}), ...(e.$metadata?.requestId ? { requestId: e.$metadata.requestId } : {}) },
  });
}

/** True when the error (raw or mapped) is the AWS error `name`. */
export function isAwsError(error: unknown, ...names: string[]): boolean {
  const raw = isGatiError(error) ? error.cause : error;
  return names.includes(awsErrorName(raw));
}

/**
 * The SDK keeps the raw HTTP exchange on `$response` (signed request headers
 * included); make it non-enumerable so serializing the cause does not print it.
 */
function hideRawResponse(error: unknown): void {
  if (typeof error !== 'object' || error === null || !Object.prototype.propertyIsEnumerable.call(error, '$response')) return;
  try {
    Object.defineProperty(error, '$response', { enumerable: false });
  } catch {
    // Frozen or exotic error objects: leave them as they are.
  }
}
