import { GatiError, isGatiError, type GatiErrorCode } from '@gati-framework/core';

/** The `Status` body kube-apiserver sends with an error. */
export interface KubeStatus {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
}

/** Maps an API server error (HTTP status + Status body) to a GatiError with a code callers branch on. */
export function kubeApiError(httpStatus: number, body: unknown, what: string): GatiError {
  const status = (typeof body === 'object' && body !== null ? body : {}) as KubeStatus;
  const reason = status.reason ?? '';
  let code: GatiErrorCode;
  if (httpStatus === 401) code = 'UNAUTHENTICATED';
  else if (httpStatus === 403) code = 'PERMISSION_DENIED';
  else if (httpStatus === 404) code = 'NOT_FOUND';
  else if (httpStatus === 409 && reason === 'AlreadyExists') code = 'ALREADY_EXISTS';
  else if (httpStatus === 409 || httpStatus === 410) code = 'CONFLICT';
  else if (httpStatus === 400 || httpStatus === 422 || httpStatus === 415) code = 'INVALID_CONFIG';
  else if (httpStatus === 429) code = 'THROTTLED';
  else if (httpStatus >= 500) code = 'UNAVAILABLE';
  else code = 'PROVIDER_ERROR';
  const message = status.message ?? `HTTP ${httpStatus}`;
  return new GatiError(code, `Kubernetes API: ${what}: ${message}`, {
    provider: 'kubernetes',
    details: { httpStatus, reason },
    cause: Object.assign(new Error(message), { status: httpStatus, reason }),
  });
}

/** Maps a transport failure (refused, reset, TLS) to a retryable UNAVAILABLE, passing GatiErrors through. */
export function transportError(error: unknown, what: string): GatiError {
  if (isGatiError(error)) return error;
  const e = error as NodeJS.ErrnoException;
  // OpenSSL's verification codes: a CA that did not sign the server's certificate is UNABLE_TO_VERIFY_LEAF_SIGNATURE.
  const tls = typeof e.code === 'string' && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(e.code);
  if (tls) return new GatiError('UNAUTHENTICATED', `Kubernetes API: ${what}: the server certificate is not trusted (${e.code}); check certificate-authority-data in the kubeconfig.`, { provider: 'kubernetes', cause: error });
  return new GatiError('UNAVAILABLE', `Kubernetes API: ${what}: ${e.message ?? String(error)}`, { provider: 'kubernetes', cause: error });
}
