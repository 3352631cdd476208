import { GlobalOperationsClient, NetworksClient, RegionOperationsClient, RoutersClient, SubnetworksClient } from '@google-cloud/compute';
import { ClusterManagerClient } from '@google-cloud/container';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { GoogleAuth, OAuth2Client, type AuthClient } from 'google-auth-library';
import type { ComputeClients } from '../network/network.js';
import type { Endpoint, ResolvedGcpConfig } from './config.js';

type ClientOptions = NonNullable<ConstructorParameters<typeof ClusterManagerClient>[0]>;

const SCOPES = ['https://www.googleapis.com/auth/cloud-platform'];

export interface GcpClients {
  container: ClusterManagerClient;
  secrets: SecretManagerServiceClient;
  compute: ComputeClients;
  /** Mints access tokens (kubeconfig `auth: 'token'`). */
  accessToken(): Promise<string>;
}

/**
 * The credentials, in order: an explicit `authClient`; CLOUDSDK_AUTH_ACCESS_TOKEN as a
 * static token (what gcloud honours); a key file; Application Default Credentials. An
 * auth client is always passed to the Google clients so none probes the metadata server
 * unless ADC is what the user chose.
 */
async function authClientFor(config: ResolvedGcpConfig, explicit: AuthClient | undefined): Promise<AuthClient> {
  if (explicit) return explicit;
  if (config.accessToken) {
    const client = new OAuth2Client();
    client.setCredentials({ access_token: config.accessToken });
    return client;
  }
  const auth = new GoogleAuth({ scopes: SCOPES, ...(config.keyFile ? { keyFilename: config.keyFile } : {}) });
  return (await auth.getClient()) as AuthClient;
}

/** Client options for one endpoint: REST over http for local servers, else the configured transport. */
function options(endpoint: Endpoint | undefined, transport: 'grpc' | 'rest', authClient: AuthClient, ca: string | undefined): ClientOptions {
  const rest = transport === 'rest' || endpoint?.protocol === 'http';
  return {
    // The clients bundle their own google-auth-library copy: same runtime shape, distinct types.
    authClient: authClient as unknown as ClientOptions['authClient'],
    ...(endpoint ? { apiEndpoint: endpoint.host, port: endpoint.port, protocol: endpoint.protocol } : {}),
    ...(rest ? { fallback: 'rest' as const } : { sslCreds: grpcCredentials(authClient, ca) as unknown as ClientOptions['sslCreds'] }),
  };
}

/** The public roots plus `ca`: an extra CA is trusted besides them, never instead (a leftover emulator CA must not cut Google off). */
function trustedRoots(ca: string): string {
  return [...rootCertificates, ca].join('\n');
}

/**
 * REST over https trusting `ca` too. gax hands its own keep-alive agent to the auth client's
 * `fetch` (gaxios, node-fetch underneath), so the agent is swapped there; everything else goes
 * to the auth client itself.
 */
function withCa(authClient: AuthClient, ca: string | undefined): AuthClient {
  if (!ca) return authClient;
  const agent = new Agent({ keepAlive: true, ca: trustedRoots(ca) });
  const fetchWithCa = (url: string | URL, init: Record<string, unknown> = {}): unknown => {
    const https = new URL(String(url)).protocol === 'https:';
    return (authClient as unknown as { fetch(u: string | URL, i: Record<string, unknown>): unknown }).fetch(url, https ? { ...init, agent } : init);
  };
  return new Proxy(authClient, {
    get(target, property) {
      if (property === 'fetch') return fetchWithCa;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * gRPC channel credentials carrying the token on every call. gax's own path
 * (`createFromGoogleCredential`) sends no token with google-auth-library >= 10
 * (grpc-node issue 2993), so the headers are copied from the auth client here.
 */
function grpcCredentials(authClient: AuthClient, ca: string | undefined): grpc.ChannelCredentials {
  const perCall = grpc.credentials.createFromMetadataGenerator((_params, callback) => {
    authClient.getRequestHeaders().then(
      (headers) => {
        const metadata = new grpc.Metadata();
        const authorization = headers.get('authorization');
        if (authorization) metadata.set('authorization', authorization);
        callback(null, metadata);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  });
  return grpc.credentials.combineChannelCredentials(grpc.credentials.createSsl(ca ? Buffer.from(trustedRoots(ca)) : null), perCall);
}

export async function createClients(config: ResolvedGcpConfig, explicit: AuthClient | undefined): Promise<GcpClients> {
  const authClient = withCa(await authClientFor(config, explicit), config.ca);
  return {
    container: new ClusterManagerClient(options(config.endpoints.container, config.transport, authClient, config.ca)),
    secrets: new SecretManagerServiceClient(options(config.endpoints.secretManager, config.transport, authClient, config.ca)),
    compute: computeClients(config, authClient),
    accessToken: async () => {
      const { token } = await authClient.getAccessToken();
      if (!token) throw new Error('the credentials produced no access token');
      return token;
    },
  };
}

/** Compute speaks REST only in the Node client (no gRPC surface). */
function computeClients(config: ResolvedGcpConfig, authClient: AuthClient): ComputeClients {
  const e = config.endpoints.compute;
  const o = {
    authClient: authClient as unknown as ClientOptions['authClient'],
    fallback: 'rest' as const,
    ...(e ? { apiEndpoint: e.host, port: e.port, protocol: e.protocol } : {}),
  };
  return { networks: new NetworksClient(o), subnetworks: new SubnetworksClient(o), routers: new RoutersClient(o), globalOperations: new GlobalOperationsClient(o), regionOperations: new RegionOperationsClient(o) };
}

export async function closeClients(clients: GcpClients): Promise<void> {
  const c = clients.compute;
  await Promise.allSettled([clients.container.close(), clients.secrets.close(), c.networks.close(), c.subnetworks.close(), c.routers.close(), c.globalOperations.close(), c.regionOperations.close()]);
}
