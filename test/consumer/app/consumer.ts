// Compiled by the consumer test with skipLibCheck: false, under NodeNext and under bundler
// resolution: every entry's published types must load without packages we do not depend on.
import { GatiError, isGatiError, type ICloudProvider } from '@gati-framework/core';
import { InMemoryCloudProvider } from '@gati-framework/core/testing';
import { describeCloudProviderContract } from '@gati-framework/core/testing/contract';
import { ObservabilityStack, type GatiFastifyPlugin } from '@gati-framework/observability';
import { startNodeSdk, type StartedSdk } from '@gati-framework/observability/sdk';
import { AWSCloudProvider } from '@gati-framework/cloud-aws';
import type * as e0 from '@gati-framework/core';
import type * as e1 from '@gati-framework/core/testing';
import type * as e2 from '@gati-framework/core/testing/contract';
import type * as e3 from '@gati-framework/kubernetes';
import type * as e4 from '@gati-framework/cloud-aws';
import type * as e5 from '@gati-framework/cloud-emulator';
import type * as e6 from '@gati-framework/cloud-emulator/aws';
import type * as e7 from '@gati-framework/observability';
import type * as e8 from '@gati-framework/observability/sdk';
import type * as e9 from '@gati-framework/observability/register';
import type * as e10 from '@gati-framework/observability/cluster';
import type * as e11 from '@gati-framework/production-hardening';
import type * as e12 from '@gati-framework/production-hardening/deployment';

export type Entries = [
  typeof e0,
  typeof e1,
  typeof e2,
  typeof e3,
  typeof e4,
  typeof e5,
  typeof e6,
  typeof e7,
  typeof e8,
  typeof e9,
  typeof e10,
  typeof e11,
  typeof e12,
];

export const provider: ICloudProvider = new InMemoryCloudProvider();
export const aws: ICloudProvider = new AWSCloudProvider();
export const contract: typeof describeCloudProviderContract = describeCloudProviderContract;
export const plugin: GatiFastifyPlugin = new ObservabilityStack({ serviceName: 'consumer' }).fastifyPlugin;
export const start: () => StartedSdk = () => startNodeSdk({ serviceName: 'consumer' });
export function code(error: unknown): string | undefined {
  return isGatiError(error) ? error.code : error instanceof GatiError ? 'unreachable' : undefined;
}
