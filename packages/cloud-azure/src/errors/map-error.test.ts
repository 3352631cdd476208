import { GatiError } from '@gati-framework/core';
import { describe, expect, it } from 'vitest';
import { azureErrors, mapAzureError } from './map-error.js';

/** What the SDK throws: a RestError with `code` and `statusCode`, the HTTP exchange attached. */
function restError(code: string | undefined, statusCode: number, message = `${code ?? 'error'} happened`): Error {
  const e = Object.assign(new Error(message), { name: 'RestError', code, statusCode, request: { headers: { authorization: 'Bearer eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl' } } });
  return e;
}

describe('mapAzureError', () => {
  it.each([
    ['ResourceNotFound', 404, 'NOT_FOUND', false],
    ['ResourceGroupNotFound', 404, 'NOT_FOUND', false],
    ['OperationNotAllowed', 409, 'CONFLICT', true],
    ['Conflict', 409, 'CONFLICT', true],
    ['QuotaExceeded', 409, 'QUOTA_EXCEEDED', false],
    ['AuthorizationFailed', 403, 'PERMISSION_DENIED', false],
    ['InvalidParameter', 400, 'INVALID_CONFIG', false],
    ['TooManyRequests', 429, 'THROTTLED', true],
    [undefined, 429, 'THROTTLED', true],
    ['InternalServerError', 500, 'UNAVAILABLE', true],
    [undefined, 503, 'UNAVAILABLE', true],
    ['InvalidAuthenticationToken', 401, 'UNAUTHENTICATED', false],
  ] as const)('%s (%i) → %s', (code, status, expected, retryable) => {
    const raw = restError(code, status);
    const mapped = mapAzureError(raw, 'creating the cluster');
    expect(mapped).toMatchObject({ code: expected, retryable, provider: 'azure' });
    expect(mapped.cause).toBe(raw);
    expect(mapped.message).toMatch(/^creating the cluster failed: /);
  });

  it('a failed long-running operation (a plain Error without code) is read from its message', () => {
    const mapped = mapAzureError(new Error('The long-running operation has failed. QuotaExceeded. Operation results in exceeding quota limits of Core.'), 'creating pool');
    expect(mapped).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { azureError: 'QuotaExceeded' } });
  });

  it('never carries a token: the message is redacted and the HTTP exchange is not serialized', () => {
    const raw = restError('AuthorizationFailed', 403, 'denied for Bearer eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl');
    const mapped = mapAzureError(raw);
    expect(mapped.message).not.toMatch(/eyJ/);
    expect(JSON.stringify({ ...mapped.toJSON(), cause: raw })).not.toMatch(/eyJ/);
  });

  it('a GatiError passes through; the engine\'s questions are answered from codes', () => {
    const g = new GatiError('TIMEOUT', 'slow');
    expect(mapAzureError(g)).toBe(g);
    expect(azureErrors.isAlreadyExists(restError('ResourceExists', 409))).toBe(true);
    expect(azureErrors.isAlreadyExists(restError('Conflict', 409))).toBe(false);
    expect(azureErrors.isAlreadyDone(restError('QuotaExceeded', 409))).toBe(false);
  });
});
