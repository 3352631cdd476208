import type { TokenCredential } from '@azure/core-auth';
import { BaseProviderConfigSchema, extraCaFromEnvironment, GatiError, parseConfig, type Logger } from '@gati-framework/core';
import { z } from 'zod';
import type { KubeloginMode } from '../auth/kubeconfig.js';

/** Azure-only cluster settings, in the optional `azure` section of the provider config. */
export const AzureClusterSettingsSchema = z.object({
  /** AKS pricing tier; Standard carries the uptime SLA. Default `Standard`. */
  skuTier: z.enum(['Free', 'Standard', 'Premium']).default('Standard'),
  /** An existing node subnet (resource id) instead of a new virtual network; checked before use. */
  subnetId: z
    .string()
    .regex(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i, 'must be a subnet resource id')
    .optional(),
  /** CIDRs allowed to reach the public API server. Default: any (ignored for a private cluster). */
  authorizedIpRanges: z.array(z.cidrv4()).max(200).optional(),
  /** Enables the application routing add-on (managed NGINX) for `application` load balancers. Default false. */
  applicationRouting: z.boolean().default(false),
  /** Keep Kubernetes local accounts (admin certificates). Default false: Entra ID only. */
  localAccounts: z.boolean().default(false),
  /** Node count of the system pool (autoscaled from this to 3 × this). Default 1. */
  systemNodeCount: z.number().int().min(1).max(100).default(1),
  /** VM size of the system pool. Default `Standard_D2s_v5`. */
  systemVmSize: z.string().min(1).max(128).default('Standard_D2s_v5'),
});

export const AzureProviderConfigSchema = BaseProviderConfigSchema.extend({
  /** Default `AZURE_SUBSCRIPTION_ID`. */
  subscriptionId: z.string().min(1).optional(),
  /** The resource group clusters live in (created and tagged when absent). Default `AZURE_RESOURCE_GROUP`, then `gati`. */
  resourceGroup: z
    .string()
    .min(1)
    .max(90)
    .regex(/^[-\w.()]*[-\w()]$/, 'must be letters, digits, "-", "_", ".", "(" or ")" and not end with "."')
    .optional(),
  /** Azure region such as `westeurope`; default `region`, then `AZURE_LOCATION`. */
  location: z.string().min(1).max(64).optional(),
  /** `https://NAME.vault.azure.net`; default `AZURE_KEYVAULT_URL`. Secrets need it. */
  keyVaultUrl: z.url().optional(),
  /** Resource Manager base URL; default `AZURE_RESOURCE_MANAGER_ENDPOINT`, then Azure's public cloud. */
  armEndpoint: z.url().optional(),
  /** PEM of a CA to trust for Resource Manager and Key Vault; default the file in `GATI_EMULATOR_CA_FILE` or `NODE_EXTRA_CA_CERTS`. */
  ca: z.string().min(1).optional(),
  /** A TokenCredential from @azure/identity; default `DefaultAzureCredential`. */
  credential: z.custom<TokenCredential>((v) => typeof (v as TokenCredential | undefined)?.getToken === 'function', 'must be a TokenCredential (an object with getToken)').optional(),
  azure: AzureClusterSettingsSchema.optional(),
  /** kubelogin's `--login` in the default (exec) kubeconfig. Default `azurecli`. */
  kubeloginMode: z.enum(['azurecli', 'devicecode', 'spn', 'msi', 'workloadidentity', 'interactive', 'azd']).optional(),
  /** storeSecret recovers a soft-deleted secret of the same name instead of refusing. Default false. */
  recoverDeletedSecrets: z.boolean().optional(),
  /** First delay between status checks while waiting. Default 5000 ms. */
  pollIntervalMs: z.number().int().min(1).optional(),
  /** Largest delay between status checks. Default 30 000 ms. */
  maxPollIntervalMs: z.number().int().min(1).optional(),
  /** First delay after a throttled or failed call. Default 200 ms. */
  retryBaseDelayMs: z.number().int().min(1).optional(),
  /** Ceiling of that backoff. Default 5000 ms. */
  maxRetryDelayMs: z.number().int().min(1).optional(),
  /** Time limit of createCluster/deleteCluster when the caller gives none. Default 40 minutes. */
  operationTimeoutMs: z.number().int().min(1).optional(),
});

export type AzureProviderConfig = z.input<typeof AzureProviderConfigSchema> & { logger?: Logger };
export type AzureClusterSettings = z.infer<typeof AzureClusterSettingsSchema>;

export const PUBLIC_ARM_ENDPOINT = 'https://management.azure.com';

export interface ResolvedAzureConfig {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  keyVaultUrl?: string;
  armEndpoint: string;
  ca?: string;
  credential?: TokenCredential;
  azure: AzureClusterSettings;
  recoverDeletedSecrets: boolean;
  kubeloginMode: KubeloginMode;
  tenantId?: string;
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  retryBaseDelayMs: number;
  maxRetryDelayMs: number;
  operationTimeoutMs: number;
}

/**
 * Parses the options and fills gaps from the environment lines `gati-emulator --env-file` (and
 * Azure's own tooling) use: AZURE_SUBSCRIPTION_ID, AZURE_LOCATION, AZURE_KEYVAULT_URL,
 * AZURE_RESOURCE_MANAGER_ENDPOINT, the CA file. Missing required values are INVALID_CONFIG with paths.
 */
export function resolveAzureConfig(input: unknown, env: NodeJS.ProcessEnv = process.env): ResolvedAzureConfig {
  const parsed = parseConfig(AzureProviderConfigSchema, input ?? {}, 'Azure provider config');
  const issues: { path: string; message: string; code: string }[] = [];
  const subscriptionId = parsed.subscriptionId ?? env['AZURE_SUBSCRIPTION_ID'];
  const location = parsed.location ?? parsed.region ?? env['AZURE_LOCATION'];
  if (!subscriptionId) issues.push({ path: 'subscriptionId', message: 'required: pass subscriptionId or set AZURE_SUBSCRIPTION_ID', code: 'custom' });
  if (!location) issues.push({ path: 'location', message: 'required: pass location (e.g. westeurope) or set AZURE_LOCATION', code: 'custom' });
  if (!subscriptionId || !location) {
    throw new GatiError('INVALID_CONFIG', `Azure provider config is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`, { provider: 'azure', details: { issues } });
  }
  const keyVaultUrl = parsed.keyVaultUrl ?? env['AZURE_KEYVAULT_URL'];
  const ca = parsed.ca ?? extraCaFromEnvironment('azure', env);
  return {
    subscriptionId,
    resourceGroup: parsed.resourceGroup ?? env['AZURE_RESOURCE_GROUP'] ?? 'gati',
    location: location.toLowerCase().replace(/\s+/g, ''),
    ...(keyVaultUrl ? { keyVaultUrl } : {}),
    armEndpoint: (parsed.armEndpoint ?? parsed.endpoint ?? env['AZURE_RESOURCE_MANAGER_ENDPOINT'] ?? PUBLIC_ARM_ENDPOINT).replace(/\/+$/, ''),
    ...(ca ? { ca } : {}),
    ...(parsed.credential ? { credential: parsed.credential } : {}),
    azure: parsed.azure ?? AzureClusterSettingsSchema.parse({}),
    recoverDeletedSecrets: parsed.recoverDeletedSecrets ?? false,
    kubeloginMode: parsed.kubeloginMode ?? 'azurecli',
    ...(env['AZURE_TENANT_ID'] ? { tenantId: env['AZURE_TENANT_ID'] } : {}),
    pollIntervalMs: parsed.pollIntervalMs ?? 5000,
    maxPollIntervalMs: parsed.maxPollIntervalMs ?? Math.max(parsed.pollIntervalMs ?? 5000, 30_000),
    retryBaseDelayMs: parsed.retryBaseDelayMs ?? 200,
    maxRetryDelayMs: parsed.maxRetryDelayMs ?? 5000,
    operationTimeoutMs: parsed.operationTimeoutMs ?? 40 * 60_000,
  };
}

