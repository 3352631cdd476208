import type { CloudProviderFactory } from '@gati-framework/core';
import { AWSCloudProvider } from './provider/aws-provider.js';

export { AWSCloudProvider } from './provider/aws-provider.js';
export { AwsProviderConfigSchema, type AwsProviderConfig } from './provider/config.js';
export { mintEksToken, type EksToken, type MintEksTokenOptions, type AwsCredentialsLike } from './auth/eks-token.js';
export { mapAwsError } from './errors/map-error.js';
export { roleName } from './iam/role-name.js';
export { albIngress, awsLoadBalancerAnnotations, nlbService } from './load-balancer/aws-annotations.js';

/** For core's registry: `createCloudProvider('aws', config)`. */
export const cloudProviderFactory: CloudProviderFactory = () => new AWSCloudProvider();
