import { createHash } from 'node:crypto';

/** What a cluster's create request asked for, kept for describe. */
export interface ClusterRecord {
  project: string;
  location: string;
  name: string;
  /** The request's `cluster` object as sent (unknown fields are echoed back, as GKE keeps them). */
  spec: Record<string, unknown>;
  createTime: string;
  /** Set when the create operation failed (e.g. quota): the cluster stays in ERROR until deleted. */
  failure?: { code: number; message: string };
  /** `IP:port` of the cluster's Kubernetes API and its CA, once started. */
  endpoint?: string;
  caPem?: string;
}

/** A GKE `Operation` (not a google.longrunning one): RUNNING until `endAt`, then DONE. */
export interface OperationRecord {
  id: string;
  project: string;
  location: string;
  operationType: 'CREATE_CLUSTER' | 'DELETE_CLUSTER' | 'CREATE_NODE_POOL' | 'DELETE_NODE_POOL' | 'UPDATE_CLUSTER';
  clusterName: string;
  nodePool?: string;
  startTime: string;
  endAt: number;
  error?: { code: number; message: string };
}

/** GKE's cluster name rule, and the message it answers a bad name with. */
export const CLUSTER_NAME = /^[a-z](?:[-a-z0-9]{0,38}[a-z0-9])?$/;
export const LOCATION = /^[a-z]+-[a-z]+[0-9]+(?:-[a-z])?$/;
export const KUBERNETES_VERSION = '1.33.5-gke.1080000';

/** A stable, plausible project number for a project id (GKE returns numbers in links and names). */
export function projectNumber(project: string): string {
  const n = createHash('sha256').update(project).digest().readUInt32BE(0);
  return String(100_000_000_000 + n);
}

export function isZone(location: string): boolean {
  return /-[a-z]$/.test(location);
}

function zonesOf(location: string): string[] {
  return isZone(location) ? [location] : ['b', 'c', 'd'].map((z) => `${location}-${z}`);
}

export function clusterKey(project: string, location: string, name: string): string {
  return `gke_${project}_${location}_${name}`;
}

/** A node pool: the request's `nodePool` (or one of the cluster's initial pools). */
export interface NodePoolRecord {
  clusterKey: string;
  name: string;
  spec: Record<string, unknown>;
}

const NODE_CONFIG_DEFAULTS = { machineType: 'e2-medium', diskSizeGb: 100, diskType: 'pd-balanced', imageType: 'COS_CONTAINERD' };

/** The cluster's node pools as its create request asks: `nodePools`, or one `default-pool` of `initialNodeCount` (3). */
export function initialPools(spec: Record<string, unknown>): Record<string, unknown>[] {
  const requested = Array.isArray(spec['nodePools']) ? (spec['nodePools'] as Record<string, unknown>[]) : [];
  if (requested.length > 0) return requested.map((p) => ({ ...p, config: { ...(spec['nodeConfig'] as object | undefined), ...(p['config'] as object | undefined) } }));
  const initial = typeof spec['initialNodeCount'] === 'number' ? spec['initialNodeCount'] : 3;
  return [{ name: 'default-pool', initialNodeCount: initial, config: { ...(spec['nodeConfig'] as object | undefined) } }];
}

/** A node pool as `nodePools.get` returns it. */
export function nodePoolJson(cluster: ClusterRecord, pool: NodePoolRecord, status: string, base: string): Record<string, unknown> {
  return {
    ...pool.spec,
    name: pool.name,
    config: { ...NODE_CONFIG_DEFAULTS, ...(pool.spec['config'] as object | undefined) },
    locations: zonesOf(cluster.location),
    status,
    version: KUBERNETES_VERSION,
    selfLink: `${base}/v1/projects/${cluster.project}/locations/${cluster.location}/clusters/${cluster.name}/nodePools/${pool.name}`,
  };
}

/** The cluster as `projects.locations.clusters.get` returns it (camelCase, int64 as strings). */
export function clusterJson(record: ClusterRecord, status: string, base: string, pools: Record<string, unknown>[]): Record<string, unknown> {
  const spec = record.spec;
  const zones = zonesOf(record.location);
  const nodes = pools.filter((p) => p['status'] === 'RUNNING').reduce((sum, p) => sum + (typeof p['initialNodeCount'] === 'number' ? p['initialNodeCount'] : 0), 0) * zones.length;
  return {
    ...spec,
    name: record.name,
    nodeConfig: { ...NODE_CONFIG_DEFAULTS, ...(spec['nodeConfig'] as object | undefined) },
    nodePools: pools,
    network: spec['network'] ?? 'default',
    subnetwork: spec['subnetwork'] ?? 'default',
    location: record.location,
    zone: record.location,
    locations: zones,
    status,
    ...(record.failure ? { statusMessage: record.failure.message } : {}),
    ...(record.endpoint ? { endpoint: record.endpoint } : {}),
    masterAuth: record.caPem ? { clusterCaCertificate: Buffer.from(record.caPem).toString('base64') } : {},
    initialClusterVersion: KUBERNETES_VERSION,
    currentMasterVersion: KUBERNETES_VERSION,
    currentNodeVersion: KUBERNETES_VERSION,
    currentNodeCount: status === 'RUNNING' ? nodes : 0,
    createTime: record.createTime,
    selfLink: `${base}/v1/projects/${record.project}/locations/${record.location}/clusters/${record.name}`,
    id: createHash('sha256').update(clusterKey(record.project, record.location, record.name) + record.createTime).digest('hex').slice(0, 32),
  };
}

/** The operation as `projects.locations.operations.get` returns it. */
export function operationJson(op: OperationRecord, now: number, base: string): Record<string, unknown> {
  const done = now >= op.endAt;
  const total = 100;
  const step = done ? total : Math.min(total - 1, Math.floor(((now - Date.parse(op.startTime)) / Math.max(1, op.endAt - Date.parse(op.startTime))) * total));
  const prefix = `${base}/v1/projects/${projectNumber(op.project)}/locations/${op.location}`;
  return {
    name: op.id,
    zone: op.location,
    location: op.location,
    operationType: op.operationType,
    status: done ? 'DONE' : 'RUNNING',
    selfLink: `${prefix}/operations/${op.id}`,
    targetLink: `${prefix}/clusters/${op.clusterName}${op.nodePool ? `/nodePools/${op.nodePool}` : ''}`,
    startTime: op.startTime,
    ...(done ? { endTime: new Date(op.endAt).toISOString() } : {}),
    progress: { metrics: [{ name: 'CLUSTER_STEPS_COMPLETED', intValue: String(step) }, { name: 'CLUSTER_STEPS_TOTAL', intValue: String(total) }] },
    // gcloud treats an operation as failed when `statusMessage` is set, the client libraries look at `error`.
    ...(done && op.error ? { statusMessage: op.error.message, error: { code: op.error.code, message: op.error.message } } : {}),
  };
}
