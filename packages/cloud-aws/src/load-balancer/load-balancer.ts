import { GatiError, type LoadBalancerConfigInput, type LoadBalancerInfo, type LoadBalancerRef } from '@gati-framework/core';
import type { AWSCloudProvider } from '../provider/aws-provider.js';
import type { Operation } from '../provider/operation.js';

export async function createAwsLoadBalancer(_provider: AWSCloudProvider, _input: LoadBalancerConfigInput, _op: Operation): Promise<LoadBalancerInfo> {
  throw new GatiError('PROVIDER_ERROR', 'createLoadBalancer is not available yet in this build.', { provider: 'aws' });
}

export async function deleteAwsLoadBalancer(_provider: AWSCloudProvider, _ref: LoadBalancerRef, _op: Operation): Promise<void> {
  throw new GatiError('PROVIDER_ERROR', 'deleteLoadBalancer is not available yet in this build.', { provider: 'aws' });
}
