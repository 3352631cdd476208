// The provider contract suite, run by a consumer's own Vitest on the in-memory fake.
import { InMemoryCloudProvider } from '@gati-framework/core/testing';
import { describeCloudProviderContract } from '@gati-framework/core/testing/contract';

describeCloudProviderContract(() => new InMemoryCloudProvider({ provisioningDelayMs: 40 }), { initConfig: { region: 'eu-west-1' } });
