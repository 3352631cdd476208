import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** Static or resolved AWS credentials. */
export interface AwsCredentialsLike {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Options of {@link mintEksToken}. */
export interface MintEksTokenOptions {
  clusterName: string;
  region: string;
  credentials: AwsCredentialsLike;
  /** Signing time. Default now. */
  signingDate?: Date;
}

/** An EKS bearer token and when EKS stops accepting it. */
export interface EksToken {
  token: string;
  expiresAt: Date;
}

/** EKS accepts a token for 15 minutes; report one minute less, as `aws eks get-token` does. */
const TOKEN_VALIDITY_MS = 14 * 60_000;

/**
 * Mints an EKS token in-process, as `aws eks get-token` does: a presigned STS
 * GetCallerIdentity URL carrying a signed `x-k8s-aws-id: <cluster>` header,
 * base64url-encoded behind `k8s-aws-v1.`. No CLI, no network call.
 */
export async function mintEksToken(options: MintEksTokenOptions): Promise<EksToken> {
  const hostname = `sts.${options.region}.amazonaws.com`;
  const signer = new SignatureV4({ credentials: options.credentials, region: options.region, service: 'sts', sha256: Sha256 });
  const signingDate = options.signingDate ?? new Date();
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: hostname, 'x-k8s-aws-id': options.clusterName },
  });
  const signed = await signer.presign(request, { expiresIn: 60, signingDate });
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  const url = `https://${hostname}/?${query}`;
  return {
    token: `k8s-aws-v1.${Buffer.from(url, 'utf8').toString('base64url')}`,
    expiresAt: new Date(signingDate.getTime() + TOKEN_VALIDITY_MS),
  };
}
