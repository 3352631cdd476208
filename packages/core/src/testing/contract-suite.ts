import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ICloudProvider } from '../provider/cloud-provider.js';
import { contractCases, createContractContext, type ContractContext, type ContractOptions } from './contract-cases.js';

/**
 * The Vitest suite every provider runs against its emulator: validation,
 * planning, create/idempotency/kubeconfig, progress, abort, secrets, delete.
 * `makeProvider` returns a new, uninitialized provider each call.
 */
export function describeCloudProviderContract(
  makeProvider: () => ICloudProvider | Promise<ICloudProvider>,
  options: ContractOptions & { testTimeoutMs?: number } = {},
): void {
  describe('cloud provider contract', () => {
    let ctx: ContractContext | undefined;
    beforeAll(async () => {
      ctx = await createContractContext(makeProvider, options);
    }, options.testTimeoutMs ?? 120_000);
    afterAll(async () => {
      await ctx?.provider.close();
    });
    for (const c of contractCases()) {
      it(c.name, async () => {
        if (!ctx) throw new Error('contract setup failed');
        await c.run(ctx);
      }, options.testTimeoutMs ?? 120_000);
    }
  });
}
