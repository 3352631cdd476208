import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** The Entra application id of the AKS server (audience of tokens for AAD-integrated clusters). */
export const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
/** Resource Manager's audience; `https://management.core.windows.net/` is its older name. */
export const ARM_AUDIENCE = 'https://management.azure.com';
const ARM_AUDIENCES = new Set(['https://management.azure.com', 'https://management.core.windows.net']);

/** What a verified token says. */
export interface TokenClaims {
  /** Audience: ARM, the vault resource or the AKS server app id. */
  aud: string;
  tid: string;
  /** Client (application) id the token was issued to. */
  appid: string;
  oid: string;
  exp: number;
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Access tokens the emulator issues, shaped like Entra's (a JWT, so tools that read `exp` or `aud`
 * are content) and signed with a key only the emulator knows: the emulated APIs accept exactly the
 * tokens issued here, for their own audience.
 */
export class EntraTokens {
  private readonly key = randomBytes(32);

  constructor(
    readonly tenantId: string,
    private readonly issuer: string,
    private readonly lifetimeSeconds = 3600,
  ) {}

  /**
   * The audience a scope asks for (`https://management.azure.com/.default` → ARM), or `undefined` when
   * the scope names no known resource: only ARM, the `vaultResource` and the AKS server app.
   */
  audienceOf(scope: string, vaultResource: string): string | undefined {
    const resource = scope.replace(/\/\.default$/, '').replace(/\/+$/, '');
    if (ARM_AUDIENCES.has(resource)) return ARM_AUDIENCE;
    if (resource === vaultResource.replace(/\/+$/, '')) return resource;
    if (resource === AKS_SERVER_APP_ID || resource === `api://${AKS_SERVER_APP_ID}`) return AKS_SERVER_APP_ID;
    return undefined;
  }

  /** A token for `audience`, issued to `clientId`. */
  issue(audience: string, clientId: string, oid: string = clientId): { token: string; expiresOn: number } {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.lifetimeSeconds;
    const header = b64({ typ: 'JWT', alg: 'HS256', kid: 'gati-emulator' });
    const payload = b64({ aud: audience, iss: this.issuer, iat: now, nbf: now, exp, tid: this.tenantId, appid: clientId, azp: clientId, oid, sub: oid, uti: randomUUID(), ver: '1.0' });
    const signature = createHmac('sha256', this.key).update(`${header}.${payload}`).digest('base64url');
    return { token: `${header}.${payload}.${signature}`, expiresOn: exp };
  }

  /** The claims of a token this emulator issued and that has not expired, else `undefined`. */
  verify(token: string): TokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    const expected = createHmac('sha256', this.key).update(`${header}.${payload}`).digest();
    const got = Buffer.from(signature, 'base64url');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
      return claims.exp * 1000 > Date.now() ? claims : undefined;
    } catch {
      return undefined;
    }
  }
}
