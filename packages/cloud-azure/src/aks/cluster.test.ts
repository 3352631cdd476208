import { describe, expect, it } from 'vitest';
import { ClusterConfigSchema } from '@gati-framework/core';
import { agentPoolSpec, managedClusterSpec } from './cluster-spec.js';
import { clusterStatus } from './cluster.js';
import { agentPoolName, poolNameIssues } from './pool-names.js';
import { AzureCloudProvider } from '../provider/azure-provider.js';

const config = ClusterConfigSchema.parse({
  name: 'shop',
  version: '1.31',
  network: { cidrBlock: '172.16.0.0/16', privateNetworking: true },
  nodePools: [{ name: 'general', instanceType: 'Standard_D4s_v5', minNodes: 1, desiredNodes: 2, maxNodes: 4 }],
  autoscaling: { enabled: false },
});
const settings = { skuTier: 'Standard' as const, applicationRouting: false, localAccounts: false, systemNodeCount: 1, systemVmSize: 'Standard_D2s_v5' };

describe('AKS mapping', () => {
  it('provisioning and power states in the shared words', () => {
    expect(clusterStatus('Succeeded', 'Running')).toBe('ACTIVE');
    expect(clusterStatus('Succeeded', 'Stopped')).toBe('UPDATING');
    expect(clusterStatus('Creating')).toBe('CREATING');
    expect(clusterStatus('Upgrading')).toBe('UPDATING');
    expect(clusterStatus('Deleting')).toBe('DELETING');
    expect(clusterStatus('Failed')).toBe('FAILED');
    expect(clusterStatus('Canceled')).toBe('FAILED');
  });

  it('private networking makes a private cluster; service and pod ranges avoid the network', () => {
    const spec = managedClusterSpec({ config, location: 'westeurope', subnetId: '/s', addressSpace: '172.16.0.0/16', settings });
    expect(spec.apiServerAccessProfile).toEqual({ enablePrivateCluster: true });
    expect(spec.networkProfile?.serviceCidr).not.toBe('172.16.0.0/16');
    expect(spec.networkProfile?.dnsServiceIP?.startsWith(spec.networkProfile.serviceCidr?.split('.').slice(0, 2).join('.') ?? '?')).toBe(true);
    expect(spec.disableLocalAccounts).toBe(true);
  });

  it('autoscaling off gives fixed-size pools', () => {
    expect(agentPoolSpec(config, config.nodePools[0]!, 'westeurope', '/s')).toMatchObject({ enableAutoScaling: false, count: 2 });
  });

  it('pool names follow AKS rules; clashes are issues with the pool path, and validateConfig reports them', async () => {
    expect(agentPoolName('batch-jobs-for-tonight')).toBe('batchjobsfor');
    const clash = ClusterConfigSchema.parse({ ...config, nodePools: [config.nodePools[0], { ...config.nodePools[0], name: 'gen-eral' }] });
    expect(poolNameIssues(clash)).toEqual([expect.objectContaining({ path: 'nodePools.1.name' })]);
    const system = ClusterConfigSchema.parse({ ...config, nodePools: [{ ...config.nodePools[0], name: 'system' }] });
    expect(await new AzureCloudProvider().validateConfig(clash)).toMatchObject({ valid: false, errors: [expect.objectContaining({ path: 'nodePools.1.name' })] });
    expect(poolNameIssues(system)).toEqual([expect.objectContaining({ path: 'nodePools.0.name', message: expect.stringContaining('system') })]);
  });
});
