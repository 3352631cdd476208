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
  operationType: 'CREATE_CLUSTER' | 'DELETE_CLUSTER';
  clusterName: string;
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

/** The cluster as `projects.locations.clusters.get` returns it (camelCase, int64 as strings). */
export function clusterJson(record: ClusterRecord, status: string, base: string): Record<string, unknown> {
  const spec = record.spec;
  const nodeConfig = { machineType: 'e2-medium', diskSizeGb: 100, diskType: 'pd-balanced', imageType: 'COS_CONTAINERD', ...(spec['nodeConfig'] as object | undefined) };
  const requestedPools = Array.isArray(spec['nodePools']) ? (spec['nodePools'] as Record<string, unknown>[]) : [];
  const initial = typeof spec['initialNodeCount'] === 'number' ? spec['initialNodeCount'] : 3;
  const pools = (requestedPools.length > 0 ? requestedPools : [{ name: 'default-pool', initialNodeCount: initial, config: nodeConfig }]).map((p): Record<string, unknown> => ({
    ...p,
    config: { ...nodeConfig, ...(p['config'] as object | undefined) },
    locations: zonesOf(record.location),
    status: status === 'RUNNING' ? 'RUNNING' : status === 'STOPPING' ? 'STOPPING' : status === 'ERROR' ? 'ERROR' : 'PROVISIONING',
    version: KUBERNETES_VERSION,
    selfLink: `${base}/v1/projects/${record.project}/locations/${record.location}/clusters/${record.name}/nodePools/${String(p['name'])}`,
  }));
  const nodesPerZone = pools.reduce((sum, p) => sum + (typeof p['initialNodeCount'] === 'number' ? p['initialNodeCount'] : 0), 0);
  const zones = zonesOf(record.location);
  return {
    ...spec,
    name: record.name,
    nodeConfig,
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
    currentNodeCount: status === 'RUNNING' ? nodesPerZone * zones.length : 0,
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
    targetLink: `${prefix}/clusters/${op.clusterName}`,
    startTime: op.startTime,
    ...(done ? { endTime: new Date(op.endAt).toISOString() } : {}),
    progress: { metrics: [{ name: 'CLUSTER_STEPS_COMPLETED', intValue: String(step) }, { name: 'CLUSTER_STEPS_TOTAL', intValue: String(total) }] },
    // gcloud treats an operation as failed when `statusMessage` is set, the client libraries look at `error`.
    ...(done && op.error ? { statusMessage: op.error.message, error: { code: op.error.code, message: op.error.message } } : {}),
  };
}
