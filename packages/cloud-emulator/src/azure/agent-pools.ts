import { AKS_NS, findCluster, operationFailure } from './container-service.js';
import { refuseWhileBusy, type ArmRequest } from './resources.js';
import { keyOf, newEtag, provisioningStateOf, type AgentPoolRecord, type ArmState, type ManagedClusterRecord } from './state.js';
import { AzureApiError, isObject, type ArmReply, type Json } from './wire.js';

const POOL_NAME = /^[a-z][a-z0-9]{0,11}$/;

/** Regions without availability zones (Azure's published list, abridged); every other region has zones 1, 2 and 3. */
export const REGIONS_WITHOUT_ZONES = new Set([
  'westus', 'northcentralus', 'westcentralus', 'ukwest', 'canadaeast', 'japanwest', 'koreasouth', 'southindia', 'westindia', 'australiasoutheast',
  'australiacentral', 'australiacentral2', 'francesouth', 'germanynorth', 'norwaywest', 'switzerlandwest', 'uaecentral', 'southafricawest', 'brazilsoutheast', 'jioindiacentral', 'jioindiawest',
]);

function checkZones(name: string, zones: unknown, location: string): void {
  if (zones === undefined || zones === null) return;
  const list = Array.isArray(zones) ? zones.map(String) : [];
  const region = location.toLowerCase().replace(/\s+/g, '');
  const supported = REGIONS_WITHOUT_ZONES.has(region) ? [] : ['1', '2', '3'];
  const bad = list.filter((z) => !supported.includes(z));
  if (!Array.isArray(zones) || bad.length > 0) {
    throw new AzureApiError(400, 'AvailabilityZoneNotSupported', `The zone(s) '${bad.join(',')}' for resource '${name}' is not supported. The supported zones for location '${region}' are '${supported.join(',')}'.`);
  }
}

/** Checks an agent pool's name, counts and subnet as AKS does at PUT time. */
export function validatePool(state: ArmState, name: string, p: Json, location: string): void {
  if (!POOL_NAME.test(name)) throw new AzureApiError(400, 'InvalidParameter', `The value of parameter agentPoolProfile.name is invalid: '${name}'. Use 1-12 lowercase letters and digits, starting with a letter.`);
  const num = (field: string): number | undefined => (typeof p[field] === 'number' ? p[field] : undefined);
  const count = num('count');
  const min = num('minCount');
  const max = num('maxCount');
  if (count !== undefined && (count < 0 || count > 1000)) throw new AzureApiError(400, 'InvalidParameter', `The value of parameter agentPoolProfile.count is invalid: ${count} (0-1000).`);
  if (p['enableAutoScaling'] === true) {
    if (min === undefined || max === undefined || min > max) throw new AzureApiError(400, 'InvalidParameter', `Agent pool ${name}: with enableAutoScaling, minCount and maxCount are required and minCount must not exceed maxCount.`);
    if (count !== undefined && (count < min || count > max)) throw new AzureApiError(400, 'InvalidParameter', `Agent pool ${name}: count ${count} must be between minCount ${min} and maxCount ${max}.`);
  }
  checkZones(name, p['availabilityZones'], location);
  const subnet = p['vnetSubnetID'];
  if (typeof subnet === 'string' && (!state.subnets.has(keyOf(subnet)) || state.subnets.state(keyOf(subnet)) === 'DELETING')) {
    throw new AzureApiError(400, 'InvalidParameter', `The value of parameter agentPoolProfile.vnetSubnetID is invalid: subnet '${subnet}' was not found. Create it first.`);
  }
}

export function poolJson(state: ArmState, key: string, pool: AgentPoolRecord): Json {
  const provisioningState = provisioningStateOf(state.agentPools, key, pool);
  const cluster = state.managedClusters.get(pool.clusterKey);
  const p = pool.properties;
  // Absent or empty (the published examples send "") means the cluster's version, as in AKS.
  const asked = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const version = asked(p['orchestratorVersion']) ?? asked(cluster?.properties['kubernetesVersion']) ?? '1.33';
  return {
    id: pool.id,
    name: pool.name,
    type: `${AKS_NS}/managedClusters/agentPools`,
    properties: {
      count: typeof p['minCount'] === 'number' && p['enableAutoScaling'] === true ? p['minCount'] : 3,
      vmSize: 'Standard_D2s_v5',
      osType: 'Linux',
      osSKU: 'Ubuntu',
      type: 'VirtualMachineScaleSets',
      mode: 'User',
      maxPods: 250,
      osDiskSizeGB: 128,
      osDiskType: 'Managed',
      kubeletDiskType: 'OS',
      upgradeSettings: { maxSurge: '10%' },
      ...p,
      // The 2026-04-01 spec keeps an agent pool's eTag inside properties (the cluster's is top level).
      eTag: pool.etag,
      provisioningState,
      powerState: { code: cluster?.powerState ?? 'Running' },
      orchestratorVersion: version,
      currentOrchestratorVersion: /^\d+\.\d+$/.test(version) ? `${version}.5` : version,
      nodeImageVersion: 'AKSUbuntu-2204gen2containerd-202511.07.0',
      ...(pool.failure && provisioningState === 'Failed' ? { status: { provisioningError: pool.failure } } : {}),
    },
  };
}

/** Agent pools of a cluster (not those being deleted), by key. */
export function agentPoolsOf(state: ArmState, clusterKey: string): [string, AgentPoolRecord][] {
  return [...state.agentPools.keys()].flatMap((k) => {
    const pool = state.agentPools.get(k);
    return pool && pool.clusterKey === clusterKey && state.agentPools.state(k) !== 'DELETING' ? [[k, pool] as [string, AgentPoolRecord]] : [];
  });
}

export function deleteAgentPoolsOf(state: ArmState, clusterKey: string, ms: number): void {
  for (const [k] of agentPoolsOf(state, clusterKey)) state.agentPools.delete(k, ms);
}

/** Creates or updates a pool record on the clock (validated by the caller). */
export function upsertAgentPool(state: ArmState, clusterKey: string, cluster: ManagedClusterRecord, name: string, properties: Json, ms: number, failure?: { code: string; message: string }): { key: string; record: AgentPoolRecord; created: boolean } {
  const id = `${cluster.id}/agentPools/${name}`;
  const key = keyOf(id);
  const current = state.agentPools.get(key);
  const { name: _n, provisioningState: _p, powerState: _w, ...rest } = properties;
  const record: AgentPoolRecord = { id: current?.id ?? id, name: current?.name ?? name, resourceGroup: cluster.resourceGroup, tags: {}, etag: newEtag(), clusterKey, properties: rest, ...(current ? { updating: true } : {}), ...(failure ? { failure } : {}) };
  state.agentPools.create(key, record, ms);
  return { key, record, created: !current };
}

function liveCluster(state: ArmState, req: ArmRequest): { key: string; cluster: ManagedClusterRecord } {
  const found = findCluster(state, req);
  refuseWhileBusy(state.managedClusters, found.key, `managed cluster ${found.cluster.name}`);
  if (provisioningStateOf(state.managedClusters, found.key, found.cluster) === 'Failed') {
    throw new AzureApiError(409, 'OperationNotAllowed', `Managed cluster ${found.cluster.name} is in a failed state: reconcile it with a PUT before changing its agent pools.`);
  }
  return found;
}

/** `PUT …/agentPools/{pool}`: 201/200 with `Azure-AsyncOperation`; 409 while the cluster or the pool is busy. */
export function putAgentPool(state: ArmState, req: ArmRequest): ArmReply {
  const { key: clusterKey, cluster } = liveCluster(state, req);
  const name = req.params['agentPool'] ?? '';
  const properties = isObject(req.body['properties']) ? req.body['properties'] : {};
  validatePool(state, name, properties, cluster.location);
  const poolKey = keyOf(`${cluster.id}/agentPools/${name}`);
  refuseWhileBusy(state.agentPools, poolKey, `agent pool ${name}`);
  const failure = operationFailure(state, 'AgentPools_CreateOrUpdate', cluster.location);
  const ms = state.timings.agentPoolCreateMs;
  const { key, record, created } = upsertAgentPool(state, clusterKey, cluster, name, properties, ms, failure);
  const op = state.operations.start(state.subscriptionId, AKS_NS, cluster.location, ms, failure);
  return { status: created ? 201 : 200, body: poolJson(state, key, record), headers: state.operations.asyncHeaders(op, req.base, req.apiVersion) };
}

function findPool(state: ArmState, req: ArmRequest): { key: string; pool: AgentPoolRecord | undefined; cluster: ManagedClusterRecord; clusterKey: string } {
  const { key: clusterKey, cluster } = findCluster(state, req);
  const key = keyOf(`${cluster.id}/agentPools/${req.params['agentPool'] ?? ''}`);
  return { key, pool: state.agentPools.get(key), cluster, clusterKey };
}

export function getAgentPool(state: ArmState, req: ArmRequest): ArmReply {
  const { key, pool, cluster } = findPool(state, req);
  if (!pool) throw new AzureApiError(404, 'NotFound', `Agent pool ${req.params['agentPool'] ?? ''} was not found in managed cluster ${cluster.name}.`);
  return { status: 200, body: poolJson(state, key, pool) };
}

export function listAgentPools(state: ArmState, req: ArmRequest): ArmReply {
  const { key } = findCluster(state, req);
  return { status: 200, body: { value: agentPoolsOf(state, key).map(([k, p]) => poolJson(state, k, p)) } };
}

/** `DELETE …/agentPools/{pool}`: 202 + `Location`; the last System pool cannot go; 204 when absent. */
export function deleteAgentPool(state: ArmState, req: ArmRequest): ArmReply {
  const { key, pool, cluster, clusterKey } = findPool(state, req);
  if (!pool) return { status: 204 };
  refuseWhileBusy(state.managedClusters, clusterKey, `managed cluster ${cluster.name}`);
  refuseWhileBusy(state.agentPools, key, `agent pool ${pool.name}`);
  const systemPools = agentPoolsOf(state, clusterKey).filter(([, p]) => String(p.properties['mode'] ?? '').toLowerCase() === 'system');
  if (systemPools.length === 1 && systemPools[0]?.[0] === key) {
    throw new AzureApiError(400, 'OperationNotAllowed', `Agent pool ${pool.name} is the last System pool of managed cluster ${cluster.name} and cannot be deleted (MustDefineAtLeastOneSystemPool).`);
  }
  const ms = state.timings.agentPoolDeleteMs;
  state.agentPools.delete(key, ms);
  const op = state.operations.start(state.subscriptionId, AKS_NS, cluster.location, ms);
  return { status: 202, headers: state.operations.locationHeaders(op, req.base, req.apiVersion) };
}
