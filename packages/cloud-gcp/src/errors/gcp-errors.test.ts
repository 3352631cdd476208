import { describe, expect, it } from 'vitest';
import { failedOperation, gcpErrors, mapGcpError } from './gcp-errors.js';

const NAMES: Record<number, string> = { 5: 'NOT_FOUND', 6: 'ALREADY_EXISTS', 7: 'PERMISSION_DENIED', 8: 'RESOURCE_EXHAUSTED', 9: 'FAILED_PRECONDITION', 14: 'UNAVAILABLE', 16: 'UNAUTHENTICATED' };
/** A gRPC-transport error as grpc-js raises it: `CODE NAME: details`. */
const grpc = (code: number, message: string) => Object.assign(new Error(`${code} ${NAMES[code] ?? 'UNKNOWN'}: ${message}`), { code, details: message });
/** A REST-transport GaxiosError-like error: HTTP status on `response` and as `code`. */
const rest = (status: number, message: string) => Object.assign(new Error(message), { code: status, response: { status, data: { error: { code: status, message } } } });

describe('gcpErrors', () => {
  it.each([
    [grpc(9, 'Cluster is running incompatible operation operation-123: operation already in progress'), 'CONFLICT', true],
    [rest(400, 'Operation operation-1 is currently creating cluster shop. Please wait and try again once it is done.'), 'CONFLICT', true],
    [rest(403, "Insufficient regional quota to satisfy request: resource 'CPUS'"), 'QUOTA_EXCEEDED', false],
    [grpc(7, 'Required "container.clusters.create" permission'), 'PERMISSION_DENIED', false],
    // GKE's quota refusal at create time: 403 over REST, PERMISSION_DENIED over gRPC.
    [grpc(7, "Insufficient regional quota to satisfy request: resource 'CPUS'"), 'QUOTA_EXCEEDED', false],
    [rest(403, 'Permission denied on resource project shop-prod-123'), 'PERMISSION_DENIED', false],
    [grpc(6, 'Already exists: projects/p/locations/l/clusters/shop'), 'ALREADY_EXISTS', false],
    [rest(409, 'Already exists'), 'ALREADY_EXISTS', false],
    [grpc(5, 'Not found'), 'NOT_FOUND', false],
    [rest(404, 'Not found'), 'NOT_FOUND', false],
    [grpc(14, 'unavailable'), 'UNAVAILABLE', true],
    [rest(503, 'backend error'), 'UNAVAILABLE', true],
    [rest(429, 'Too many requests'), 'THROTTLED', true],
    [grpc(8, 'Quota exceeded for quota metric requests per minute'), 'THROTTLED', true],
    [grpc(16, 'Request had invalid authentication credentials'), 'UNAUTHENTICATED', false],
  ])('%s → %s (retryable %s), the SDK error kept as cause', (error, code, retryable) => {
    const mapped = mapGcpError(error, 'creating cluster shop');
    expect(mapped).toMatchObject({ code, retryable, provider: 'gcp' });
    expect(mapped.cause).toBe(error);
    expect(mapped.message).toMatch(/^creating cluster shop failed: /);
    // No grpc-js `7 PERMISSION_DENIED:` prefix: the code says it.
    expect(mapped.message).not.toMatch(/failed: \d+ [A-Z_]+:/);
  });

  it('answers "already exists" and "already gone" for both transports', () => {
    expect(gcpErrors.isAlreadyExists(grpc(6, 'exists'))).toBe(true);
    expect(gcpErrors.isAlreadyExists(rest(409, 'exists'))).toBe(true);
    expect(gcpErrors.isAlreadyExists(rest(404, 'nope'))).toBe(false);
    expect(gcpErrors.isAlreadyDone(grpc(5, 'gone'))).toBe(true);
  });

  it('never puts a bearer token in a message', () => {
    const mapped = mapGcpError(rest(401, 'bad header Authorization: Bearer ya29.a0AfH6SMsecret'), 'listing clusters');
    expect(mapped.message).not.toContain('a0AfH6SMsecret');
    expect(mapped.message).toContain('<redacted>');
  });

  it('a DONE operation with a quota error is QUOTA_EXCEEDED; other failures keep their message', () => {
    expect(failedOperation('creating cluster shop', { error: { code: 8, message: "Insufficient regional quota: 'CPUS'" }, statusMessage: "Insufficient regional quota: 'CPUS'" })).toMatchObject({ code: 'QUOTA_EXCEEDED', message: /Insufficient regional quota/ });
    expect(failedOperation('creating cluster shop', { statusMessage: 'nodes failed to register' })).toMatchObject({ code: 'PROVIDER_ERROR', retryable: false, message: /nodes failed to register/ });
  });
});
