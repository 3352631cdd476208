import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../common/faults.js';
import { verifySigV4, type SignedRequestParts } from './sigv4.js';

const key = { accessKeyId: 'AKIATESTTESTTEST0001', secretAccessKey: 'test/secret/key' };
const signer = new SignatureV4({ credentials: key, region: 'us-east-1', service: 'eks', sha256: Sha256 });

function parts(req: HttpRequest, body = ''): SignedRequestParts {
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const query = Object.fromEntries(Object.entries(req.query ?? {}).map(([k, v]) => [k, String(v)]));
  return { method: req.method, path: req.path, query, headers, body: Buffer.from(body) };
}

const request = (body: string): HttpRequest =>
  new HttpRequest({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4566, path: '/clusters/my%20cluster', headers: { host: '127.0.0.1:4566', 'content-type': 'application/json' }, body });

describe('verifySigV4', () => {
  it('accepts what the SDK signer signs, and refuses a changed body, another secret, an unknown key and an old date', async () => {
    const body = '{"name":"a"}';
    const signed = (await signer.sign(request(body))) as HttpRequest;
    expect(verifySigV4(parts(signed, body), [key])).toMatchObject({ ok: true, service: 'eks', region: 'us-east-1' });
    expect(verifySigV4(parts(signed, '{"name":"b"}'), [key])).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(verifySigV4(parts(signed, body), [{ ...key, secretAccessKey: 'other' }])).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(verifySigV4(parts(signed, body), [{ ...key, accessKeyId: 'AKIAOTHER' }])).toMatchObject({ ok: false, code: 'InvalidClientTokenId' });
    const old = (await signer.sign(request(body), { signingDate: new Date(Date.now() - 20 * 60_000) })) as HttpRequest;
    expect(verifySigV4(parts(old, body), [key])).toMatchObject({ ok: false, code: 'RequestExpired' });
    expect(verifySigV4({ method: 'GET', path: '/', query: {}, headers: {}, body: Buffer.alloc(0) }, [key])).toMatchObject({ ok: false, code: 'MissingAuthenticationToken' });
  });

  it('verifies presigned URLs within X-Amz-Expires only', async () => {
    const get = new HttpRequest({ method: 'GET', protocol: 'https:', hostname: 'sts.us-east-1.amazonaws.com', path: '/', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, headers: { host: 'sts.us-east-1.amazonaws.com' } });
    const fresh = (await signer.presign(get, { expiresIn: 60 })) as HttpRequest;
    expect(verifySigV4(parts(fresh), [key])).toMatchObject({ ok: true });
    expect(verifySigV4(parts(fresh), [key], new Date(Date.now() + 61_000))).toMatchObject({ ok: false, code: 'RequestExpired' });
    const tampered = parts(fresh);
    tampered.query['Action'] = 'AssumeRole';
    expect(verifySigV4(tampered, [key])).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });
});

describe('FaultInjector', () => {
  it('draws latency within bounds, reproducibly from the seed, and applies rules a limited number of times', () => {
    const draw = (): number[] => {
      const f = new FaultInjector({ seed: 3, latencyMs: { min: 5, max: 15 } });
      return Array.from({ length: 50 }, () => f.latencyMs());
    };
    const a = draw();
    expect(a).toEqual(draw());
    expect(Math.min(...a)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...a)).toBeLessThanOrEqual(15);
    const f = new FaultInjector();
    const remove = f.addRule({ match: /^iam:/, error: 'Throttling', times: 2 });
    expect([f.decide('iam:GetRole', false).kind, f.decide('eks:X', false).kind, f.decide('iam:GetRole', false).kind, f.decide('iam:GetRole', false).kind]).toEqual(['throttle', 'none', 'throttle', 'none']);
    remove();
    f.addRule({ match: /^eks:/, error: 'ResourceLimitExceededException', status: 400 });
    expect(f.decide('eks:CreateCluster', true)).toEqual({ kind: 'custom', code: 'ResourceLimitExceededException', status: 400 });
    expect(f.injected).toMatchObject({ throttle: 2, custom: 1 });
  });
});
