import type { CloudProviderFactory } from '@gati-framework/core';
import { AzureCloudProvider } from './provider/azure-provider.js';

export { AzureCloudProvider } from './provider/azure-provider.js';
export { AzureClusterSettingsSchema, AzureProviderConfigSchema, type AzureClusterSettings, type AzureProviderConfig } from './provider/config.js';
export { azureErrors, mapAzureError } from './errors/map-error.js';
export { APP_ROUTING_CLASS, azureLoadBalancerAnnotations, azureLoadBalancerAnnotationsFor, type AzureLoadBalancerOptions } from './load-balancer/azure-annotations.js';
export { fromVaultSecretName, toVaultSecretName } from './secrets/secret-names.js';
export { AZURE_TAG_PREFIX, fromAzureTagName, toAzureTagName } from './tags/azure-tags.js';
export { agentPoolName } from './aks/pool-names.js';
export { AKS_SERVER_APP_ID, AKS_TOKEN_SCOPE, type KubeloginMode } from './auth/kubeconfig.js';

/** For core's registry: `createCloudProvider('azure', config)`. */
export const cloudProviderFactory: CloudProviderFactory = () => new AzureCloudProvider();
