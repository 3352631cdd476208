import type { CloudProviderFactory } from '@gati-framework/core';
import { GCPCloudProvider } from './provider/gcp-provider.js';

export { GCPCloudProvider } from './provider/gcp-provider.js';
export { GcpProviderConfigSchema, GcpSectionSchema, resolveGcpConfig, type GcpProviderConfig, type ResolvedGcpConfig } from './provider/config.js';
export { gcpErrors, mapGcpError } from './errors/gcp-errors.js';
export { gcpLoadBalancerAnnotations, gceIngress, gceService } from './load-balancer/gcp-annotations.js';
export { fromSecretId, toSecretId } from './secrets/secret-name.js';
export { fromLabels, toLabels } from './labels/labels.js';
export type { SecretStoreOptions } from './secrets/secrets.js';

/** What `createCloudProvider('gcp', config)` calls. */
export const cloudProviderFactory: CloudProviderFactory = () => new GCPCloudProvider();
