import { describe, expect, it } from 'vitest';
import { roleName } from '../iam/role-name.js';
import { splitCidr } from '../network/cidr.js';
import { mapAwsError, redact } from './map-error.js';

function sdkError(name: string, status: number, fault: 'client' | 'server' = status >= 500 ? 'server' : 'client'): Error {
  return Object.assign(new Error(`${name} happened`), { name, $fault: fault, $metadata: { httpStatusCode: status, requestId: 'req-1' } });
}

describe('mapAwsError', () => {
  it.each([
    ['ThrottlingException', 429, 'THROTTLED', true],
    ['RequestLimitExceeded', 503, 'THROTTLED', true],
    ['Throttling', 400, 'THROTTLED', true],
    ['ServerException', 500, 'UNAVAILABLE', true],
    ['InternalError', 500, 'UNAVAILABLE', true],
    ['SomethingNew', 503, 'UNAVAILABLE', true],
    ['AccessDeniedException', 403, 'PERMISSION_DENIED', false],
    ['UnauthorizedOperation', 403, 'PERMISSION_DENIED', false],
    ['UnrecognizedClientException', 403, 'UNAUTHENTICATED', false],
    ['SignatureDoesNotMatch', 403, 'UNAUTHENTICATED', false],
    ['ResourceNotFoundException', 404, 'NOT_FOUND', false],
    ['NoSuchEntityException', 404, 'NOT_FOUND', false],
    ['InvalidVpcID.NotFound', 400, 'NOT_FOUND', false],
    ['ResourceExistsException', 400, 'ALREADY_EXISTS', false],
    ['EntityAlreadyExistsException', 409, 'ALREADY_EXISTS', false],
    ['ResourceInUseException', 409, 'CONFLICT', true],
    ['DependencyViolation', 400, 'CONFLICT', true],
    ['ResourceLimitExceededException', 400, 'QUOTA_EXCEEDED', false],
    ['VpcLimitExceeded', 400, 'QUOTA_EXCEEDED', false],
    ['InvalidParameterException', 400, 'INVALID_CONFIG', false],
    ['MalformedPolicyDocumentException', 400, 'INVALID_CONFIG', false],
    ['WeirdClientError', 400, 'PROVIDER_ERROR', false],
  ] as const)('%s (%i) → %s', (name, status, code, retryable) => {
    const raw = sdkError(name, status);
    const mapped = mapAwsError(raw, 'doing it');
    expect(mapped.code).toBe(code);
    expect(mapped.retryable).toBe(retryable);
    expect(mapped.cause).toBe(raw);
    expect(mapped.provider).toBe('aws');
    expect(mapped.message).toContain(`doing it failed: ${name}`);
    expect(mapped.details).toMatchObject({ awsError: name, httpStatus: status, requestId: 'req-1' });
  });

  it('hides the raw HTTP exchange and redacts keys, signatures and tokens', () => {
    const raw = Object.assign(sdkError('AccessDenied', 403), {
      message: 'User AKIAABCDEFGHIJKLMNOP denied; Credential=AKIAABCDEFGHIJKLMNOP/20260101/us-east-1/eks/aws4_request, Signature=deadbeef k8s-aws-v1.aHR0cHM6Ly9zdHM',
      $response: { headers: { authorization: 'secret' } },
    });
    const mapped = mapAwsError(raw);
    expect(mapped.message).not.toMatch(/AKIAABCDEFGHIJKLMNOP|deadbeef|aHR0cHM6/);
    expect(Object.keys(raw)).not.toContain('$response');
    expect(redact('X-Amz-Security-Token=abc&x=1')).toBe('X-Amz-Security-Token=****&x=1');
  });
});

describe('naming', () => {
  it('keeps IAM role names within 64 characters and distinct per cluster, region and kind', () => {
    const long = 'a'.repeat(40);
    const names = [roleName(long, 'ap-southeast-2', 'cluster'), roleName(long, 'ap-southeast-2', 'node'), roleName(long, 'ap-southeast-1', 'node')];
    for (const n of names) {
      expect(n.length).toBeLessThanOrEqual(64);
      expect(n).toMatch(/^[\w+=,.@-]+$/);
    }
    expect(new Set(names).size).toBe(3);
    expect(roleName('shop', 'us-east-1', 'node')).toBe('gati-shop-us-east-1-node');
  });

  it('splits a VPC CIDR into equal subnets', () => {
    expect(splitCidr('192.168.0.0/16', 6)).toEqual(['192.168.0.0/19', '192.168.32.0/19', '192.168.64.0/19', '192.168.96.0/19', '192.168.128.0/19', '192.168.160.0/19']);
    expect(splitCidr('10.0.0.0/24', 4)).toEqual(['10.0.0.0/26', '10.0.0.64/26', '10.0.0.128/26', '10.0.0.192/26']);
    expect(() => splitCidr('10.0.0.0/27', 6)).toThrow(/too small/);
  });

  it('a CIDR too small for the subnets is INVALID_CONFIG naming network.cidrBlock', () => {
    let thrown: unknown;
    try {
      splitCidr('10.0.0.0/27', 6);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ name: 'GatiError', code: 'INVALID_CONFIG', retryable: false, details: { issues: [{ path: 'network.cidrBlock' }] } });
    expect((thrown as Error).message).toMatch(/network\.cidrBlock: 10\.0\.0\.0\/27 is too small for 6 subnets/);
    expect(() => splitCidr('10.0.0/16', 2)).toThrow(/network\.cidrBlock: not an IPv4 CIDR/);
  });
});
