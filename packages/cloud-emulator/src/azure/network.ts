import { randomUUID } from 'node:crypto';
import { cidrContains, cidrOverlaps, parseCidr, type Ipv4Cidr } from '@gati-framework/core';
import { refuseWhileBusy, type ArmRequest } from './resources.js';
import { keyOf, newEtag, provisioningStateOf, type ArmState, type SubnetRecord, type VirtualNetworkRecord } from './state.js';
import { AzureApiError, isObject, resourceGroupNotFound, resourceNotFound, tagsOf, type ArmReply, type Json } from './wire.js';

const NAME = /^[a-zA-Z0-9][-\w.]{0,62}[\w]$|^[a-zA-Z0-9]$/;
const NS = 'Microsoft.Network';

const vnetId = (state: ArmState, rg: string, name: string): string => `/subscriptions/${state.subscriptionId}/resourceGroups/${rg}/providers/${NS}/virtualNetworks/${name}`;

function checkName(name: string, what: string): void {
  if (!NAME.test(name)) throw new AzureApiError(400, 'InvalidResourceName', `Resource name ${name} is invalid. The name can be up to 64 characters long, begin with a letter or number, end with a letter, number or underscore, and contain only letters, numbers, underscores, periods, or hyphens (${what}).`);
}

function cidr(text: unknown, field: string): Ipv4Cidr {
  const parsed = typeof text === 'string' ? parseCidr(text) : undefined;
  if (!parsed) throw new AzureApiError(400, 'InvalidAddressPrefixFormat', `Address prefix ${String(text)} of ${field} does not have a valid format: use an IPv4 CIDR without host bits, e.g. 10.0.0.0/16.`);
  return parsed;
}

/** Whether an agent pool still uses the subnet (then it cannot be deleted). */
function subnetInUse(state: ArmState, subnetKey: string): string | undefined {
  for (const key of state.agentPools.keys()) {
    const pool = state.agentPools.get(key);
    if (pool && typeof pool.properties['vnetSubnetID'] === 'string' && keyOf(pool.properties['vnetSubnetID']) === subnetKey) return pool.id;
  }
  return undefined;
}

export function subnetJson(state: ArmState, key: string, s: SubnetRecord): Json {
  const user = subnetInUse(state, key);
  return {
    id: s.id,
    name: s.name,
    type: `${NS}/virtualNetworks/subnets`,
    etag: `W/"${s.etag}"`,
    properties: {
      ...s.properties,
      provisioningState: provisioningStateOf(state.subnets, key, s) === 'Creating' ? 'Updating' : provisioningStateOf(state.subnets, key, s),
      addressPrefix: s.addressPrefix,
      ...(user ? { ipConfigurations: [{ id: `${user}/ipConfigurations/ipconfig1` }] } : {}),
      delegations: [],
      privateEndpointNetworkPolicies: 'Disabled',
      privateLinkServiceNetworkPolicies: 'Enabled',
    },
  };
}

function subnetsOf(state: ArmState, vnetKey: string): [string, SubnetRecord][] {
  return [...state.subnets.keys()].flatMap((k) => {
    const s = state.subnets.get(k);
    return s && s.vnetKey === vnetKey && state.subnets.state(k) !== 'DELETING' ? [[k, s] as [string, SubnetRecord]] : [];
  });
}

function vnetJson(state: ArmState, key: string, v: VirtualNetworkRecord): Json {
  const p = provisioningStateOf(state.virtualNetworks, key, v);
  return {
    id: v.id,
    name: v.name,
    type: `${NS}/virtualNetworks`,
    location: v.location,
    ...(Object.keys(v.tags).length > 0 ? { tags: v.tags } : {}),
    etag: `W/"${v.etag}"`,
    properties: {
      ...v.properties,
      // Network reports a running create as Updating.
      provisioningState: p === 'Creating' ? 'Updating' : p,
      resourceGuid: v.resourceGuid,
      addressSpace: { addressPrefixes: v.addressPrefixes },
      subnets: subnetsOf(state, key).map(([k, s]) => subnetJson(state, k, s)),
      virtualNetworkPeerings: [],
      enableDdosProtection: false,
    },
  };
}

/** Validates one subnet against its network and siblings, then creates or updates it on the clock. */
function upsertSubnet(state: ArmState, vnetKey: string, vnet: VirtualNetworkRecord, name: string, properties: Json, siblings: SubnetRecord[]): { key: string; record: SubnetRecord; created: boolean } {
  checkName(name, 'subnet');
  const prefixes = Array.isArray(properties['addressPrefixes']) ? properties['addressPrefixes'] : [];
  const prefixText = properties['addressPrefix'] ?? prefixes[0];
  const prefix = cidr(prefixText, `subnet ${name}`);
  if (!vnet.addressPrefixes.some((p) => cidrContains(cidr(p, 'the virtual network'), prefix))) {
    throw new AzureApiError(400, 'NetcfgSubnetRangeOutsideVnet', `Subnet '${name}' is not valid because its IP address range is outside the IP address range of virtual network '${vnet.name}'.`);
  }
  const clash = siblings.find((s) => s.name.toLowerCase() !== name.toLowerCase() && cidrOverlaps(cidr(s.addressPrefix, s.name), prefix));
  if (clash) throw new AzureApiError(400, 'NetcfgSubnetRangesOverlap', `Subnet '${name}' is not valid because its IP address range overlaps with that of an existing subnet '${clash.name}' in virtual network '${vnet.name}'.`);
  const id = `${vnet.id}/subnets/${name}`;
  const key = keyOf(id);
  const current = state.subnets.get(key);
  const { addressPrefix: _a, addressPrefixes: _b, provisioningState: _c, ...rest } = properties;
  const record: SubnetRecord = { id: current?.id ?? id, name: current?.name ?? name, resourceGroup: vnet.resourceGroup, tags: {}, etag: newEtag(), vnetKey, addressPrefix: String(prefixText), properties: rest, ...(current ? { updating: true } : {}) };
  state.subnets.create(key, record, state.timings.networkCreateMs);
  return { key, record, created: !current };
}

function deleteSubnetChecked(state: ArmState, key: string, s: SubnetRecord): void {
  const user = subnetInUse(state, key);
  if (user) throw new AzureApiError(400, 'InUseSubnetCannotBeDeleted', `Subnet ${s.name} is in use by ${user}/ipConfigurations/ipconfig1 and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet.`);
  state.subnets.delete(key, state.timings.networkDeleteMs);
}

function lro(state: ArmState, req: ArmRequest, location: string, status: number, body: Json): ArmReply {
  const op = state.operations.start(state.subscriptionId, NS, location, state.timings.networkCreateMs);
  return { status, body, headers: state.operations.asyncHeaders(op, req.base, req.apiVersion) };
}

/**
 * `PUT virtualNetworks/{vnet}` (201 new, 200 update; `Azure-AsyncOperation`). As in Azure, the
 * `subnets` array is the whole set: subnets left out are deleted (refused while in use).
 */
export function putVirtualNetwork(state: ArmState, req: ArmRequest): ArmReply {
  const rg = req.params['resourceGroup'] ?? '';
  const name = req.params['virtualNetwork'] ?? '';
  const rgRecord = state.resourceGroupForWrite(rg);
  checkName(name, 'virtual network');
  const location = typeof req.body['location'] === 'string' ? req.body['location'] : rgRecord.location;
  const properties = isObject(req.body['properties']) ? req.body['properties'] : {};
  const space = isObject(properties['addressSpace']) ? properties['addressSpace'] : {};
  const prefixes = Array.isArray(space['addressPrefixes']) ? space['addressPrefixes'] : [];
  if (prefixes.length === 0) throw new AzureApiError(400, 'InvalidAddressSpace', `Virtual network ${name} must have at least one address prefix in properties.addressSpace.addressPrefixes.`);
  prefixes.forEach((p, i) => cidr(p, `addressPrefixes[${i}]`));
  const id = vnetId(state, rgRecord.name, name);
  const key = keyOf(id);
  refuseWhileBusy(state.virtualNetworks, key, `virtual network ${name}`);
  const current = state.virtualNetworks.get(key);
  const { addressSpace: _s, subnets: wanted, provisioningState: _p, resourceGuid: _g, ...rest } = properties;
  const record: VirtualNetworkRecord = {
    id: current?.id ?? id,
    name: current?.name ?? name,
    resourceGroup: rgRecord.name,
    location,
    tags: tagsOf(req.body['tags']),
    etag: newEtag(),
    addressPrefixes: prefixes.map(String),
    resourceGuid: current?.resourceGuid ?? randomUUID(),
    properties: rest,
    ...(current ? { updating: true } : {}),
  };
  const subnetSpecs = (Array.isArray(wanted) ? wanted : []).filter(isObject);
  const keep = new Set(subnetSpecs.map((s) => keyOf(`${record.id}/subnets/${String(s['name'])}`)));
  const existing = subnetsOf(state, key);
  for (const [k, s] of existing) if (!keep.has(k)) deleteSubnetChecked(state, k, s);
  const placed: SubnetRecord[] = [];
  for (const spec of subnetSpecs) {
    const { record: s } = upsertSubnet(state, key, record, String(spec['name'] ?? ''), isObject(spec['properties']) ? spec['properties'] : {}, placed);
    placed.push(s);
  }
  state.virtualNetworks.create(key, record, state.timings.networkCreateMs);
  return lro(state, req, location, current ? 200 : 201, vnetJson(state, key, record));
}

function findVnet(state: ArmState, req: ArmRequest): { key: string; vnet: VirtualNetworkRecord } {
  const rg = req.params['resourceGroup'] ?? '';
  const name = req.params['virtualNetwork'] ?? '';
  const key = keyOf(vnetId(state, rg, name));
  const vnet = state.virtualNetworks.get(key);
  if (!vnet) throw resourceNotFound(`${NS}/virtualNetworks`, name, rg);
  return { key, vnet };
}

export function getVirtualNetwork(state: ArmState, req: ArmRequest): ArmReply {
  const { key, vnet } = findVnet(state, req);
  return { status: 200, body: vnetJson(state, key, vnet) };
}

export function listVirtualNetworks(state: ArmState, req: ArmRequest): ArmReply {
  const rg = state.liveResourceGroup(req.params['resourceGroup'] ?? '');
  if (!rg) throw resourceGroupNotFound(req.params['resourceGroup'] ?? '');
  const prefix = keyOf(`/subscriptions/${state.subscriptionId}/resourceGroups/${rg.name}/providers/${NS}/virtualNetworks/`);
  const value = [...state.virtualNetworks.keys()].filter((k) => k.startsWith(prefix)).flatMap((k) => {
    const v = state.virtualNetworks.get(k);
    return v ? [vnetJson(state, k, v)] : [];
  });
  return { status: 200, body: { value } };
}

/** `DELETE virtualNetworks/{vnet}`: 202 + `Location`, its subnets with it (refused while one is in use); 204 when absent. */
export function deleteVirtualNetwork(state: ArmState, req: ArmRequest): ArmReply {
  const rg = req.params['resourceGroup'] ?? '';
  const key = keyOf(vnetId(state, rg, req.params['virtualNetwork'] ?? ''));
  const vnet = state.virtualNetworks.get(key);
  if (!vnet) return { status: 204 };
  refuseWhileBusy(state.virtualNetworks, key, `virtual network ${vnet.name}`);
  const subnets = subnetsOf(state, key);
  for (const [k, s] of subnets) {
    const user = subnetInUse(state, k);
    if (user) throw new AzureApiError(400, 'InUseSubnetCannotBeDeleted', `Subnet ${s.name} is in use by ${user}/ipConfigurations/ipconfig1 and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet.`);
  }
  for (const [k] of subnets) state.subnets.delete(k, state.timings.networkDeleteMs);
  state.virtualNetworks.delete(key, state.timings.networkDeleteMs);
  const op = state.operations.start(state.subscriptionId, NS, vnet.location, state.timings.networkDeleteMs);
  return { status: 202, headers: state.operations.locationHeaders(op, req.base, req.apiVersion) };
}

export function putSubnet(state: ArmState, req: ArmRequest): ArmReply {
  const { key: vnetKey, vnet } = findVnet(state, req);
  if (state.virtualNetworks.state(vnetKey) === 'DELETING') throw new AzureApiError(409, 'OperationNotAllowed', `Virtual network ${vnet.name} is being deleted.`);
  const name = req.params['subnet'] ?? '';
  const properties = isObject(req.body['properties']) ? req.body['properties'] : {};
  const siblings = subnetsOf(state, vnetKey).map(([, s]) => s);
  const { key, record, created } = upsertSubnet(state, vnetKey, vnet, name, properties, siblings);
  return lro(state, req, vnet.location, created ? 201 : 200, subnetJson(state, key, record));
}

function findSubnet(state: ArmState, req: ArmRequest): { key: string; subnet: SubnetRecord | undefined; vnet: VirtualNetworkRecord } {
  const { vnet } = findVnet(state, req);
  const key = keyOf(`${vnet.id}/subnets/${req.params['subnet'] ?? ''}`);
  return { key, subnet: state.subnets.get(key), vnet };
}

export function getSubnet(state: ArmState, req: ArmRequest): ArmReply {
  const { subnet, vnet } = findSubnet(state, req);
  if (!subnet) throw new AzureApiError(404, 'NotFound', `Resource ${vnet.id}/subnets/${req.params['subnet'] ?? ''} not found.`);
  const key = keyOf(subnet.id);
  return { status: 200, body: subnetJson(state, key, subnet) };
}

export function listSubnets(state: ArmState, req: ArmRequest): ArmReply {
  const { key } = findVnet(state, req);
  return { status: 200, body: { value: subnetsOf(state, key).map(([k, s]) => subnetJson(state, k, s)) } };
}

export function deleteSubnet(state: ArmState, req: ArmRequest): ArmReply {
  const { key, subnet, vnet } = findSubnet(state, req);
  if (!subnet) return { status: 204 };
  deleteSubnetChecked(state, key, subnet);
  const op = state.operations.start(state.subscriptionId, NS, vnet.location, state.timings.networkDeleteMs);
  return { status: 202, headers: state.operations.locationHeaders(op, req.base, req.apiVersion) };
}
