import { intFlags, type EmulatorModule } from '../common/module.js';
import type { AzureEmulator } from './server.js';

/**
 * The Azure emulator (Resource Manager with AKS, Entra ID's token endpoint, Key Vault secrets) as a
 * `gati-emulator` module. Light on purpose: the emulator itself is imported only in `start()`.
 *
 * Its `--env-file` lines: `AZURE_SUBSCRIPTION_ID`, `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`,
 * `AZURE_CLIENT_SECRET`, `AZURE_AUTHORITY_HOST` (Entra; @azure/identity reads these; pass
 * `disableInstanceDiscovery: true`, else MSAL asks login.microsoftonline.com about the authority),
 * `AZURE_RESOURCE_MANAGER_ENDPOINT` (the ARM clients' `endpoint`), `AZURE_KEYVAULT_URL`
 * (`https://NAME.vault.localhost:PORT`: resolve `*.vault.localhost` to 127.0.0.1 in the client's
 * agent), and `NODE_EXTRA_CA_CERTS` (the kit's CA file, the only trust MSAL takes).
 */
export const azureEmulatorModule: EmulatorModule = {
  name: 'azure',
  description: 'Azure Resource Manager (resource groups, virtual networks, AKS managed clusters and agent pools), Entra ID token endpoint and Key Vault secrets over HTTPS; every AKS cluster gets its own Kubernetes API that accepts Entra tokens for the AKS server app',
  flags: {
    'azure-port': 'port of the Azure endpoint (ARM, Entra and the vault; default: a free port)',
    'azure-vault': 'name of the key vault, served at https://NAME.vault.localhost:PORT (default gati-emulator)',
    'azure-retry-after': 'Retry-After seconds of running operations and throttling (default 1)',
    'aks-create-ms': 'milliseconds from a managed cluster PUT to Succeeded (default 300)',
    'aks-delete-ms': 'milliseconds from a managed cluster DELETE to gone (default 200)',
  },
  async start(context, flags) {
    const { AzureEmulator } = await import('./server.js');
    const emulator = await AzureEmulator.start({
      host: context.host,
      ca: context.ca,
      ...intFlags(flags, { port: 'azure-port', retryAfterSeconds: 'azure-retry-after' }),
      ...(flags['azure-vault'] ? { vaults: [flags['azure-vault']] } : {}),
      timings: intFlags(flags, { clusterCreateMs: 'aks-create-ms', clusterDeleteMs: 'aks-delete-ms' }),
      sharedRequestLog: context.requestLog,
      logger: context.logger,
    });
    return {
      endpoints: () => [
        { name: 'azure arm', url: emulator.armEndpoint },
        { name: 'azure entra', url: emulator.authorityHost },
        { name: 'azure keyvault', url: emulator.vaultUrl() },
        { name: 'azure subscr.', url: emulator.subscriptionId },
      ],
      env: (files) => azureEnv(emulator, files.ca),
      close: () => emulator.close(),
    };
  },
};

/**
 * The variables @azure/identity, the Azure CLI's endpoints and the Gati provider read to use the
 * emulator: the service principal, the authority, Resource Manager, the vault, and the CA file
 * (the only trust MSAL takes; Node reads NODE_EXTRA_CA_CERTS at start-up, so it reaches a process
 * started after these lines are set).
 */
export function azureEnv(emulator: Pick<AzureEmulator, 'subscriptionId' | 'tenantId' | 'clientId' | 'clientSecret' | 'authorityHost' | 'armEndpoint' | 'vaultUrl'>, caFile?: string): Record<string, string> {
  return {
    AZURE_SUBSCRIPTION_ID: emulator.subscriptionId,
    AZURE_TENANT_ID: emulator.tenantId,
    AZURE_CLIENT_ID: emulator.clientId,
    AZURE_CLIENT_SECRET: emulator.clientSecret,
    AZURE_AUTHORITY_HOST: emulator.authorityHost,
    AZURE_RESOURCE_MANAGER_ENDPOINT: emulator.armEndpoint,
    AZURE_KEYVAULT_URL: emulator.vaultUrl(),
    ...(caFile ? { NODE_EXTRA_CA_CERTS: caFile } : {}),
  };
}
