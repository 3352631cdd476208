// Compiled by the consumer test with skipLibCheck: false, under NodeNext and under bundler
// resolution: every entry's published types must load without packages we do not depend on.
import { GatiError, isGatiError, type ICloudProvider } from '@gati-framework/core';
import { InMemoryCloudProvider } from '@gati-framework/core/testing';
import { describeCloudProviderContract } from '@gati-framework/core/testing/contract';
import { ObservabilityStack, type GatiFastifyPlugin } from '@gati-framework/observability';
import { startNodeSdk, type StartedSdk } from '@gati-framework/observability/sdk';
import { AWSCloudProvider } from '@gati-framework/cloud-aws';

export type Entries = [
  typeof import('@gati-framework/core'),
  typeof import('@gati-framework/core/testing'),
  typeof import('@gati-framework/core/testing/contract'),
  typeof import('@gati-framework/kubernetes'),
  typeof import('@gati-framework/cloud-aws'),
  typeof import('@gati-framework/cloud-emulator'),
  typeof import('@gati-framework/cloud-emulator/aws'),
  typeof import('@gati-framework/observability'),
  typeof import('@gati-framework/observability/sdk'),
  typeof import('@gati-framework/observability/register'),
  typeof import('@gati-framework/observability/cluster'),
  typeof import('@gati-framework/production-hardening'),
  typeof import('@gati-framework/production-hardening/deployment'),
];

export const provider: ICloudProvider = new InMemoryCloudProvider();
export const aws: ICloudProvider = new AWSCloudProvider();
export const contract: typeof describeCloudProviderContract = describeCloudProviderContract;
export const plugin: GatiFastifyPlugin = new ObservabilityStack({ serviceName: 'consumer' }).fastifyPlugin;
export const start: () => StartedSdk = () => startNodeSdk({ serviceName: 'consumer' });
export function code(error: unknown): string | undefined {
  return isGatiError(error) ? error.code : error instanceof GatiError ? 'unreachable' : undefined;
}
