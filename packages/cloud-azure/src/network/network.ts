import type { NetworkManagementClient, Subnet, VirtualNetwork } from '@azure/arm-network';
import { ensure, GatiError, type ClusterConfig, type Operation, type PlanStep } from '@gati-framework/core';
import { isAzureError } from '../errors/map-error.js';
import { azureOwnershipTags, ownedByCluster } from '../tags/azure-tags.js';
import { nodeSubnetCidr } from './cidr.js';

export const DEFAULT_VNET_CIDR = '10.0.0.0/16';
const NODE_SUBNET = 'nodes';

export interface NetworkTarget {
  resourceGroup: string;
  location: string;
  /** An existing subnet id (`azure.subnetId` or `network.subnetIds[0]`): used as is, after a check. */
  subnetId?: string;
  updateIntervalInMs: number;
}

export interface AzureNetwork {
  subnetId: string;
  /** The virtual network's address space (ranges of the cluster must avoid it). */
  addressSpace: string;
  /** True when Gati made the virtual network (its tags say so). */
  owned: boolean;
}

export function vnetName(clusterName: string): string {
  return `${clusterName}-vnet`;
}

const notFound = (e: unknown): boolean => isAzureError(e, 'ResourceNotFound', 'NotFound', 'ResourceGroupNotFound');

async function getVnet(op: Operation, network: NetworkManagementClient, rg: string, name: string): Promise<VirtualNetwork | undefined> {
  return op.call(`reading virtual network ${name}`, () => network.virtualNetworks.get(rg, name, { abortSignal: op.signal }).catch((e: unknown) => (notFound(e) ? undefined : Promise.reject(e))));
}

async function getSubnet(op: Operation, network: NetworkManagementClient, rg: string, vnet: string, name: string): Promise<Subnet | undefined> {
  return op.call(`reading subnet ${vnet}/${name}`, () => network.subnets.get(rg, vnet, name, { abortSignal: op.signal }).catch((e: unknown) => (notFound(e) ? undefined : Promise.reject(e))));
}

/** `/subscriptions/S/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/V/subnets/N` → its parts. */
export function parseSubnetId(id: string): { resourceGroup: string; vnet: string; subnet: string } | undefined {
  const m = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)$/i.exec(id);
  return m?.[1] && m[2] && m[3] ? { resourceGroup: m[1], vnet: m[2], subnet: m[3] } : undefined;
}

/**
 * The node subnet: an existing one (checked to exist) or a virtual network `<cluster>-vnet` with a
 * `nodes` subnet in the first half of the config's CIDR (default 10.0.0.0/16). A network that
 * exists already is never PUT again: a PUT without its `subnets` would delete them.
 */
export async function ensureNetwork(op: Operation, network: NetworkManagementClient, config: ClusterConfig, t: NetworkTarget): Promise<AzureNetwork> {
  if (t.subnetId) return checkExistingSubnet(op, network, t.subnetId);
  const name = vnetName(config.name);
  const cidr = config.network?.cidrBlock ?? DEFAULT_VNET_CIDR;
  const tags = azureOwnershipTags(config.name, 'virtual-network', config.tags);
  const resource = `virtual-network/${name}`;
  op.step(resource, 'started', `ensuring virtual network ${cidr} with subnet ${NODE_SUBNET} ${nodeSubnetCidr(cidr)}`);
  const vnet = await ensure(op, {
    what: `creating virtual network ${name}`,
    resource,
    find: () => getVnet(op, network, t.resourceGroup, name),
    create: async () => {
      const poller = await network.virtualNetworks.beginCreateOrUpdate(
        t.resourceGroup,
        name,
        { location: t.location, tags, addressSpace: { addressPrefixes: [cidr] }, subnets: [{ name: NODE_SUBNET, addressPrefix: nodeSubnetCidr(cidr) }] },
        { abortSignal: op.signal, updateIntervalInMs: t.updateIntervalInMs },
      );
      poller.onProgress((s) => op.step(resource, 'waiting', `virtual network ${name}: ${s.status}`));
      return poller.pollUntilDone();
    },
  });
  const space = vnet.value.addressSpace?.addressPrefixes?.[0] ?? cidr;
  const subnet = await ensure(op, {
    what: `creating subnet ${name}/${NODE_SUBNET}`,
    resource: `subnet/${name}/${NODE_SUBNET}`,
    find: () => getSubnet(op, network, t.resourceGroup, name, NODE_SUBNET),
    create: async () => {
      const poller = await network.subnets.beginCreateOrUpdate(t.resourceGroup, name, NODE_SUBNET, { addressPrefix: nodeSubnetCidr(space) }, { abortSignal: op.signal, updateIntervalInMs: t.updateIntervalInMs });
      return poller.pollUntilDone();
    },
  });
  if (!subnet.value.id) throw new GatiError('PROVIDER_ERROR', `Subnet ${name}/${NODE_SUBNET} came back without an id.`, { provider: 'azure' });
  op.step(resource, 'succeeded', `${vnet.created ? 'created' : 'reused'} ${space}, node subnet ${subnet.value.addressPrefix ?? ''}`);
  return { subnetId: subnet.value.id, addressSpace: space, owned: ownedByCluster(vnet.value.tags, config.name) };
}

async function checkExistingSubnet(op: Operation, network: NetworkManagementClient, id: string): Promise<AzureNetwork> {
  const parts = parseSubnetId(id);
  const invalid = (message: string): GatiError =>
    new GatiError('INVALID_CONFIG', `The subnet ${id} ${message}: give the id of an existing subnet (azure.subnetId).`, { provider: 'azure', details: { issues: [{ path: 'azure.subnetId', message, code: 'custom' }] } });
  if (!parts) throw invalid('is not a subnet resource id');
  const subnet = await getSubnet(op, network, parts.resourceGroup, parts.vnet, parts.subnet);
  if (!subnet?.id) throw invalid('does not exist');
  const vnet = await getVnet(op, network, parts.resourceGroup, parts.vnet);
  return { subnetId: subnet.id, addressSpace: vnet?.addressSpace?.addressPrefixes?.[0] ?? subnet.addressPrefix ?? DEFAULT_VNET_CIDR, owned: false };
}

export async function planNetwork(op: Operation, network: NetworkManagementClient, config: ClusterConfig, t: NetworkTarget): Promise<PlanStep[]> {
  if (t.subnetId) return [{ kind: 'subnet', name: t.subnetId, action: 'exists', detail: 'existing subnet, used as is' }];
  const name = vnetName(config.name);
  const cidr = config.network?.cidrBlock ?? DEFAULT_VNET_CIDR;
  const vnet = await getVnet(op, network, t.resourceGroup, name).catch((e: unknown) => (notFound(e) ? undefined : Promise.reject(e)));
  const subnet = vnet ? await getSubnet(op, network, t.resourceGroup, name, NODE_SUBNET) : undefined;
  return [
    { kind: 'virtual-network', name, action: vnet ? 'exists' : 'create', detail: cidr },
    { kind: 'subnet', name: `${name}/${NODE_SUBNET}`, action: subnet ? 'exists' : 'create', detail: nodeSubnetCidr(cidr) },
  ];
}

/** Deletes the cluster's virtual network when its tags say Gati made it for this cluster. */
export async function deleteOwnedNetwork(op: Operation, network: NetworkManagementClient, rg: string, clusterName: string, updateIntervalInMs: number): Promise<boolean> {
  const name = vnetName(clusterName);
  const vnet = await getVnet(op, network, rg, name);
  if (!vnet || !ownedByCluster(vnet.tags, clusterName)) return false;
  const resource = `virtual-network/${name}`;
  op.step(resource, 'started', `deleting virtual network ${name}`);
  await op.call(`deleting virtual network ${name}`, async () => {
    const poller = await network.virtualNetworks.beginDelete(rg, name, { abortSignal: op.signal, updateIntervalInMs });
    await poller.pollUntilDone();
  });
  op.step(resource, 'succeeded', `virtual network ${name} deleted`);
  return true;
}

/** True when the resource group still holds a virtual network (Gati's or anyone's). */
export async function groupHasNetworks(op: Operation, network: NetworkManagementClient, rg: string): Promise<boolean> {
  return op.call(`listing virtual networks of ${rg}`, async () => {
    try {
      for await (const _ of network.virtualNetworks.list(rg, { abortSignal: op.signal })) return true;
      return false;
    } catch (error) {
      if (notFound(error)) return false;
      throw error;
    }
  });
}
