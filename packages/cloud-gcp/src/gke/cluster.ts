import { ensure, GatiError, ownershipTags, type ClusterConfig, type ClusterInfo, type ClusterStatus, type NodePoolConfig, type Operation, type PlanStep } from '@gati-framework/core';
import type { ClusterManagerClient, protos } from '@google-cloud/container';
import { failedOperation, grpcStatus } from '../errors/gcp-errors.js';
import { fromLabels, toLabels } from '../labels/labels.js';
import { PODS_RANGE, SERVICES_RANGE } from '../network/network.js';
import type { ResolvedGcpConfig } from '../provider/config.js';

type ICluster = protos.google.container.v1.ICluster;
type INodePool = protos.google.container.v1.INodePool;
type IOperation = protos.google.container.v1.IOperation;

/** Where clusters live: `projects/P/locations/L`. */
export function parentOf(gcp: ResolvedGcpConfig): string {
  return `projects/${gcp.projectId}/locations/${gcp.location}`;
}

const clusterPath = (gcp: ResolvedGcpConfig, name: string): string => `${parentOf(gcp)}/clusters/${name}`;

/** Enum values arrive as names over REST and gRPC (gax decodes with `enums: String`); numbers only from hand-built objects. */
const enumName = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''));

/**
 * Label on clusters created with `gcp.deletionProtection`: container v1 6.10's protos carry no
 * `deletionProtection` field, so Gati enforces it itself and deleteCluster refuses.
 */
export const DELETION_PROTECTION_LABEL = 'gati-dev_deletion-protection';

/** The cluster, or undefined when GKE answers NOT_FOUND. */
export async function readCluster(client: ClusterManagerClient, gcp: ResolvedGcpConfig, name: string): Promise<ICluster | undefined> {
  try {
    const [cluster] = await client.getCluster({ name: clusterPath(gcp, name) });
    return cluster;
  } catch (error) {
    if (grpcStatus(error) === 'NOT_FOUND') return undefined;
    throw error;
  }
}

/** Polls a GKE operation (not a google.longrunning one) until DONE; DONE with an error or a status message is a failure. */
export async function waitOperation(op: Operation, client: ClusterManagerClient, gcp: ResolvedGcpConfig, started: IOperation, what: string, resource: string): Promise<void> {
  const id = String(started.name ?? '');
  // Without an operation to follow, nothing says the change was made: fail rather than pass.
  if (id === '') throw new GatiError('PROVIDER_ERROR', `${what}: GKE answered without an operation to follow.`, { provider: 'gcp', retryable: false, details: { resource } });
  const name = id.includes('/') ? id : `${parentOf(gcp)}/operations/${id}`;
  await op.wait(resource, async () => {
    const [o] = await client.getOperation({ name });
    if (enumName(o.status) === 'DONE') {
      if (o.error?.message || o.statusMessage) throw failedOperation(what, o);
      return { done: true, value: undefined };
    }
    const stage = o.progress?.metrics?.find((m) => m.name === 'CLUSTER_CONFIGURING' || m.name === 'NODE_POOLS_CREATING');
    return { done: false, message: `${enumName(o.operationType)} ${enumName(o.status)}${stage ? ` (${stage.name})` : ''}` };
  });
}

const TAINT_EFFECT = { NoSchedule: 'NO_SCHEDULE', PreferNoSchedule: 'PREFER_NO_SCHEDULE', NoExecute: 'NO_EXECUTE' } as const;

/** Zones a regional cluster spreads each pool over (GKE's default is three). */
const REGIONAL_ZONES = 3;

/** The GKE node pool of a config pool. Regional node counts are per zone, so totals use totalMin/MaxNodeCount. */
export function nodePoolBody(config: ClusterConfig, pool: NodePoolConfig, gcp: ResolvedGcpConfig): INodePool {
  const regional = !gcp.zone;
  const zones = config.network?.availabilityZones?.length ?? (regional ? REGIONAL_ZONES : 1);
  return {
    name: pool.name,
    initialNodeCount: Math.max(1, Math.ceil(pool.desiredNodes / zones)),
    config: {
      machineType: pool.instanceType,
      ...(pool.diskSizeGb ? { diskSizeGb: pool.diskSizeGb } : {}),
      labels: pool.labels ?? {},
      taints: (pool.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: TAINT_EFFECT[t.effect] })),
      resourceLabels: toLabels(ownershipTags(config.name, `node-pool-${pool.name}`, config.tags)),
      oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      workloadMetadataConfig: { mode: 'GKE_METADATA' },
    },
    autoscaling: regional
      ? { enabled: true, totalMinNodeCount: pool.minNodes, totalMaxNodeCount: pool.maxNodes, locationPolicy: 'BALANCED' }
      : { enabled: true, minNodeCount: pool.minNodes, maxNodeCount: pool.maxNodes },
    management: { autoRepair: true, autoUpgrade: true },
    upgradeSettings: { strategy: 'SURGE', maxSurge: 1, maxUnavailable: 0 },
  };
}

/** The GKE cluster of a config: VPC-native, Workload Identity, shielded nodes, private nodes when asked, every pool inline (no default pool). */
export function clusterBody(config: ClusterConfig, gcp: ResolvedGcpConfig, net: { network: string; subnetwork: string }): ICluster {
  const labels = toLabels(ownershipTags(config.name, 'cluster', config.tags));
  if (gcp.deletionProtection) labels[DELETION_PROTECTION_LABEL] = 'true';
  return {
    name: config.name,
    description: `Created by Gati for cluster ${config.name}`,
    initialClusterVersion: config.version,
    resourceLabels: labels,
    releaseChannel: { channel: gcp.releaseChannel },
    // VPC-native: pods and Services take their IPs from the subnetwork's secondary ranges.
    network: net.network,
    subnetwork: net.subnetwork,
    ipAllocationPolicy: { useIpAliases: true, clusterSecondaryRangeName: PODS_RANGE, servicesSecondaryRangeName: SERVICES_RANGE },
    workloadIdentityConfig: { workloadPool: `${gcp.projectId}.svc.id.goog` },
    shieldedNodes: { enabled: true },
    ...(config.network?.privateNetworking ? { privateClusterConfig: { enablePrivateNodes: true, masterIpv4CidrBlock: gcp.masterIpv4CidrBlock } } : {}),
    ...(config.network?.availabilityZones ? { locations: config.network.availabilityZones } : {}),
    nodePools: config.nodePools.map((p) => nodePoolBody(config, p, gcp)),
  };
}

/** Waits until the cluster is RUNNING; ERROR/DEGRADED is reported with GKE's status message and left in place. */
async function untilRunning(op: Operation, client: ClusterManagerClient, gcp: ResolvedGcpConfig, name: string): Promise<ICluster> {
  return op.wait(`cluster/${name}`, async () => {
    const cluster = await readCluster(client, gcp, name);
    if (!cluster) throw new GatiError('NOT_FOUND', `Cluster ${name} disappeared while Gati waited for it.`, { provider: 'gcp' });
    const status = enumName(cluster.status);
    if (status === 'RUNNING') return { done: true, value: cluster };
    if (status === 'ERROR' || status === 'DEGRADED') {
      throw failedOperation(`creating cluster ${name} (GKE left it ${status}; delete it, or fix the cause and call createCluster again)`, { statusMessage: cluster.statusMessage ?? status });
    }
    return { done: false, message: `cluster ${name} is ${status}` };
  });
}

/** Finds or creates the cluster (adopting one whose create answer was lost) and waits until it is RUNNING. */
export async function ensureCluster(op: Operation, client: ClusterManagerClient, gcp: ResolvedGcpConfig, config: ClusterConfig, net: { network: string; subnetwork: string }): Promise<ICluster> {
  const what = `creating cluster ${config.name}`;
  const resource = `gke-cluster/${config.name}`;
  await ensure<unknown>(op, {
    what,
    resource,
    find: () => op.call(`reading cluster ${config.name}`, () => readCluster(client, gcp, config.name), resource),
    create: async () => {
      op.step(resource, 'started', `creating GKE cluster ${config.name} in ${gcp.location}`);
      const [started] = await client.createCluster({ parent: parentOf(gcp), cluster: clusterBody(config, gcp, net) });
      await waitOperation(op, client, gcp, started, what, resource);
      return true;
    },
  });
  return untilRunning(op, client, gcp, config.name);
}

/** Finds or creates one node pool (a pool added to the config after the cluster was made) and waits until it is RUNNING. */
export async function ensureNodePool(op: Operation, client: ClusterManagerClient, gcp: ResolvedGcpConfig, config: ClusterConfig, pool: NodePoolConfig): Promise<INodePool> {
  const path = `${clusterPath(gcp, config.name)}/nodePools/${pool.name}`;
  const resource = `node-pool/${config.name}/${pool.name}`;
  const what = `creating node pool ${pool.name} of ${config.name}`;
  const read = async (): Promise<INodePool | undefined> => {
    try {
      return (await client.getNodePool({ name: path }))[0];
    } catch (error) {
      if (grpcStatus(error) === 'NOT_FOUND') return undefined;
      throw error;
    }
  };
  await ensure<unknown>(op, {
    what,
    resource,
    find: () => op.call(`reading node pool ${pool.name}`, read, resource),
    create: async () => {
      const [started] = await client.createNodePool({ parent: clusterPath(gcp, config.name), nodePool: nodePoolBody(config, pool, gcp) });
      await waitOperation(op, client, gcp, started, what, resource);
      return true;
    },
  });
  return op.wait(resource, async () => {
    const found = await read();
    if (!found) throw new GatiError('NOT_FOUND', `Node pool ${pool.name} disappeared while Gati waited for it.`, { provider: 'gcp' });
    const status = enumName(found.status);
    if (status === 'RUNNING') return { done: true, value: found };
    if (status === 'ERROR') throw failedOperation(what, { statusMessage: found.statusMessage ?? 'node pool in ERROR' });
    return { done: false, message: `node pool ${pool.name} is ${status}` };
  });
}

/** Deletes the cluster (GKE removes its node pools with it) and waits until it is gone. False when there was none. */
export async function deleteGke(op: Operation, client: ClusterManagerClient, gcp: ResolvedGcpConfig, name: string): Promise<boolean> {
  const resource = `gke-cluster/${name}`;
  const cluster = await op.call(`reading cluster ${name}`, () => readCluster(client, gcp, name), resource);
  if (!cluster) return false;
  if (cluster.resourceLabels?.[DELETION_PROTECTION_LABEL] === 'true') {
    throw new GatiError('CONFLICT', `Cluster ${name} was created with gcp.deletionProtection: remove the label ${DELETION_PROTECTION_LABEL} from it first.`, { provider: 'gcp', retryable: false });
  }
  if (enumName(cluster.status) !== 'STOPPING') {
    let started: IOperation | undefined;
    // "Operation in progress" (CONFLICT) is retried by op.call; NOT_FOUND means a lost answer already deleted it.
    await op.change(`deleting cluster ${name}`, async () => {
      [started] = await client.deleteCluster({ name: clusterPath(gcp, name) });
    }, resource);
    if (started) await waitOperation(op, client, gcp, started, `deleting cluster ${name}`, resource);
  }
  await op.wait(resource, async () => ((await readCluster(client, gcp, name)) ? { done: false, message: `cluster ${name} is STOPPING` } : { done: true, value: undefined }));
  return true;
}

/** What createCluster would do with the cluster and its pools. */
export async function planGke(op: Operation, client: ClusterManagerClient, gcp: ResolvedGcpConfig, config: ClusterConfig): Promise<PlanStep[]> {
  const cluster = await op.call(`reading cluster ${config.name}`, () => readCluster(client, gcp, config.name));
  const existing = new Set((cluster?.nodePools ?? []).map((p) => p.name));
  const kind = gcp.zone ? 'zonal' : 'regional';
  return [
    { kind: 'cluster', name: config.name, action: cluster ? 'exists' : 'create', detail: `${kind} GKE cluster in ${gcp.location}, ${gcp.releaseChannel} channel, VPC-native, Workload Identity${config.network?.privateNetworking ? ', private nodes' : ''}` },
    ...config.nodePools.map((p): PlanStep => ({ kind: 'node-pool', name: p.name, action: existing.has(p.name) ? 'exists' : 'create', detail: `${p.instanceType}, ${p.minNodes}-${p.maxNodes} nodes` })),
  ];
}

const STATUS: Record<string, ClusterStatus> = { PROVISIONING: 'CREATING', RUNNING: 'ACTIVE', RECONCILING: 'UPDATING', STOPPING: 'DELETING', ERROR: 'FAILED', DEGRADED: 'FAILED' };

export function mapStatus(status: unknown): ClusterStatus {
  return STATUS[enumName(status)] ?? 'CREATING';
}

export function toClusterInfo(cluster: ICluster, gcp: ResolvedGcpConfig): ClusterInfo {
  return {
    name: cluster.name ?? '',
    provider: 'gcp',
    status: mapStatus(cluster.status),
    ...(cluster.endpoint ? { endpoint: `https://${cluster.endpoint}` } : {}),
    // The minor version, as configured (GKE reports e.g. 1.33.5-gke.1080000).
    version: (cluster.currentMasterVersion ?? cluster.initialClusterVersion ?? '').replace(/^(\d+\.\d+)\..*$/, '$1'),
    region: gcp.location,
    createdAt: cluster.createTime ? new Date(cluster.createTime) : new Date(),
    nodePools: (cluster.nodePools ?? []).map((p) => ({
      name: p.name ?? '',
      instanceType: p.config?.machineType ?? '',
      status: mapStatus(p.status),
      minNodes: p.autoscaling?.totalMinNodeCount ?? p.autoscaling?.minNodeCount ?? 0,
      desiredNodes: p.initialNodeCount ?? 0,
      maxNodes: p.autoscaling?.totalMaxNodeCount ?? p.autoscaling?.maxNodeCount ?? 0,
    })),
    tags: fromLabels(cluster.resourceLabels),
  };
}
