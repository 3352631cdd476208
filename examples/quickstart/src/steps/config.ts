import { ClusterConfigSchema, invalidConfigError, isGatiError, validateWithSchema, type ClusterConfigInput } from '@gati-framework/core';
import { InMemoryCloudProvider } from '@gati-framework/core/testing';
import type { Printer } from '../print.js';

export const sampleCluster: ClusterConfigInput = {
  name: 'shop-prod',
  version: '1.31',
  region: 'us-east-1',
  network: { cidrBlock: '10.20.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] },
  nodePools: [
    { name: 'general', instanceType: 'm6i.large', minNodes: 2, desiredNodes: 3, maxNodes: 6, diskSizeGb: 80 },
    { name: 'batch', instanceType: 'c6i.xlarge', minNodes: 0, desiredNodes: 1, maxNodes: 10, taints: [{ key: 'workload', value: 'batch', effect: 'NoSchedule' }] },
  ],
  tags: { team: 'shop', env: 'production' },
};

/** Step 1: validate a good and a broken cluster config, then plan with the in-memory provider. */
export async function runConfigStep(print: Printer): Promise<void> {
  print.heading('Validate the cluster config');
  const good = validateWithSchema(ClusterConfigSchema, sampleCluster);
  if (!good.valid) throw new Error('the sample config should be valid');
  print.ok(`${sampleCluster.name}: valid (${sampleCluster.nodePools.length} node pools, Kubernetes ${sampleCluster.version})`);

  const broken = {
    ...sampleCluster,
    name: 'Shop_Prod',
    network: { cidrBlock: '10.20.0.0/33' },
    nodePools: [{ name: 'general', instanceType: 'm6i.large', minNodes: 4, desiredNodes: 3, maxNodes: 6 }],
  };
  const bad = validateWithSchema(ClusterConfigSchema, broken);
  print.bad(`a broken copy: ${bad.errors.length} problems`);
  for (const line of invalidConfigError('cluster config', bad.errors).message.split('\n').slice(1)) print.line(line, 1);

  print.heading('Plan the cluster (in-memory provider, nothing is created)');
  const provider = new InMemoryCloudProvider();
  try {
    await provider.initialize({ region: 'us-east-1' });
    const plan = await provider.planCluster(sampleCluster);
    for (const step of plan.steps) print.line(`${step.action.padEnd(7)} ${step.kind.padEnd(10)} ${step.name}${step.detail ? `  (${step.detail})` : ''}`);
    await provider.getCluster(sampleCluster.name).catch((e: unknown) => {
      if (isGatiError(e, 'NOT_FOUND')) print.ok('the plan changed nothing: the cluster does not exist');
      else throw e;
    });
  } finally {
    await provider.close();
  }
}
