import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** An access key pair the emulator accepts, and the identity it stands for. */
export interface EmulatorCredential {
  accessKeyId: string;
  secretAccessKey: string;
  /** IAM user name reported by GetCallerIdentity. Default `gati-emulator`. */
  userName?: string;
}

/** The request parts SigV4 covers, as a server receives them. */
export interface SignedRequestParts {
  method: string;
  /** Raw path as sent (already percent-encoded), without the query. */
  path: string;
  /** Decoded query parameters (one value each, last one wins). */
  query: Record<string, string>;
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type SignatureCheck =
  | { ok: true; accessKeyId: string; credential: EmulatorCredential; region: string; service: string; signedAt: Date; expiresAt?: Date; signedHeaders: Record<string, string> }
  | { ok: false; code: 'MissingAuthenticationToken' | 'IncompleteSignature' | 'InvalidClientTokenId' | 'SignatureDoesNotMatch' | 'RequestExpired'; message: string };

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

/** RFC 3986 escaping exactly as the AWS SDK's signer does it. */
export function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function parseAmzDate(value: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!m) return undefined;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

function headerValue(headers: SignedRequestParts['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function canonicalPath(rawPath: string): string {
  // Non-S3 services sign the path escaped once more than it travels.
  const segments = rawPath.split('/').filter((s) => s !== '' && s !== '.');
  const escaped = segments.map(escapeUri).join('/');
  return `/${escaped}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
}

function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .filter((k) => k.toLowerCase() !== 'x-amz-signature')
    .map((k) => [escapeUri(k), escapeUri(query[k] ?? '')] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function signature(secret: string, shortDate: string, region: string, service: string, longDate: string, canonicalRequest: string): string {
  const scope = `${shortDate}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', longDate, scope, createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, shortDate), region), service), 'aws4_request');
  return hmac(key, stringToSign).toString('hex');
}

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Verifies an AWS Signature Version 4 request, signed in the Authorization
 * header or presigned in the query string, against the known credentials.
 * `maxSkewMs` bounds header-signed requests; presigned ones obey X-Amz-Expires.
 */
export function verifySigV4(
  req: SignedRequestParts,
  credentials: readonly EmulatorCredential[],
  now: Date = new Date(),
  maxSkewMs = 15 * 60_000,
  /** Accept presigned requests this long after X-Amz-Date instead of X-Amz-Expires (EKS tokens live 15 minutes). */
  presignedLifetimeMs?: number,
): SignatureCheck {
  const auth = headerValue(req.headers, 'authorization');
  const presigned = req.query['X-Amz-Signature'] !== undefined;
  let credentialField: string;
  let signedHeaderList: string;
  let given: string;
  let longDate: string | undefined;
  let payloadHashes: string[];
  let expiresSeconds: number | undefined;
  if (auth) {
    const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(auth.trim());
    if (!m) return { ok: false, code: 'IncompleteSignature', message: 'Authorization header requires Credential, SignedHeaders and Signature (AWS4-HMAC-SHA256).' };
    [, credentialField = '', signedHeaderList = '', given = ''] = m;
    longDate = headerValue(req.headers, 'x-amz-date');
    const declared = headerValue(req.headers, 'x-amz-content-sha256');
    const actual = createHash('sha256').update(req.body).digest('hex');
    if (declared && declared !== 'UNSIGNED-PAYLOAD' && declared !== actual) {
      return { ok: false, code: 'SignatureDoesNotMatch', message: 'The provided x-amz-content-sha256 header does not match what was computed.' };
    }
    payloadHashes = declared ? [declared] : [actual];
  } else if (presigned) {
    if (req.query['X-Amz-Algorithm'] !== 'AWS4-HMAC-SHA256') return { ok: false, code: 'IncompleteSignature', message: 'X-Amz-Algorithm must be AWS4-HMAC-SHA256.' };
    credentialField = req.query['X-Amz-Credential'] ?? '';
    signedHeaderList = req.query['X-Amz-SignedHeaders'] ?? '';
    given = req.query['X-Amz-Signature'] ?? '';
    longDate = req.query['X-Amz-Date'];
    expiresSeconds = Number(req.query['X-Amz-Expires'] ?? 'NaN');
    if (!Number.isInteger(expiresSeconds) || expiresSeconds < 1 || expiresSeconds > 604_800) {
      return { ok: false, code: 'IncompleteSignature', message: 'X-Amz-Expires must be an integer between 1 and 604800.' };
    }
    payloadHashes = [EMPTY_SHA256, 'UNSIGNED-PAYLOAD'];
  } else {
    return { ok: false, code: 'MissingAuthenticationToken', message: 'Request is missing Authentication Token' };
  }
  const parts = credentialField.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return { ok: false, code: 'IncompleteSignature', message: 'Credential must be <key>/<date>/<region>/<service>/aws4_request.' };
  const [accessKeyId = '', shortDate = '', region = '', service = ''] = parts;
  const signedAt = parseAmzDate(longDate);
  if (!signedAt || !longDate?.startsWith(shortDate)) return { ok: false, code: 'IncompleteSignature', message: 'X-Amz-Date is missing or does not match the credential scope date.' };
  const credential = credentials.find((c) => c.accessKeyId === accessKeyId);
  if (!credential) return { ok: false, code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' };

  const names = signedHeaderList.split(';');
  if (!names.includes('host')) return { ok: false, code: 'IncompleteSignature', message: 'The host header must be signed.' };
  const signedHeaders: Record<string, string> = {};
  for (const name of names) {
    const v = headerValue(req.headers, name);
    signedHeaders[name] = (v ?? '').replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').trim();
  }
  const headerBlock = names.map((n) => `${n}:${signedHeaders[n]}\n`).join('');
  const matches = payloadHashes.some((hash) => {
    const canonical = [req.method.toUpperCase(), canonicalPath(req.path), canonicalQuery(req.query), headerBlock, signedHeaderList, hash].join('\n');
    return safeEqualHex(signature(credential.secretAccessKey, shortDate, region, service, longDate, canonical), given);
  });
  if (!matches) {
    return { ok: false, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.' };
  }
  const t = now.getTime();
  let expiresAt: Date | undefined;
  if (expiresSeconds !== undefined) {
    expiresAt = new Date(signedAt.getTime() + (presignedLifetimeMs ?? expiresSeconds * 1000));
    if (t > expiresAt.getTime() || signedAt.getTime() - t > maxSkewMs) return { ok: false, code: 'RequestExpired', message: 'Request has expired.' };
  } else if (Math.abs(t - signedAt.getTime()) > maxSkewMs) {
    return { ok: false, code: 'RequestExpired', message: 'Signature expired: the request time is more than 15 minutes from the server time.' };
  }
  return { ok: true, accessKeyId, credential, region, service, signedAt, ...(expiresAt ? { expiresAt } : {}), signedHeaders };
}
