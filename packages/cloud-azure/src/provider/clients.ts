import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent } from 'node:https';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { PUBLIC_ARM_ENDPOINT, type ResolvedAzureConfig } from './config.js';

export interface AzureClients {
  credential: TokenCredential;
  aks: ContainerServiceClient;
  network: NetworkManagementClient;
  resources: ResourceManagementClient;
  /** Absent without a `keyVaultUrl`. */
  secrets: SecretClient | undefined;
  vaultAgent: Agent | undefined;
}

/**
 * The SDK clients. With a custom Resource Manager endpoint the clients still ask for tokens of
 * Azure's public Resource Manager scope (what the emulator, like Azure, expects).
 */
export function createClients(config: ResolvedAzureConfig): AzureClients {
  const credential = config.credential ?? defaultCredential();
  const custom = config.armEndpoint !== PUBLIC_ARM_ENDPOINT;
  // The SDK's own retries (429 with Retry-After, 5xx, resets) on Gati's backoff scale; Gati's retry takes over after them.
  const retryOptions = { maxRetries: 3, retryDelayInMs: config.retryBaseDelayMs, maxRetryDelayInMs: config.maxRetryDelayMs };
  const common = {
    endpoint: config.armEndpoint,
    retryOptions,
    ...(custom ? { credentialScopes: [`${PUBLIC_ARM_ENDPOINT}/.default`] } : {}),
    ...(config.ca ? { tlsOptions: { ca: config.ca } } : {}),
  };
  const vaultAgent = config.keyVaultUrl ? new Agent({ keepAlive: true, ...(config.ca ? { ca: config.ca } : {}), lookup: localhostLookup }) : undefined;
  return {
    credential,
    aks: new ContainerServiceClient(credential, config.subscriptionId, common),
    network: new NetworkManagementClient(credential, config.subscriptionId, common),
    resources: new ResourceManagementClient(credential, config.subscriptionId, common),
    // Challenge resource verification stays on: the vault host must end with the challenge's domain.
    secrets: config.keyVaultUrl ? new SecretClient(config.keyVaultUrl, credential, { retryOptions, ...(vaultAgent ? { agent: vaultAgent } : {}) }) : undefined,
    vaultAgent,
  };
}

export function destroyClients(clients: AzureClients): void {
  clients.vaultAgent?.destroy();
}

/**
 * `DefaultAzureCredential`; with AZURE_AUTHORITY_HOST set (a sovereign cloud or the emulator),
 * instance discovery is off, or MSAL would ask login.microsoftonline.com about that authority.
 */
function defaultCredential(): TokenCredential {
  const authorityHost = process.env['AZURE_AUTHORITY_HOST'];
  return new DefaultAzureCredential(authorityHost ? { authorityHost, disableInstanceDiscovery: true } : {});
}

/** `*.localhost` names resolve to loopback (RFC 6761), whatever the system resolver says; others as usual. */
const localhostLookup: LookupFunction = (hostname, options, callback) => {
  if (/(^|\.)localhost\.?$/i.test(hostname)) {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
    return;
  }
  dnsLookup(hostname, options, callback);
};
