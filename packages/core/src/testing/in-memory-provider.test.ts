import { describe, expect, it } from 'vitest';
import type { ClusterConfigInput } from '../config/cluster.js';
import type { ClusterInfo, SecretRef } from '../config/results.js';
import type { SecretConfig } from '../config/secret.js';
import { GatiError } from '../errors/gati-error.js';
import type { OperationOptions } from '../progress/progress.js';
import { contractCases, createContractContext, type ContractCase } from './contract-cases.js';
import { describeCloudProviderContract } from './contract-suite.js';
import { InMemoryCloudProvider } from './in-memory-provider.js';

// The suite itself, green on the faithful fake.
describeCloudProviderContract(() => new InMemoryCloudProvider({ provisioningDelayMs: 40 }), { initConfig: { region: 'eu-west-1' } });

/** Broken variants: each violates one promise of the contract. */
class ForgetsSecrets extends InMemoryCloudProvider {
  override async storeSecret(config: SecretConfig): Promise<SecretRef> {
    // Reports success for work it did not do.
    return { name: config.name, id: `in-memory://secrets/${config.name}` };
  }
}
class NotIdempotent extends InMemoryCloudProvider {
  override async createCluster(config: ClusterConfigInput, options?: OperationOptions): Promise<ClusterInfo> {
    if (this.clusters.has(config.name)) throw new GatiError('ALREADY_EXISTS', 'cluster exists');
    return super.createCluster(config, options);
  }
}
class IgnoresAbort extends InMemoryCloudProvider {
  override async createCluster(config: ClusterConfigInput, options: OperationOptions = {}): Promise<ClusterInfo> {
    const { signal: _ignored, ...rest } = options;
    return super.createCluster(config, rest);
  }
}
class NoInitCheck extends InMemoryCloudProvider {
  protected override requireInitialized(): void {}
}
class NoPlanValidation extends InMemoryCloudProvider {
  override async validateConfig(): Promise<{ valid: true; errors: []; warnings: [] }> {
    return { valid: true, errors: [], warnings: [] };
  }
}
class DeleteIsNoop extends InMemoryCloudProvider {
  override async deleteCluster(): Promise<void> {}
}

/** Runs every case in order on a provider; returns the names of the cases that failed. */
async function failingCases(make: () => InMemoryCloudProvider): Promise<string[]> {
  const ctx = await createContractContext(make, { operationTimeoutMs: 5000, abortWithinMs: 500 });
  const failed: string[] = [];
  const cases: ContractCase[] = contractCases();
  for (const c of cases) {
    try {
      await c.run(ctx);
    } catch {
      failed.push(c.name);
    }
  }
  await ctx.provider.close();
  return failed;
}

describe('the contract suite can fail', () => {
  it('passes on the faithful fake when run case by case', async () => {
    expect(await failingCases(() => new InMemoryCloudProvider({ provisioningDelayMs: 40 }))).toEqual([]);
  });

  it.each([
    ['a provider that forgets secrets', () => new ForgetsSecrets({ provisioningDelayMs: 40 }), /secrets round-trip/],
    ['a provider whose second create fails', () => new NotIdempotent({ provisioningDelayMs: 40 }), /idempotent/],
    ['a provider that ignores AbortSignal', () => new IgnoresAbort({ provisioningDelayMs: 1500 }), /abort/],
    ['a provider that works before initialize', () => new NoInitCheck({ provisioningDelayMs: 40 }), /NOT_INITIALIZED/],
    ['a provider that accepts any config', () => new NoPlanValidation({ provisioningDelayMs: 40 }), /invalid config/],
    ['a provider whose delete does nothing', () => new DeleteIsNoop({ provisioningDelayMs: 40 }), /deleteCluster/],
  ])('fails on %s', async (_label, make, expected) => {
    const failed = await failingCases(make);
    expect(failed.some((name) => expected.test(name)), `failed cases: ${failed.join(' | ')}`).toBe(true);
  });
});

describe('InMemoryCloudProvider', () => {
  it('tracks load balancers and refuses ambiguous secret deletes', async () => {
    const p = new InMemoryCloudProvider({ provisioningDelayMs: 1 });
    await p.initialize();
    await p.createCluster({ name: 'c1', version: '1.30', nodePools: [{ name: 'p', instanceType: 't', minNodes: 1, desiredNodes: 1, maxNodes: 1 }] });
    const lb = await p.createLoadBalancer({ clusterName: 'c1', name: 'web', type: 'network', port: 80, targetPort: 8080, selector: { app: 'web' } });
    expect(lb).toMatchObject({ namespace: 'default', status: 'ACTIVE', type: 'network' });
    expect(p.inventory().loadBalancers).toBe(1);
    await p.deleteLoadBalancer({ clusterName: 'c1', name: 'web' });
    await expect(p.deleteLoadBalancer({ clusterName: 'c1', name: 'web' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await p.storeSecret({ name: 's', values: { a: '1' } });
    await expect(p.deleteSecret('s', { force: true, recoveryWindowDays: 7 })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await p.deleteCluster('c1');
    expect(p.inventory()).toEqual({ clusters: 0, secrets: 1, loadBalancers: 0 });
    await p.close();
    await expect(p.getCluster('c1')).rejects.toMatchObject({ code: 'NOT_INITIALIZED' });
  });
});
