import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { noopLogger, type Logger } from '@gati-framework/core';
import { bearerToken } from '../common/auth.js';
import { createCertificateAuthority, type CertificateAuthority } from '../common/certificates.js';
import { FaultInjector, type FaultOptions } from '../common/faults.js';
import { RequestLog, type RequestLogEntry, type RequestLogFilter } from '../common/request-log.js';
import { startEmulatorServer, type EmulatorServer, type ShellContext } from '../common/server.js';
import type { KubernetesDelays } from '../kubernetes/cluster-context.js';
import { ipLoadBalancerAddress, KubernetesApiPool, type ClusterLoadBalancerAddress } from '../kubernetes/cluster-pool.js';
import { isMutating, matchArmRoute } from './arm-routes.js';
import { EntraEndpoint, type EntraApplication } from './entra.js';
import { renderAzureFault } from './faults.js';
import { KeyVaults } from './key-vault.js';
import { ArmState, DEFAULT_AZURE_TIMINGS, type AzureTimings } from './state.js';
import { AKS_SERVER_APP_ID, ARM_AUDIENCE, EntraTokens } from './tokens.js';
import { AzureApiError, parseJsonObject, type ArmReply } from './wire.js';

/** Options of {@link AzureEmulator}; every field has a default. */
export interface AzureEmulatorOptions {
  /** Default `00000000-0000-4000-8000-000000000001`. */
  subscriptionId?: string;
  /** Default `00000000-0000-4000-8000-0000000000aa`. */
  tenantId?: string;
  /** The service principal `ClientSecretCredential` signs in as. Default client id `00000000-0000-4000-8000-0000000000c1`, a random secret. */
  clientId?: string;
  clientSecret?: string;
  /** Key vaults served at `https://NAME.vault.localhost:PORT`. Default `['gati-emulator']`. */
  vaults?: string[];
  timings?: Partial<AzureTimings>;
  /** `Retry-After` (seconds) on running operations and throttling answers. Default 1; tests set 0. */
  retryAfterSeconds?: number;
  /** Random faults from the start (change later through `faults`). */
  faults?: FaultOptions;
  /** CA of the HTTPS endpoint and every cluster's API. Default: a fresh one. */
  ca?: CertificateAuthority;
  /** Each cluster's Kubernetes API: delays, load-balancer addresses (default `127.0.0.1`). */
  kubernetes?: { delays?: Partial<KubernetesDelays>; loadBalancerAddress?: ClusterLoadBalancerAddress };
  /** A shared request log (the CLI's) that also gets every request. */
  sharedRequestLog?: RequestLog;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  logger?: Logger;
}

/** Names of what still exists, for "nothing left" assertions (resource ids; vault secrets as `vault/name`). */
export interface AzureInventory {
  resourceGroups: string[];
  virtualNetworks: string[];
  subnets: string[];
  managedClusters: string[];
  agentPools: string[];
  /** Clusters whose Kubernetes API still runs. */
  kubernetesApis: string[];
  secrets: string[];
  deletedSecrets: string[];
}

const MAX_BODY = 1024 * 1024;
const VAULT_HOST = /^([a-z0-9-]+)\.vault\.localhost(?::\d+)?$/i;

/**
 * A local Azure: Resource Manager (resource groups, virtual networks and subnets, AKS managed
 * clusters and agent pools with ARM's long-running operations), Entra ID's token endpoint, and
 * Key Vault secrets, on one HTTPS port. Vaults are addressed by host (`NAME.vault.localhost`),
 * ARM and Entra by path. Every API accepts only tokens this emulator issued for its audience;
 * every AKS cluster gets its own Kubernetes API that accepts tokens for the AKS server app.
 */
export class AzureEmulator {
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Random and targeted faults on requests, matched against `arm:<OperationId>`, `keyvault:<Operation>`, `entra:Token`. */
  readonly faults: FaultInjector;
  /** Rules here make a create fail later, as a Failed operation (match `arm:ManagedClusters_CreateOrUpdate`, `arm:AgentPools_CreateOrUpdate`). */
  readonly operationFaults = new FaultInjector();
  readonly ca: CertificateAuthority;
  readonly pool: KubernetesApiPool;
  readonly state: ArmState;
  readonly vaults: KeyVaults;
  /** `Retry-After` (seconds) of running operations and throttling answers; set 0 in tests. */
  retryAfterSeconds: number;
  private readonly tokens: EntraTokens;
  private readonly entra: EntraEndpoint;
  private readonly applications: EntraApplication[];
  private readonly log = new RequestLog(5000);
  private server: EmulatorServer | undefined;
  private closing: Promise<void> | undefined;

  private constructor(private readonly options: AzureEmulatorOptions) {
    this.subscriptionId = options.subscriptionId ?? '00000000-0000-4000-8000-000000000001';
    this.tenantId = options.tenantId ?? '00000000-0000-4000-8000-0000000000aa';
    this.clientId = options.clientId ?? '00000000-0000-4000-8000-0000000000c1';
    this.clientSecret = options.clientSecret ?? `gati~${randomBytes(24).toString('base64url')}`;
    this.applications = [{ clientId: this.clientId, clientSecret: this.clientSecret }];
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
    this.faults = new FaultInjector(options.faults);
    this.ca = options.ca ?? createCertificateAuthority();
    this.tokens = new EntraTokens(this.tenantId, `https://sts.windows.net/${this.tenantId}/`);
    this.entra = new EntraEndpoint(this.tokens, () => this.applications, KeyVaults.RESOURCE);
    this.vaults = new KeyVaults(options.vaults ?? ['gati-emulator'], this.tokens, this.tenantId, () => this.authorityHost);
    const k = options.kubernetes ?? {};
    this.pool = new KubernetesApiPool({
      verifyToken: (token) => {
        const claims = this.tokens.verify(token);
        return claims?.aud === AKS_SERVER_APP_ID ? { username: claims.oid, groups: ['system:masters', 'system:authenticated'] } : undefined;
      },
      loadBalancerAddress: k.loadBalancerAddress ?? ipLoadBalancerAddress('127.0.0.1'),
      ca: this.ca,
      logger: options.logger ?? noopLogger,
      ...(k.delays ? { delays: k.delays } : {}),
      ...(options.host ? { host: options.host } : {}),
      ...(options.sharedRequestLog ? { requestLog: options.sharedRequestLog } : {}),
    });
    this.state = new ArmState(this.subscriptionId, this.tenantId, { ...DEFAULT_AZURE_TIMINGS, ...options.timings }, this.pool, this.operationFaults, () => this.retryAfterSeconds);
  }

  /** Starts the emulator on a free port (or `port`). */
  static async start(options: AzureEmulatorOptions = {}): Promise<AzureEmulator> {
    const emulator = new AzureEmulator(options);
    emulator.server = await startEmulatorServer({
      service: 'azure',
      handler: (req, res, ctx) => emulator.handle(req, res, ctx),
      tls: { ca: emulator.ca, hostnames: [...emulator.vaults.names().map((n) => `${n}.vault.localhost`), 'vault.localhost'] },
      bodyLimit: MAX_BODY,
      requestLogs: [emulator.log, ...(options.sharedRequestLog ? [options.sharedRequestLog] : [])],
      faults: emulator.faults,
      logger: options.logger ?? noopLogger,
      ...(options.host ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
    });
    return emulator;
  }

  private get started(): EmulatorServer {
    if (!this.server) throw new AzureApiError(503, 'ServiceUnavailable', 'The Azure emulator is not started.');
    return this.server;
  }

  /** Resource Manager's base URL (`https://127.0.0.1:PORT`): the ARM clients' `endpoint`. */
  get armEndpoint(): string {
    return this.started.url;
  }

  /** Entra's authority host (`https://127.0.0.1:PORT`): `authorityHost` of `ClientSecretCredential`. */
  get authorityHost(): string {
    return this.started.url;
  }

  /** PEM of the CA of every endpoint (ARM, Entra, vaults, clusters' Kubernetes APIs). */
  get caPem(): string {
    return this.ca.caPem;
  }

  /** URL of a vault (default the first), `https://NAME.vault.localhost:PORT`. */
  vaultUrl(name?: string): string {
    return `https://${name ?? this.vaults.names()[0] ?? 'gati-emulator'}.vault.localhost:${this.started.port}`;
  }

  /**
   * An access token for a scope, as the token endpoint would issue it to the emulator's client:
   * `https://management.azure.com/.default`, `https://vault.localhost/.default` or
   * `6dae42f8-4368-4678-94ff-3960e28e3630/.default` (AKS).
   */
  issueToken(scope: string = `${ARM_AUDIENCE}/.default`): { token: string; expiresOnTimestamp: number } {
    const audience = this.tokens.audienceOf(scope, KeyVaults.RESOURCE);
    if (!audience) throw new AzureApiError(400, 'invalid_resource', `The emulator issues tokens for ARM, the vaults and AKS only, not ${scope}.`);
    const { token, expiresOn } = this.tokens.issue(audience, this.clientId);
    return { token, expiresOnTimestamp: expiresOn * 1000 };
  }

  /** A `TokenCredential` that gets tokens from {@link issueToken} without HTTP. */
  credential(): { getToken(scopes: string | string[]): Promise<{ token: string; expiresOnTimestamp: number }> } {
    return { getToken: async (scopes) => this.issueToken(Array.isArray(scopes) ? (scopes[0] ?? '') : scopes) };
  }

  /** The request log (no headers or bodies). */
  requests(filter?: RequestLogFilter): RequestLogEntry[] {
    return this.log.entries(filter);
  }

  inventory(): AzureInventory {
    const ids = <T extends { id: string }>(clock: { values(): T[] }): string[] => clock.values().map((r) => r.id);
    const s = this.state;
    return {
      resourceGroups: ids(s.resourceGroups),
      virtualNetworks: ids(s.virtualNetworks),
      subnets: ids(s.subnets),
      managedClusters: ids(s.managedClusters),
      agentPools: ids(s.agentPools),
      kubernetesApis: this.pool.names(),
      secrets: this.vaults.secretNames(),
      deletedSecrets: this.vaults.deletedSecretNames(),
    };
  }

  /** Stops the endpoint and every cluster's Kubernetes API; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.state.close();
      await Promise.allSettled([this.server?.close(), this.pool.close()]);
    })();
    return this.closing;
  }

  private async handle(request: IncomingMessage, _response: ServerResponse, ctx: ShellContext): Promise<void> {
    const url = new URL(request.url ?? '/', 'https://emulator');
    const method = request.method ?? 'GET';
    const host = request.headers.host ?? '';
    const base = `https://${host || this.started.url.replace(/^https:\/\//, '')}`;
    let reply: ArmReply;
    try {
      const vault = VAULT_HOST.exec(host);
      if (vault) {
        ctx.service = 'azure:keyvault';
        reply = await this.vaults.handle(vault[1] ?? '', method, url, request, ctx, this.retryAfterSeconds);
      } else if (this.entra.route(method, url.pathname)) {
        reply = await this.handleEntra(method, url, ctx, base);
      } else {
        reply = await this.handleArm(request, method, url, ctx, base);
      }
    } catch (error) {
      if (!(error instanceof AzureApiError)) throw error;
      ctx.errorCode = error.code;
      reply = { status: error.httpStatus, body: error.body(), headers: error.headers };
    }
    const headers: Record<string, string> = { 'x-ms-request-id': randomUUID(), ...reply.headers };
    if (reply.body === undefined) {
      ctx.respond(reply.status, headers, '');
      return;
    }
    ctx.respond(reply.status, { 'content-type': 'application/json; charset=utf-8', ...headers }, method === 'HEAD' ? '' : JSON.stringify(reply.body));
  }

  private async handleEntra(method: string, url: URL, ctx: ShellContext, base: string): Promise<ArmReply> {
    ctx.service = 'azure:entra';
    const kind = this.entra.route(method, url.pathname);
    ctx.operation = kind === 'token' ? 'Token' : 'OpenIdConfiguration';
    if (kind === 'openid') return this.entra.openidConfiguration(url.pathname, base);
    const decision = await ctx.applyFaults('entra:Token', { mutating: false });
    if (decision.kind !== 'none') throw renderAzureFault(decision, { service: 'entra', operation: 'Token', retryAfterSeconds: this.retryAfterSeconds });
    const reply = this.entra.token(url.pathname, new URLSearchParams((await ctx.readBody()).toString('utf8')));
    const error = (reply.body as { error?: string } | undefined)?.error;
    if (error) ctx.errorCode = error;
    return reply;
  }

  private async handleArm(request: IncomingMessage, method: string, url: URL, ctx: ShellContext, base: string): Promise<ArmReply> {
    ctx.service = 'azure:arm';
    const match = matchArmRoute(method, url.pathname);
    if (!match) throw new AzureApiError(404, 'InvalidResourceType', `The resource type of '${url.pathname}' could not be found, or the method ${method} is not supported by the emulator.`);
    const { route, params } = match;
    ctx.operation = route.operation;
    const apiVersion = url.searchParams.get('api-version');
    if (!apiVersion) throw new AzureApiError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    this.authorize(request);
    if (params['subscriptionId']?.toLowerCase() !== this.subscriptionId.toLowerCase()) {
      throw new AzureApiError(404, 'SubscriptionNotFound', `The subscription '${params['subscriptionId'] ?? ''}' could not be found.`);
    }
    const mutating = isMutating(method);
    const decision = await ctx.applyFaults(`arm:${route.operation}`, { mutating });
    const target = { service: 'arm' as const, operation: route.operation, action: route.action, scope: url.pathname, retryAfterSeconds: this.retryAfterSeconds };
    if (decision.kind !== 'none' && decision.kind !== 'lost-response') throw renderAzureFault(decision, target);
    const body = method === 'PUT' || method === 'PATCH' ? parseJsonObject(await ctx.readBody()) : {};
    const reply = await route.handler({ params, body, base, apiVersion }, { state: this.state, tokens: this.tokens, query: url.searchParams });
    // A lost response: the work was done, the answer never arrives.
    if (decision.kind === 'lost-response') throw renderAzureFault(decision, target);
    return reply;
  }

  private authorize(request: IncomingMessage): void {
    const challenge = `Bearer authorization_uri="${this.authorityHost}/${this.tenantId}", error="invalid_token", error_description="The access token is missing or invalid."`;
    const token = bearerToken(request);
    if (token === undefined) throw new AzureApiError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", { 'www-authenticate': challenge });
    const claims = this.tokens.verify(token);
    if (!claims) throw new AzureApiError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', { 'www-authenticate': challenge });
    if (claims.aud !== ARM_AUDIENCE) throw new AzureApiError(401, 'InvalidAuthenticationTokenAudience', `The access token has been obtained for wrong audience or resource '${claims.aud}'. It should exactly match with one of the allowed audiences '${ARM_AUDIENCE}/','${ARM_AUDIENCE}'.`, { 'www-authenticate': challenge });
  }
}
