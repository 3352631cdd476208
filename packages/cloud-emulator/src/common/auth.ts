import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Who a verified token belongs to. */
export interface Identity {
  username: string;
  groups?: string[];
}

/**
 * Decides whether a bearer token is valid: returns the identity, or `undefined` to refuse (401).
 * Pluggable so a cloud emulator can verify its own tokens (e.g. EKS `k8s-aws-v1.` tokens).
 */
export type TokenVerifier = (token: string, request: IncomingMessage) => Identity | undefined | Promise<Identity | undefined>;

/** The bearer token of a request, or `undefined`. */
export function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1];
}

/** A verifier that accepts exactly the given tokens (constant-time comparison). */
export function staticTokenVerifier(tokens: string[], username = 'gati-admin'): TokenVerifier {
  const expected = tokens.map((t) => Buffer.from(t));
  return (token) => {
    const got = Buffer.from(token);
    const ok = expected.some((e) => e.length === got.length && timingSafeEqual(e, got));
    return ok ? { username, groups: ['system:masters', 'system:authenticated'] } : undefined;
  };
}
