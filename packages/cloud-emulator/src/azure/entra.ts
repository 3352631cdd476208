import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { EntraTokens } from './tokens.js';
import type { ArmReply } from './wire.js';

/** An application (service principal) allowed to get tokens with a client secret. */
export interface EntraApplication {
  clientId: string;
  clientSecret: string;
}

function oauthError(status: number, error: string, code: number, description: string): ArmReply {
  const trace = randomUUID();
  return {
    status,
    body: { error, error_description: `AADSTS${code}: ${description} Trace ID: ${trace} Timestamp: ${new Date().toISOString()}`, error_codes: [code], timestamp: new Date().toISOString(), trace_id: trace, correlation_id: randomUUID() },
  };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Microsoft Entra's v2.0 endpoints for one tenant, as MSAL (and so `ClientSecretCredential` with
 * `authorityHost` and `disableInstanceDiscovery`) calls them: the OpenID configuration document
 * and the token endpoint's `client_credentials` grant with a client secret.
 */
export class EntraEndpoint {
  constructor(
    private readonly tokens: EntraTokens,
    private readonly applications: () => EntraApplication[],
    /** The vault resource (`https://vault.localhost`) tokens may be asked for. */
    private readonly vaultResource: string,
  ) {}

  /** `GET /{tenant}/v2.0/.well-known/openid-configuration`, or `undefined` when the path is not Entra's. */
  route(method: string, path: string): 'openid' | 'token' | undefined {
    const parts = path.split('/').filter(Boolean);
    if (method === 'GET' && parts.length === 4 && parts[1] === 'v2.0' && parts[2] === '.well-known' && parts[3] === 'openid-configuration') return 'openid';
    if (method === 'POST' && parts.length === 4 && parts[1] === 'oauth2' && parts[2] === 'v2.0' && parts[3] === 'token') return 'token';
    return undefined;
  }

  openidConfiguration(path: string, base: string): ArmReply {
    const tenant = path.split('/').filter(Boolean)[0] ?? '';
    if (!this.knownTenant(tenant)) return oauthError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    const t = this.tokens.tenantId;
    return {
      status: 200,
      body: {
        token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/${t}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${base}/oidc/userinfo`,
        authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/${t}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid'],
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
      },
    };
  }

  /** `POST /{tenant}/oauth2/v2.0/token` with `grant_type=client_credentials`, `client_id`, `client_secret`, `scope`. */
  token(path: string, form: URLSearchParams): ArmReply {
    const tenant = path.split('/').filter(Boolean)[0] ?? '';
    if (!this.knownTenant(tenant)) return oauthError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`);
    if (form.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type; this emulator supports client_credentials.');
    const clientId = form.get('client_id') ?? '';
    const app = this.applications().find((a) => a.clientId === clientId);
    if (!app) return oauthError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${this.tokens.tenantId}'.`);
    const secret = form.get('client_secret');
    if (secret === null) return oauthError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    if (!same(secret, app.clientSecret)) return oauthError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
    const scopes = (form.get('scope') ?? '').split(/\s+/).filter((s) => s !== '' && !['openid', 'profile', 'offline_access'].includes(s));
    if (scopes.length !== 1) return oauthError(400, 'invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid: ask for exactly one resource's /.default scope.`);
    const scope = scopes[0] ?? '';
    if (!scope.endsWith('/.default')) return oauthError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    const audience = this.tokens.audienceOf(scope, this.vaultResource);
    if (!audience) return oauthError(400, 'invalid_resource', 500011, `The resource principal named ${scope.replace(/\/\.default$/, '')} was not found in the tenant named ${this.tokens.tenantId}.`);
    const { token } = this.tokens.issue(audience, clientId);
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token } };
  }

  private knownTenant(tenant: string): boolean {
    return tenant === this.tokens.tenantId || tenant === 'organizations';
  }
}
