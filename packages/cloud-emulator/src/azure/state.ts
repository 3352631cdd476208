import type { FaultInjector } from '../common/faults.js';
import { StateClock } from '../common/state-clock.js';
import type { KubernetesApiPool } from '../kubernetes/cluster-pool.js';
import { LongRunningOperations } from './lro.js';
import { AzureApiError, resourceGroupNotFound, type Json } from './wire.js';

/** Delays of Azure's long-running work, in ms. */
export interface AzureTimings {
  /** Resource group delete (after its resources are gone). Default 100. */
  resourceGroupDeleteMs: number;
  /** Virtual network or subnet create/update. Default 100. */
  networkCreateMs: number;
  /** Virtual network or subnet delete. Default 100. */
  networkDeleteMs: number;
  /** Managed cluster create to Succeeded (also updates). Default 300. */
  clusterCreateMs: number;
  /** Managed cluster delete to gone. Default 200. */
  clusterDeleteMs: number;
  /** Managed cluster stop/start. Default 200. */
  clusterPowerMs: number;
  /** Agent pool create/update to Succeeded. Default 200. */
  agentPoolCreateMs: number;
  /** Agent pool delete to gone. Default 100. */
  agentPoolDeleteMs: number;
}

export const DEFAULT_AZURE_TIMINGS: AzureTimings = {
  resourceGroupDeleteMs: 100,
  networkCreateMs: 100,
  networkDeleteMs: 100,
  clusterCreateMs: 300,
  clusterDeleteMs: 200,
  clusterPowerMs: 200,
  agentPoolCreateMs: 200,
  agentPoolDeleteMs: 100,
};

/** What every ARM resource record shares. */
export interface ArmRecord {
  /** The resource id with the caller's casing of names. */
  id: string;
  name: string;
  resourceGroup: string;
  tags: Record<string, string>;
  /** Set while a PUT on an existing resource runs: reported as `Updating` instead of `Creating`. */
  updating?: boolean;
  /** Shown instead of Creating/Updating while the running operation is an action (`Stopping`, `Starting`). */
  pendingState?: string;
  /** Set when the last create/update failed: `Failed` with this error once its operation ends. */
  failure?: { code: string; message: string };
  etag: string;
}

export interface ResourceGroupRecord extends ArmRecord {
  location: string;
  managedBy?: string;
}

export interface VirtualNetworkRecord extends ArmRecord {
  location: string;
  addressPrefixes: string[];
  resourceGuid: string;
  properties: Json;
}

export interface SubnetRecord extends ArmRecord {
  /** Key of the virtual network. */
  vnetKey: string;
  addressPrefix: string;
  properties: Json;
}

export interface ManagedClusterRecord extends ArmRecord {
  location: string;
  /** The request's `properties`, as given (agent pools live in their own clock). */
  properties: Json;
  identity?: Json;
  sku?: Json;
  powerState: 'Running' | 'Stopped';
  fqdn: string;
  createdAt: number;
  /** Kubernetes API of the cluster, once it exists. */
  endpoint?: string;
  caPem?: string;
}

export interface AgentPoolRecord extends ArmRecord {
  clusterKey: string;
  properties: Json;
}

/** Lower-cased resource id: ARM names are case-insensitive. */
export const keyOf = (id: string): string => id.toLowerCase();

/** `Creating`/`Updating`/`Deleting`/`Succeeded`/`Failed` of a record on its clock. */
export function provisioningStateOf<T extends ArmRecord>(clock: StateClock<T>, key: string, record: T): string {
  switch (clock.state(key)) {
    case 'CREATING':
      return record.pendingState ?? (record.updating ? 'Updating' : 'Creating');
    case 'DELETING':
      return 'Deleting';
    default:
      return record.failure ? 'Failed' : 'Succeeded';
  }
}

/** Whether a record's create/update or delete is still running (another PUT or DELETE gets 409). */
export function busy<T>(clock: StateClock<T>, key: string): boolean {
  const state = clock.state(key);
  return state === 'CREATING' || state === 'DELETING';
}

/** The emulated subscription's resources, each on its own state clock, and their operations. */
export class ArmState {
  readonly resourceGroups = new StateClock<ResourceGroupRecord>();
  readonly virtualNetworks = new StateClock<VirtualNetworkRecord>();
  readonly subnets = new StateClock<SubnetRecord>();
  readonly managedClusters: StateClock<ManagedClusterRecord>;
  readonly agentPools = new StateClock<AgentPoolRecord>();
  readonly operations: LongRunningOperations;

  constructor(
    readonly subscriptionId: string,
    readonly tenantId: string,
    readonly timings: AzureTimings,
    readonly pool: KubernetesApiPool,
    /** Rules here make an operation fail later, as a Failed status document (e.g. QuotaExceeded). */
    readonly operationFaults: FaultInjector,
    retryAfterSeconds: () => number,
  ) {
    this.operations = new LongRunningOperations(retryAfterSeconds);
    this.managedClusters = new StateClock<ManagedClusterRecord>({ onGone: (key) => void this.pool.delete(key) });
  }

  /** The resource group of a request, which must exist and not be deleting. */
  liveResourceGroup(name: string): ResourceGroupRecord | undefined {
    const key = keyOf(`/subscriptions/${this.subscriptionId}/resourceGroups/${name}`);
    return this.resourceGroups.state(key) === 'ACTIVE' ? this.resourceGroups.get(key) : undefined;
  }

  /** The resource group a new resource goes into: 404 when absent, 409 while it is being deleted, as ARM answers. */
  resourceGroupForWrite(name: string): ResourceGroupRecord {
    const key = keyOf(`/subscriptions/${this.subscriptionId}/resourceGroups/${name}`);
    const rg = this.resourceGroups.get(key);
    if (!rg) throw resourceGroupNotFound(name);
    if (this.resourceGroups.state(key) === 'DELETING') throw new AzureApiError(409, 'ResourceGroupBeingDeleted', `The resource group '${rg.name}' is in deprovisioning state and cannot perform this operation.`);
    return rg;
  }

  close(): void {
    for (const clock of [this.resourceGroups, this.virtualNetworks, this.subnets, this.managedClusters, this.agentPools]) clock.close();
  }
}

export const newEtag = (): string => Math.random().toString(36).slice(2, 10);
