import type { IncomingMessage } from 'node:http';
import { bearerToken } from '../common/auth.js';
import type { ShellContext } from '../common/server.js';
import { renderAzureFault } from './faults.js';
import { secretBundle, SecretStore } from './secret-store.js';
import type { EntraTokens } from './tokens.js';
import { AzureApiError, parseJsonObject, pathSegments, type ArmReply } from './wire.js';

interface VaultRoute {
  operation: string;
  name?: string;
  version?: string;
  mutating: boolean;
}

/** Key Vault's secrets paths (names are matched case-insensitively by the store). */
function routeOf(method: string, path: string): VaultRoute | undefined {
  const trailing = path.endsWith('/') && path.length > 1;
  const p = pathSegments(path);
  const [collection, name, third, fourth] = p;
  if (p.length > 4) return undefined;
  if (collection === 'secrets') {
    if (p.length === 1 && method === 'GET') return { operation: 'GetSecrets', mutating: false };
    if (p.length === 2 && method === 'PUT' && !trailing) return { operation: 'SetSecret', name, mutating: true };
    if (p.length === 2 && method === 'GET') return { operation: 'GetSecret', name, version: '', mutating: false };
    if (p.length === 2 && method === 'DELETE') return { operation: 'DeleteSecret', name, mutating: true };
    if (p.length === 2 && method === 'PATCH') return { operation: 'UpdateSecret', name, version: '', mutating: true };
    if (p.length === 3 && method === 'GET' && third === 'versions') return { operation: 'GetSecretVersions', name, mutating: false };
    if (p.length === 3 && method === 'GET') return { operation: 'GetSecret', name, version: third, mutating: false };
    if (p.length === 3 && method === 'PATCH') return { operation: 'UpdateSecret', name, version: third, mutating: true };
  }
  if (collection === 'deletedsecrets') {
    if (p.length === 1 && method === 'GET') return { operation: 'GetDeletedSecrets', mutating: false };
    if (p.length === 2 && method === 'GET') return { operation: 'GetDeletedSecret', name, mutating: false };
    if (p.length === 2 && method === 'DELETE') return { operation: 'PurgeDeletedSecret', name, mutating: true };
    if (p.length === 3 && method === 'POST' && third === 'recover' && fourth === undefined) return { operation: 'RecoverDeletedSecret', name, mutating: true };
  }
  return undefined;
}

/**
 * Key Vault's secrets data plane for the emulated vaults: the challenge flow (an unauthenticated
 * request gets 401 with `WWW-Authenticate: Bearer authorization="<authority>/<tenant>",
 * resource="https://vault.localhost"`, so the client's check that the vault host ends with the
 * resource's domain stays on), then bearer tokens this emulator issued for that resource.
 */
export class KeyVaults {
  /** The resource of every emulated vault (Azure's is `https://vault.azure.net`). */
  static readonly RESOURCE = 'https://vault.localhost';
  private readonly stores = new Map<string, SecretStore>();

  constructor(
    names: string[],
    private readonly tokens: EntraTokens,
    private readonly tenantId: string,
    private readonly authorityHost: () => string,
  ) {
    for (const name of names) {
      if (!/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(name)) throw new AzureApiError(400, 'VaultNameNotValid', `Vault name ${name} is invalid: use 3-24 letters, digits and '-', starting with a letter.`);
      this.stores.set(name.toLowerCase(), new SecretStore());
    }
  }

  names(): string[] {
    return [...this.stores.keys()];
  }

  /** The store of a vault (for assertions). */
  store(vault: string): SecretStore | undefined {
    return this.stores.get(vault.toLowerCase());
  }

  /** `vault/name` of every live secret. */
  secretNames(): string[] {
    return [...this.stores].flatMap(([vault, store]) => store.liveNames().map((n) => `${vault}/${n}`));
  }

  /** `vault/name` of every soft-deleted secret not yet purged. */
  deletedSecretNames(): string[] {
    return [...this.stores].flatMap(([vault, store]) => store.deletedNames().map((n) => `${vault}/${n}`));
  }

  async handle(vault: string, method: string, url: URL, request: IncomingMessage, ctx: ShellContext, retryAfterSeconds: number): Promise<ArmReply> {
    const store = this.stores.get(vault.toLowerCase());
    if (!store) throw new AzureApiError(404, 'VaultNotFound', `The vault ${vault} does not exist in this emulator (known: ${this.names().join(', ')}).`);
    this.authorize(request);
    const route = routeOf(method, url.pathname);
    if (!route) throw new AzureApiError(400, 'BadParameter', `The request URI ${method} ${url.pathname} is not a supported Key Vault secrets operation.`);
    ctx.operation = route.operation;
    if (!url.searchParams.get('api-version')) throw new AzureApiError(400, 'BadParameter', 'api-version is required.');
    const decision = await ctx.applyFaults(`keyvault:${route.operation}`, { mutating: route.mutating });
    const target = { service: 'keyvault' as const, operation: route.operation, retryAfterSeconds };
    if (decision.kind !== 'none' && decision.kind !== 'lost-response') throw renderAzureFault(decision, target);
    const base = `https://${request.headers.host ?? ''}`;
    const body = method === 'PUT' || method === 'PATCH' ? parseJsonObject(await ctx.readBody()) : {};
    const reply = this.dispatch(store, route, body, base);
    if (decision.kind === 'lost-response') throw renderAzureFault(decision, target);
    return reply;
  }

  private dispatch(store: SecretStore, route: VaultRoute, body: Record<string, unknown>, base: string): ArmReply {
    const name = route.name ?? '';
    switch (route.operation) {
      case 'SetSecret':
        return { status: 200, body: secretBundle(base, store.set(name, body), true) };
      case 'GetSecret':
        return { status: 200, body: secretBundle(base, store.get(name, route.version ?? ''), true) };
      case 'UpdateSecret':
        return { status: 200, body: secretBundle(base, store.update(name, route.version ?? '', body), false) };
      case 'GetSecretVersions':
        return { status: 200, body: { value: store.versions(name).map((v) => secretBundle(base, v, false)), nextLink: null } };
      case 'GetSecrets':
        return { status: 200, body: { value: store.latestOfEach().map((v) => secretBundle(base, v, false)), nextLink: null } };
      case 'DeleteSecret':
        return { status: 200, body: secretBundle(base, store.delete(name), false) };
      case 'GetDeletedSecret':
        return { status: 200, body: secretBundle(base, store.getDeleted(name), false) };
      case 'GetDeletedSecrets':
        return { status: 200, body: { value: store.deleted().map((v) => secretBundle(base, v, false)), nextLink: null } };
      case 'PurgeDeletedSecret':
        store.purge(name);
        return { status: 204 };
      default:
        return { status: 200, body: secretBundle(base, store.recover(name), false) };
    }
  }

  private authorize(request: IncomingMessage): void {
    const challenge = `Bearer authorization="${this.authorityHost()}/${this.tenantId}", resource="${KeyVaults.RESOURCE}"`;
    const token = bearerToken(request);
    if (token === undefined) throw new AzureApiError(401, 'Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.', { 'www-authenticate': challenge });
    const claims = this.tokens.verify(token);
    if (!claims) throw new AzureApiError(401, 'Unauthorized', 'AKV10032: Invalid issuer or signature.', { 'www-authenticate': challenge });
    if (claims.aud !== KeyVaults.RESOURCE) throw new AzureApiError(401, 'Unauthorized', `AKV10022: Invalid audience. Expected ${KeyVaults.RESOURCE}, found: ${claims.aud}.`, { 'www-authenticate': challenge });
  }
}
