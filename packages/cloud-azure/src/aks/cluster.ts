import type { AgentPool, ContainerServiceClient, ManagedCluster } from '@azure/arm-containerservice';
import { ensure, TAG_COMPONENT, userTags, type ClusterConfig, type ClusterInfo, type ClusterStatus, type NodePoolInfo, type Operation, type PlanStep } from '@gati-framework/core';
import { isAzureError } from '../errors/map-error.js';
import { fromAzureTags } from '../tags/azure-tags.js';
import { CREATED_AT_TAG } from './cluster-spec.js';
import { agentPoolName, SYSTEM_POOL } from './pool-names.js';

/** The config's pool name, kept in the pool's component tag (`node-pool-<name>`); AKS's own name otherwise. */
function configPoolName(pool: AgentPool): string {
  const component = fromAzureTags(pool.tags)[TAG_COMPONENT];
  return component?.startsWith('node-pool-') ? component.slice('node-pool-'.length) : (pool.name ?? '');
}

function createdAtTag(tags: Record<string, string> | undefined): Date | undefined {
  const at = tags?.[CREATED_AT_TAG];
  const date = at ? new Date(at) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

const notFound = (e: unknown): boolean => isAzureError(e, 'ResourceNotFound', 'NotFound', 'ResourceGroupNotFound');
const unusable = (state: string | undefined): boolean => state === 'Failed' || state === 'Canceled';

export interface AksTarget {
  resourceGroup: string;
  updateIntervalInMs: number;
}

export async function getManagedCluster(op: Operation, aks: ContainerServiceClient, rg: string, name: string): Promise<ManagedCluster | undefined> {
  return op.call(`reading managed cluster ${name}`, () => aks.managedClusters.get(rg, name, { abortSignal: op.signal }).catch((e: unknown) => (notFound(e) ? undefined : Promise.reject(e))));
}

async function getAgentPool(op: Operation, aks: ContainerServiceClient, rg: string, cluster: string, pool: string): Promise<AgentPool | undefined> {
  return op.call(`reading agent pool ${cluster}/${pool}`, () => aks.agentPools.get(rg, cluster, pool, { abortSignal: op.signal }).catch((e: unknown) => (notFound(e) ? undefined : Promise.reject(e))));
}

export async function listAgentPools(op: Operation, aks: ContainerServiceClient, rg: string, cluster: string): Promise<AgentPool[]> {
  return op.call(`listing agent pools of ${cluster}`, async () => {
    const pools: AgentPool[] = [];
    for await (const p of aks.agentPools.list(rg, cluster, { abortSignal: op.signal })) pools.push(p);
    return pools;
  });
}

/** A failed operation's error (the SDK throws a plain Error): the resource's own provisioning error, with its code. */
function operationFailure(what: string, resource: { status?: { provisioningError?: { code?: string; message?: string } }; provisioningState?: string }, cause: unknown): Error {
  const error = resource.status?.provisioningError;
  const failure = new Error(`${what} ended ${resource.provisioningState ?? 'Failed'}: ${error?.message ?? (cause as Error | undefined)?.message ?? 'no reason given'}`, { cause });
  return Object.assign(failure, { code: error?.code ?? 'OperationFailed' });
}

/**
 * Runs a create's poller with its progress as `waiting` events. When the operation fails, the
 * resource is read back so the error carries its `provisioningError` code (QuotaExceeded, …).
 */
async function runCreate<T extends { provisioningState?: string }>(
  op: Operation,
  resource: string,
  start: () => { onProgress(cb: (s: { status: string }) => void): unknown; pollUntilDone(): Promise<T> },
  readBack: () => Promise<(T & { status?: { provisioningError?: { code?: string; message?: string } } }) | undefined>,
): Promise<T> {
  const poller = start();
  poller.onProgress((s) => op.step(resource, 'waiting', `${resource}: ${s.status}`));
  try {
    return await poller.pollUntilDone();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== undefined || (error as Error).name === 'AbortError') throw error;
    const back = await readBack().catch(() => undefined);
    if (back && unusable(back.provisioningState)) throw operationFailure(resource, back, error);
    throw error;
  }
}

/** Waits until a resource found mid-operation (a lost response, a second caller) has Succeeded; Failed is an error. */
async function waitSucceeded<T extends { provisioningState?: string; status?: { provisioningError?: { code?: string; message?: string } } }>(op: Operation, resource: string, found: T, get: () => Promise<T | undefined>): Promise<T> {
  if (found.provisioningState === 'Succeeded') return found;
  return op.wait(resource, async () => {
    const now = await get();
    if (!now) return { done: false, message: `${resource} is not visible yet` };
    if (now.provisioningState === 'Succeeded') return { done: true, value: now };
    if (unusable(now.provisioningState)) throw operationFailure(resource, now, undefined);
    return { done: false, message: `${resource} is ${now.provisioningState ?? 'in progress'}` };
  });
}

/**
 * The managed cluster: found (waited on if another operation is running) or PUT. A cluster left
 * Failed by an earlier run is PUT again with the same body, which is how Azure resumes it.
 */
export async function ensureManagedCluster(op: Operation, aks: ContainerServiceClient, t: AksTarget, name: string, spec: ManagedCluster): Promise<ManagedCluster> {
  const resource = `managed-cluster/${name}`;
  const get = (): Promise<ManagedCluster | undefined> => getManagedCluster(op, aks, t.resourceGroup, name);
  op.step(resource, 'started', `ensuring AKS cluster (Kubernetes ${spec.kubernetesVersion ?? '?'}, ${spec.sku?.tier ?? 'Standard'} tier)`);
  const got = await ensure(op, {
    what: `creating AKS cluster ${name}`,
    resource,
    find: async () => {
      const c = await get();
      return c && !unusable(c.provisioningState) ? c : undefined;
    },
    create: () => runCreate(op, resource, () => aks.managedClusters.createOrUpdate(t.resourceGroup, name, spec, { abortSignal: op.signal, updateIntervalInMs: t.updateIntervalInMs }), get),
  });
  const ready = await waitSucceeded(op, resource, got.value, get);
  op.step(resource, 'succeeded', `${got.created ? 'created' : 'found'}, Succeeded at ${ready.fqdn ?? ready.privateFqdn ?? '(no FQDN)'}`);
  return ready;
}

export async function ensureAgentPool(op: Operation, aks: ContainerServiceClient, t: AksTarget, cluster: string, poolName: string, spec: AgentPool): Promise<AgentPool> {
  const name = agentPoolName(poolName);
  const resource = `agent-pool/${cluster}/${name}`;
  const get = (): Promise<AgentPool | undefined> => getAgentPool(op, aks, t.resourceGroup, cluster, name);
  op.step(resource, 'started', `ensuring agent pool: ${spec.count ?? 0} × ${spec.vmSize ?? '?'} (${spec.minCount ?? spec.count ?? 0}-${spec.maxCount ?? spec.count ?? 0})`);
  const got = await ensure(op, {
    what: `creating agent pool ${name} of ${cluster}`,
    resource,
    find: async () => {
      const p = await get();
      return p && !unusable(p.provisioningState) ? p : undefined;
    },
    create: () => runCreate(op, resource, () => aks.agentPools.createOrUpdate(t.resourceGroup, cluster, name, spec, { abortSignal: op.signal, updateIntervalInMs: t.updateIntervalInMs }), get),
  });
  const ready = await waitSucceeded(op, resource, got.value, get);
  op.step(resource, 'succeeded', `${got.created ? 'created' : 'found'}, Succeeded`);
  return ready;
}

export async function planAks(op: Operation, aks: ContainerServiceClient, rg: string, config: ClusterConfig): Promise<PlanStep[]> {
  const cluster = await getManagedCluster(op, aks, rg, config.name).catch((e: unknown) => (notFound(e) ? undefined : Promise.reject(e)));
  const pools = cluster ? await listAgentPools(op, aks, rg, config.name) : [];
  const has = (n: string): boolean => pools.some((p) => p.name === n);
  return [
    { kind: 'cluster', name: config.name, action: cluster ? 'exists' : 'create', detail: `AKS ${config.version} with system pool ${SYSTEM_POOL}` },
    ...config.nodePools.map((p): PlanStep => ({ kind: 'node-pool', name: agentPoolName(p.name), action: has(agentPoolName(p.name)) ? 'exists' : 'create', detail: `${p.instanceType} × ${p.minNodes}-${p.maxNodes}` })),
  ];
}

/** Deletes the managed cluster (with its agent pools and node resource group); false when there was none. */
export async function deleteManagedCluster(op: Operation, aks: ContainerServiceClient, t: AksTarget, name: string): Promise<boolean> {
  const cluster = await getManagedCluster(op, aks, t.resourceGroup, name);
  if (!cluster) return false;
  const resource = `managed-cluster/${name}`;
  op.step(resource, 'started', `deleting AKS cluster ${name}`);
  await op.call(`deleting AKS cluster ${name}`, async () => {
    const poller = aks.managedClusters.delete(t.resourceGroup, name, { abortSignal: op.signal, updateIntervalInMs: t.updateIntervalInMs });
    poller.onProgress((s) => op.step(resource, 'waiting', `${resource}: ${s.status}`));
    await poller.pollUntilDone();
  });
  op.step(resource, 'succeeded', `AKS cluster ${name} deleted`);
  return true;
}

/** True when the resource group still holds a managed cluster. */
export async function groupHasClusters(op: Operation, aks: ContainerServiceClient, rg: string): Promise<boolean> {
  return op.call(`listing clusters of ${rg}`, async () => {
    try {
      for await (const _ of aks.managedClusters.listByResourceGroup(rg, { abortSignal: op.signal })) return true;
      return false;
    } catch (error) {
      if (notFound(error)) return false;
      throw error;
    }
  });
}

/** Provisioning and power state in the words every cloud shares. A stopped cluster is not serving: UPDATING until started. */
export function clusterStatus(provisioningState: string | undefined, powerState?: string): ClusterStatus {
  switch (provisioningState) {
    case 'Succeeded':
      return powerState === 'Stopped' ? 'UPDATING' : 'ACTIVE';
    case 'Creating':
      return 'CREATING';
    case 'Deleting':
      return 'DELETING';
    case 'Failed':
    case 'Canceled':
      return 'FAILED';
    default:
      return 'UPDATING';
  }
}

export function toClusterInfo(cluster: ManagedCluster, pools: AgentPool[], location: string): ClusterInfo {
  const host = cluster.fqdn ?? cluster.privateFqdn;
  // The system pool is Gati's own (for add-ons); callers see the pools they asked for, under their names.
  const nodePools: NodePoolInfo[] = pools.filter((p) => p.name !== SYSTEM_POOL).map((p) => ({
    name: configPoolName(p),
    instanceType: p.vmSize ?? '',
    status: clusterStatus(p.provisioningState, p.powerState?.code),
    minNodes: p.minCount ?? p.count ?? 0,
    desiredNodes: p.count ?? 0,
    maxNodes: p.maxCount ?? p.count ?? 0,
    ...(p.count !== undefined ? { currentNodes: p.count } : {}),
  }));
  return {
    name: cluster.name ?? '',
    provider: 'azure',
    status: clusterStatus(cluster.provisioningState, cluster.powerState?.code),
    ...(host ? { endpoint: `https://${host}` } : {}),
    version: cluster.kubernetesVersion ?? cluster.currentKubernetesVersion ?? '',
    region: cluster.location ?? location,
    createdAt: cluster.systemData?.createdAt ?? createdAtTag(cluster.tags) ?? new Date(0),
    nodePools,
    tags: userTags(fromAzureTags(cluster.tags)),
  };
}
