/** Lifecycle of a cluster, the same words on every cloud. */
export type ClusterStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING' | 'FAILED';

export interface NodePoolInfo {
  name: string;
  instanceType: string;
  status: ClusterStatus;
  minNodes: number;
  desiredNodes: number;
  maxNodes: number;
  /** Nodes actually running, when the provider reports it. */
  currentNodes?: number;
}

export interface ClusterInfo {
  name: string;
  provider: string;
  status: ClusterStatus;
  /** The API server URL (`https://...`); absent until the cloud reports it. */
  endpoint?: string;
  version: string;
  region?: string;
  createdAt: Date;
  nodePools: NodePoolInfo[];
  tags?: Record<string, string>;
}

export interface LoadBalancerInfo {
  name: string;
  namespace: string;
  clusterName: string;
  type: 'application' | 'network';
  /** Hostname or IP clients connect to. */
  endpoint: string;
  status: 'PROVISIONING' | 'ACTIVE';
}

export interface DeploymentEvent {
  at: Date;
  step: string;
  message: string;
}

export interface DeploymentResult {
  status: 'succeeded' | 'rolled_back' | 'failed';
  revision?: number;
  previousRevision?: number;
  /** The step that failed and why, when status is not `succeeded`. */
  failure?: { step: string; reason: string };
  events: DeploymentEvent[];
}

export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `nodePools.0.minNodes`; empty for the whole object. */
  path: string;
  message: string;
  code: string;
}

export interface ValidationResult {
  valid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

export type PlanAction = 'create' | 'exists' | 'update' | 'delete';

export interface PlanStep {
  /** Resource kind, e.g. `iam-role`, `vpc`, `cluster`, `node-pool`. */
  kind: string;
  name: string;
  action: PlanAction;
  detail?: string;
}

/** What `createCluster` would do, in order; computing it changes nothing. */
export interface ProvisioningPlan {
  provider: string;
  clusterName: string;
  steps: PlanStep[];
}

/** Where a stored secret lives. */
export interface SecretRef {
  name: string;
  /** Provider-specific id (ARN, resource name, URL). */
  id: string;
  version?: string;
}
