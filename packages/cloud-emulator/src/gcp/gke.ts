import { randomBytes } from 'node:crypto';
import type { FaultInjector } from '../common/faults.js';
import { StateClock } from '../common/state-clock.js';
import type { KubernetesApiPool } from '../kubernetes/cluster-pool.js';
import { renderGcpFault } from './faults.js';
import { CLUSTER_NAME, clusterJson, clusterKey, initialPools, KUBERNETES_VERSION, LOCATION, nodePoolJson, operationJson, type ClusterRecord, type NodePoolRecord, type OperationRecord } from './shapes.js';
import { GoogleApiError } from './wire.js';

/** Delays of GKE's long-running work, in ms. */
export interface GkeTimings {
  /** Create to RUNNING (and the CREATE_CLUSTER operation to DONE). Default 300. */
  clusterCreateMs: number;
  /** Delete to gone. Default 200. */
  clusterDeleteMs: number;
  /** nodePools.create to RUNNING. Default 200. */
  nodePoolCreateMs: number;
  /** nodePools.delete to gone. Default 100. */
  nodePoolDeleteMs: number;
  /** clusters.update and nodePools.setAutoscaling: RECONCILING this long. Default 100. */
  clusterUpdateMs: number;
}

export const DEFAULT_GKE_TIMINGS: GkeTimings = { clusterCreateMs: 300, clusterDeleteMs: 200, nodePoolCreateMs: 200, nodePoolDeleteMs: 100, clusterUpdateMs: 100 };

/** Operations kept for `operations.get`/`list`; the oldest finished ones go first. */
const MAX_OPERATIONS = 1000;
/** gRPC codes an operation's `error` (google.rpc.Status) carries. */
const RPC_CODE: Record<string, number> = { RESOURCE_EXHAUSTED: 8, PERMISSION_DENIED: 7, FAILED_PRECONDITION: 9, INVALID_ARGUMENT: 3, UNAVAILABLE: 14 };

/**
 * GKE's ClusterManager state: clusters on a {@link StateClock} (PROVISIONING → RUNNING,
 * STOPPING → gone), GKE operations, "operation in progress" while a cluster is busy, and a
 * Kubernetes API per cluster from the kit's pool. `operationFaults` rules (matched against
 * `container:CreateCluster`) make a create fail later, as a DONE operation with an error.
 */
export class GkeService {
  readonly clusters: StateClock<ClusterRecord>;
  /** Node pools, keyed `CLUSTER_KEY/POOL`. */
  readonly nodePools = new StateClock<NodePoolRecord>();
  private readonly operations = new Map<string, OperationRecord>();
  /** Operations dropped from the bounded history. */
  droppedOperations = 0;

  constructor(
    private readonly timings: GkeTimings,
    private readonly pool: KubernetesApiPool,
    private readonly operationFaults: FaultInjector,
    /** Checks a create request against other APIs' state (the cluster's network); throws to refuse it. */
    private readonly checkSpec: (project: string, location: string, spec: Record<string, unknown>) => void = () => {},
  ) {
    this.clusters = new StateClock<ClusterRecord>({ onGone: (key) => void this.pool.delete(key) });
  }

  async createCluster(project: string, location: string, body: Record<string, unknown>, base: string): Promise<Record<string, unknown>> {
    checkLocation(location);
    const spec = body['cluster'];
    if (typeof spec !== 'object' || spec === null) throw new GoogleApiError('INVALID_ARGUMENT', 'Cluster.name must be specified.');
    const name = (spec as Record<string, unknown>)['name'];
    if (typeof name !== 'string' || name === '') throw new GoogleApiError('INVALID_ARGUMENT', 'Cluster.name must be specified.');
    if (!CLUSTER_NAME.test(name)) {
      throw new GoogleApiError(
        'INVALID_ARGUMENT',
        `Invalid value for field "cluster.name": "${name}". Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,38}[a-z0-9])?)' (only alphanumerics and '-' allowed, must start with a letter and end with an alphanumeric, and must be no longer than 40 characters).`,
      );
    }
    const key = clusterKey(project, location, name);
    if (this.clusters.has(key)) throw new GoogleApiError('ALREADY_EXISTS', `Already exists: projects/${project}/locations/${location}/clusters/${name}.`);
    this.checkSpec(project, location, spec as Record<string, unknown>);
    const record: ClusterRecord = { project, location, name, spec: { ...(spec as Record<string, unknown>) }, createTime: new Date().toISOString() };
    const decision = this.operationFaults.decide('container:CreateCluster', true);
    if (decision.kind === 'none') {
      const api = await this.pool.create(key, { version: KUBERNETES_VERSION });
      record.endpoint = api.endpoint.replace(/^https:\/\//, '');
      record.caPem = api.caPem;
    } else {
      const error = renderGcpFault(decision, { api: 'container', method: 'CreateCluster', project, location });
      // A quota failure inside an operation is RESOURCE_EXHAUSTED, though the synchronous answer is a 403.
      const code = decision.kind === 'quota' ? RPC_CODE['RESOURCE_EXHAUSTED'] : RPC_CODE[error.status];
      record.failure = { code: code ?? 2, message: error.message };
    }
    this.clusters.create(key, record, this.timings.clusterCreateMs);
    for (const pool of initialPools(record.spec)) {
      const poolName = String(pool['name']);
      this.nodePools.create(`${key}/${poolName}`, { clusterKey: key, name: poolName, spec: pool }, this.timings.clusterCreateMs);
    }
    const op = this.startOperation(project, location, name, 'CREATE_CLUSTER', this.timings.clusterCreateMs, record.failure);
    return operationJson(op, Date.now(), base);
  }

  getCluster(project: string, location: string, name: string, base: string): Record<string, unknown> {
    const key = clusterKey(project, location, name);
    const record = this.clusters.get(key);
    if (!record) throw notFound(project, location, name);
    return clusterJson(record, this.statusOf(key, record), base, this.poolsOf(key, record, base));
  }

  /** Clusters of a location, or of every location for `-`. */
  listClusters(project: string, location: string, base: string): Record<string, unknown> {
    const clusters = [...this.clusters.keys()]
      .map((key) => ({ key, record: this.clusters.get(key) }))
      .filter((c): c is { key: string; record: ClusterRecord } => c.record !== undefined && c.record.project === project && (location === '-' || c.record.location === location))
      .map((c) => clusterJson(c.record, this.statusOf(c.key, c.record), base, this.poolsOf(c.key, c.record, base)));
    return { clusters };
  }

  deleteCluster(project: string, location: string, name: string, base: string): Record<string, unknown> {
    const key = clusterKey(project, location, name);
    const record = this.clusters.get(key);
    if (!record) throw notFound(project, location, name);
    this.refuseWhileBusy(project, location, name);
    this.clusters.delete(key, this.timings.clusterDeleteMs);
    for (const poolKey of this.poolKeysOf(key)) this.nodePools.delete(poolKey, this.timings.clusterDeleteMs);
    const op = this.startOperation(project, location, name, 'DELETE_CLUSTER', this.timings.clusterDeleteMs);
    return operationJson(op, Date.now(), base);
  }

  createNodePool(project: string, location: string, clusterName: string, body: Record<string, unknown>, base: string): Record<string, unknown> {
    const key = this.runningCluster(project, location, clusterName);
    const spec = body['nodePool'];
    const name = typeof spec === 'object' && spec !== null ? (spec as Record<string, unknown>)['name'] : undefined;
    if (typeof name !== 'string' || !CLUSTER_NAME.test(name)) {
      throw new GoogleApiError('INVALID_ARGUMENT', `Invalid value for field "nodePool.name": "${String(name ?? '')}". Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,38}[a-z0-9])?)'.`);
    }
    if (this.nodePools.has(`${key}/${name}`)) throw new GoogleApiError('ALREADY_EXISTS', `Already exists: projects/${project}/locations/${location}/clusters/${clusterName}/nodePools/${name}.`);
    this.refuseWhileBusy(project, location, clusterName);
    this.nodePools.create(`${key}/${name}`, { clusterKey: key, name, spec: { ...(spec as Record<string, unknown>) } }, this.timings.nodePoolCreateMs);
    const op = this.startOperation(project, location, clusterName, 'CREATE_NODE_POOL', this.timings.nodePoolCreateMs, undefined, name);
    return operationJson(op, Date.now(), base);
  }

  getNodePool(project: string, location: string, clusterName: string, name: string, base: string): Record<string, unknown> {
    const key = clusterKey(project, location, clusterName);
    const cluster = this.clusters.get(key);
    const pool = this.nodePools.get(`${key}/${name}`);
    if (!cluster || !pool) throw new GoogleApiError('NOT_FOUND', `Not found: projects/${project}/locations/${location}/clusters/${clusterName}/nodePools/${name}.`);
    return nodePoolJson(cluster, pool, this.poolStatus(`${key}/${name}`, cluster), base);
  }

  listNodePools(project: string, location: string, clusterName: string, base: string): Record<string, unknown> {
    const key = clusterKey(project, location, clusterName);
    const cluster = this.clusters.get(key);
    if (!cluster) throw notFound(project, location, clusterName);
    return { nodePools: this.poolsOf(key, cluster, base) };
  }

  deleteNodePool(project: string, location: string, clusterName: string, name: string, base: string): Record<string, unknown> {
    const key = this.runningCluster(project, location, clusterName);
    if (!this.nodePools.has(`${key}/${name}`)) throw new GoogleApiError('NOT_FOUND', `Not found: projects/${project}/locations/${location}/clusters/${clusterName}/nodePools/${name}.`);
    this.refuseWhileBusy(project, location, clusterName);
    this.nodePools.delete(`${key}/${name}`, this.timings.nodePoolDeleteMs);
    const op = this.startOperation(project, location, clusterName, 'DELETE_NODE_POOL', this.timings.nodePoolDeleteMs, undefined, name);
    return operationJson(op, Date.now(), base);
  }

  /**
   * clusters.update: each `desiredX` of the ClusterUpdate becomes the cluster's `x` (what describe
   * shows), `desiredNodePoolAutoscaling` with `desiredNodePoolId` the pool's `autoscaling`. The
   * cluster is RECONCILING until the UPDATE_CLUSTER operation is done.
   */
  updateCluster(project: string, location: string, name: string, body: Record<string, unknown>, base: string): Record<string, unknown> {
    const key = this.runningCluster(project, location, name);
    this.refuseWhileBusy(project, location, name);
    const update = (body['update'] ?? {}) as Record<string, unknown>;
    const record = this.clusters.get(key);
    const poolId = typeof update['desiredNodePoolId'] === 'string' ? update['desiredNodePoolId'] : undefined;
    for (const [field, value] of Object.entries(update)) {
      if (!field.startsWith('desired') || field === 'desiredNodePoolId') continue;
      if (field === 'desiredNodePoolAutoscaling' && poolId) {
        this.setPoolField(key, clusterName(project, location, name, poolId), 'autoscaling', value);
        continue;
      }
      const target = field.charAt(7).toLowerCase() + field.slice(8);
      if (record) record.spec[target] = value;
    }
    const op = this.startOperation(project, location, name, 'UPDATE_CLUSTER', this.timings.clusterUpdateMs, undefined, poolId);
    return operationJson(op, Date.now(), base);
  }

  /** nodePools.setAutoscaling: the pool's `autoscaling`, through an UPDATE_CLUSTER operation (cluster RECONCILING meanwhile). */
  setNodePoolAutoscaling(project: string, location: string, name: string, poolName: string, body: Record<string, unknown>, base: string): Record<string, unknown> {
    const key = this.runningCluster(project, location, name);
    this.refuseWhileBusy(project, location, name);
    this.setPoolField(key, clusterName(project, location, name, poolName), 'autoscaling', body['autoscaling'] ?? {});
    const op = this.startOperation(project, location, name, 'UPDATE_CLUSTER', this.timings.clusterUpdateMs, undefined, poolName);
    return operationJson(op, Date.now(), base);
  }

  private setPoolField(key: string, label: string, field: string, value: unknown): void {
    const pool = this.nodePools.get(`${key}/${label.slice(label.lastIndexOf('/') + 1)}`);
    if (!pool) throw new GoogleApiError('NOT_FOUND', `Not found: ${label}.`);
    pool.spec[field] = value;
  }

  getOperation(project: string, location: string, id: string, base: string): Record<string, unknown> {
    const op = this.operations.get(id);
    if (!op || op.project !== project || (location !== '-' && op.location !== location)) {
      throw new GoogleApiError('NOT_FOUND', `Not found: operation ${id}.`);
    }
    return operationJson(op, Date.now(), base);
  }

  listOperations(project: string, location: string, base: string): Record<string, unknown> {
    const now = Date.now();
    const operations = [...this.operations.values()].filter((op) => op.project === project && (location === '-' || op.location === location)).map((op) => operationJson(op, now, base));
    return { operations };
  }

  /** Keys (`gke_PROJECT_LOCATION_NAME`) of the clusters that still exist, deleting ones included. */
  names(): string[] {
    return [...this.clusters.keys()];
  }

  close(): void {
    this.clusters.close();
    this.nodePools.close();
  }

  /** The key of a cluster that exists; node pool changes on a cluster in ERROR are refused as GKE does. */
  private runningCluster(project: string, location: string, name: string): string {
    const key = clusterKey(project, location, name);
    const record = this.clusters.get(key);
    if (!record) throw notFound(project, location, name);
    if (record.failure) throw new GoogleApiError('FAILED_PRECONDITION', `Cluster ${name} is in ERROR state: ${record.failure.message}`);
    return key;
  }

  private poolKeysOf(key: string): string[] {
    return [...this.nodePools.keys()].filter((k) => k.startsWith(`${key}/`));
  }

  private poolsOf(key: string, cluster: ClusterRecord, base: string): Record<string, unknown>[] {
    return this.poolKeysOf(key).flatMap((k) => {
      const pool = this.nodePools.get(k);
      return pool ? [nodePoolJson(cluster, pool, this.poolStatus(k, cluster), base)] : [];
    });
  }

  private poolStatus(key: string, cluster: ClusterRecord): string {
    const state = this.nodePools.state(key);
    if (state === 'DELETING') return 'STOPPING';
    if (state === 'CREATING') return 'PROVISIONING';
    return cluster.failure ? 'ERROR' : 'RUNNING';
  }

  private statusOf(key: string, record: ClusterRecord): string {
    const state = this.clusters.state(key);
    if (state === 'DELETING') return 'STOPPING';
    if (state === 'CREATING') return 'PROVISIONING';
    if (record.failure) return 'ERROR';
    // Adding or removing a node pool, or an update, reconciles the cluster as GKE shows it.
    const now = Date.now();
    for (const op of this.operations.values()) {
      if (op.project === record.project && op.location === record.location && op.clusterName === record.name && now < op.endAt && op.operationType !== 'CREATE_CLUSTER' && op.operationType !== 'DELETE_CLUSTER') return 'RECONCILING';
    }
    return 'RUNNING';
  }

  /** GKE refuses a second operation on a cluster while one runs (FAILED_PRECONDITION, HTTP 400). */
  private refuseWhileBusy(project: string, location: string, name: string): void {
    const now = Date.now();
    for (const op of this.operations.values()) {
      if (op.project !== project || op.location !== location || op.clusterName !== name || now >= op.endAt) continue;
      const doing = { CREATE_CLUSTER: 'creating cluster', DELETE_CLUSTER: 'deleting cluster', CREATE_NODE_POOL: 'creating node pool', DELETE_NODE_POOL: 'deleting node pool', UPDATE_CLUSTER: 'updating cluster' }[op.operationType];
      const what = op.nodePool ? `${op.nodePool} in cluster ${name}` : name;
      throw new GoogleApiError('FAILED_PRECONDITION', `Operation ${op.id} is currently ${doing} ${what}. Please wait and try again once it is done.`);
    }
  }

  private startOperation(project: string, location: string, clusterName: string, type: OperationRecord['operationType'], ms: number, error?: OperationRecord['error'], nodePool?: string): OperationRecord {
    const now = Date.now();
    const id = `operation-${now}-${randomBytes(4).toString('hex')}`;
    const op: OperationRecord = { id, project, location, clusterName, operationType: type, startTime: new Date(now).toISOString(), endAt: now + ms, ...(error ? { error } : {}), ...(nodePool ? { nodePool } : {}) };
    this.operations.set(id, op);
    if (this.operations.size > MAX_OPERATIONS) {
      const oldest = this.operations.keys().next().value;
      if (oldest !== undefined) this.operations.delete(oldest);
      this.droppedOperations++;
    }
    return op;
  }
}

function checkLocation(location: string): void {
  if (!LOCATION.test(location)) throw new GoogleApiError('INVALID_ARGUMENT', `Location "${location}" is not a valid region or zone.`);
}

function clusterName(project: string, location: string, name: string, pool: string): string {
  return `projects/${project}/locations/${location}/clusters/${name}/nodePools/${pool}`;
}

function notFound(project: string, location: string, name: string): GoogleApiError {
  return new GoogleApiError('NOT_FOUND', `Not found: projects/${project}/locations/${location}/clusters/${name}.`);
}
