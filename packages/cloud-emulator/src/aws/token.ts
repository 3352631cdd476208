import { verifySigV4, type EmulatorCredential } from './sigv4.js';

/** The outcome of checking an EKS bearer token. */
export type EksTokenCheck =
  | { ok: true; accessKeyId: string; arn: string; account: string; userId: string; expiresAt: Date }
  | { ok: false; reason: string };

const TOKEN_PREFIX = 'k8s-aws-v1.';
const STS_HOST = /^sts(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/;
/** How long EKS accepts a token after it was signed, whatever X-Amz-Expires says. */
export const EKS_TOKEN_LIFETIME_MS = 15 * 60_000;

/**
 * Checks a `k8s-aws-v1.` token the way the EKS authenticator does: decode the
 * presigned STS GetCallerIdentity URL, require the signed `x-k8s-aws-id` header,
 * and verify the signature with that header set to `clusterName` (so a token
 * minted for another cluster fails), within the token lifetime.
 */
export function verifyEksToken(
  token: string,
  clusterName: string,
  credentials: readonly EmulatorCredential[],
  accountId: string,
  now: Date = new Date(),
): EksTokenCheck {
  if (!token.startsWith(TOKEN_PREFIX)) return { ok: false, reason: `token must start with ${TOKEN_PREFIX}` };
  let url: URL;
  try {
    url = new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'token does not decode to a URL' };
  }
  if (url.protocol !== 'https:' || !STS_HOST.test(url.hostname)) return { ok: false, reason: 'token URL is not an STS endpoint' };
  if (url.pathname !== '/') return { ok: false, reason: 'token URL path must be /' };
  const query = Object.fromEntries(url.searchParams);
  if (query['Action'] !== 'GetCallerIdentity' || query['Version'] !== '2011-06-15') return { ok: false, reason: 'token is not a GetCallerIdentity request' };
  const signedHeaders = (query['X-Amz-SignedHeaders'] ?? '').split(';');
  if (!signedHeaders.includes('x-k8s-aws-id')) return { ok: false, reason: 'token does not sign the x-k8s-aws-id header' };
  const check = verifySigV4(
    { method: 'GET', path: '/', query, headers: { host: url.host, 'x-k8s-aws-id': clusterName }, body: Buffer.alloc(0) },
    credentials,
    now,
    15 * 60_000,
    EKS_TOKEN_LIFETIME_MS,
  );
  if (!check.ok) {
    const reason = check.code === 'SignatureDoesNotMatch' ? `signature does not match (token minted for another cluster or with other credentials)` : check.message;
    return { ok: false, reason: `${check.code}: ${reason}` };
  }
  if (check.service !== 'sts') return { ok: false, reason: 'token is not signed for sts' };
  const userName = check.credential.userName ?? 'gati-emulator';
  return {
    ok: true,
    accessKeyId: check.accessKeyId,
    arn: `arn:aws:iam::${accountId}:user/${userName}`,
    account: accountId,
    userId: `AIDA${check.accessKeyId.slice(4, 20)}`,
    expiresAt: check.expiresAt ?? new Date(check.signedAt.getTime() + EKS_TOKEN_LIFETIME_MS),
  };
}
