import type { AgentPool, ManagedCluster, ManagedClusterAgentPoolProfile } from '@azure/arm-containerservice';
import type { ClusterConfig, NodePoolConfig } from '@gati-framework/core';
import { clusterRanges } from '../network/cidr.js';
import type { AzureClusterSettings } from '../provider/config.js';
import { azureOwnershipTags } from '../tags/azure-tags.js';
import { SYSTEM_POOL } from './pool-names.js';

/** When Gati first PUT the cluster (ISO 8601). */
export const CREATED_AT_TAG = 'gati.dev_created-at';

/** Regions with no availability zones (pools there get none). */
export const REGIONS_WITHOUT_ZONES: ReadonlySet<string> = new Set([
  'westus', 'northcentralus', 'westcentralus', 'ukwest', 'canadaeast', 'japanwest', 'koreasouth', 'southindia', 'westindia', 'australiasoutheast',
  'australiacentral', 'australiacentral2', 'francesouth', 'germanynorth', 'norwaywest', 'switzerlandwest', 'uaecentral', 'southafricawest', 'brazilsoutheast', 'jioindiacentral', 'jioindiawest',
]);

export interface ClusterSpecInput {
  config: ClusterConfig;
  location: string;
  subnetId: string;
  addressSpace: string;
  settings: AzureClusterSettings;
}

/** Zones of a pool: the config's `network.availabilityZones`, else 1/2/3 where the region has zones. */
export function poolZones(config: ClusterConfig, location: string): string[] | undefined {
  if (config.network?.availabilityZones) return config.network.availabilityZones;
  return REGIONS_WITHOUT_ZONES.has(location) ? undefined : ['1', '2', '3'];
}

const autoscale = (config: ClusterConfig): boolean => config.autoscaling?.enabled !== false;

/**
 * The managed cluster as Gati makes it: Azure CNI Overlay with the Cilium dataplane (kubenet is
 * retired), OIDC issuer and workload identity, Entra ID with Azure RBAC, local accounts off unless
 * asked, patch auto-upgrades with NodeImage OS updates, and only a system pool (user pools follow
 * as their own agent pools).
 */
export function managedClusterSpec(s: ClusterSpecInput): ManagedCluster {
  const { config, settings } = s;
  const ranges = clusterRanges(s.addressSpace);
  const zones = poolZones(config, s.location);
  const system: ManagedClusterAgentPoolProfile = {
    name: SYSTEM_POOL,
    mode: 'System',
    vmSize: settings.systemVmSize,
    osType: 'Linux',
    count: settings.systemNodeCount,
    enableAutoScaling: true,
    minCount: settings.systemNodeCount,
    maxCount: settings.systemNodeCount * 3,
    nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'],
    vnetSubnetID: s.subnetId,
    upgradeSettings: { maxSurge: '33%' },
    ...(zones ? { availabilityZones: zones } : {}),
  };
  const privateCluster = config.network?.privateNetworking === true;
  return {
    location: s.location,
    // Azure's systemData.createdAt is the creation time where present; this tag stands in where it is not.
    tags: { ...azureOwnershipTags(config.name, 'managed-cluster', config.tags), [CREATED_AT_TAG]: new Date().toISOString() },
    sku: { name: 'Base', tier: settings.skuTier },
    identity: { type: 'SystemAssigned' },
    kubernetesVersion: config.version,
    dnsPrefix: config.name,
    agentPoolProfiles: [system],
    networkProfile: { networkPlugin: 'azure', networkPluginMode: 'overlay', networkDataplane: 'cilium', networkPolicy: 'cilium', loadBalancerSku: 'standard', ...ranges },
    oidcIssuerProfile: { enabled: true },
    securityProfile: { workloadIdentity: { enabled: true } },
    aadProfile: { managed: true, enableAzureRbac: true },
    enableRbac: true,
    disableLocalAccounts: !settings.localAccounts,
    autoUpgradeProfile: { upgradeChannel: 'patch', nodeOSUpgradeChannel: 'NodeImage' },
    apiServerAccessProfile: privateCluster ? { enablePrivateCluster: true } : settings.authorizedIpRanges ? { authorizedIPRanges: settings.authorizedIpRanges } : {},
    ...(settings.applicationRouting ? { ingressProfile: { webAppRouting: { enabled: true } } } : {}),
    ...(config.autoscaling?.scaleDownUnneededMinutes ? { autoScalerProfile: { scaleDownUnneededTime: `${config.autoscaling.scaleDownUnneededMinutes}m` } } : {}),
  };
}

/** One User agent pool per config pool: VM size, autoscaler bounds, labels, taints, zones, max surge. */
export function agentPoolSpec(config: ClusterConfig, pool: NodePoolConfig, location: string, subnetId: string): AgentPool {
  const zones = poolZones(config, location);
  return {
    mode: 'User',
    osType: 'Linux',
    vmSize: pool.instanceType,
    count: pool.desiredNodes,
    ...(autoscale(config) ? { enableAutoScaling: true, minCount: pool.minNodes, maxCount: pool.maxNodes } : { enableAutoScaling: false }),
    ...(pool.diskSizeGb ? { osDiskSizeGB: pool.diskSizeGb } : {}),
    ...(pool.labels ? { nodeLabels: pool.labels } : {}),
    ...(pool.taints?.length ? { nodeTaints: pool.taints.map((t) => `${t.key}=${t.value}:${t.effect}`) } : {}),
    ...(zones ? { availabilityZones: zones } : {}),
    vnetSubnetID: subnetId,
    orchestratorVersion: config.version,
    upgradeSettings: { maxSurge: '33%' },
    tags: azureOwnershipTags(config.name, `node-pool-${pool.name}`, config.tags),
  };
}
