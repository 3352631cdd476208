import { randomBytes } from 'node:crypto';

/** Where an emulated EKS cluster's Kubernetes API lives (the Kubernetes API emulator, or nothing). */
export interface EksClusterBackend {
  /** Called once when a cluster is created; returns its API server URL and CA (PEM). */
  attach(cluster: { name: string; arn: string; region: string; version?: string }): { endpoint: string; caPem: string } | Promise<{ endpoint: string; caPem: string }>;
  /** Called once the cluster is gone. */
  detach(name: string): void | Promise<void>;
}

/** How long the emulated cloud takes; every field has a default suited to tests. */
export interface AwsTimings {
  /** CREATING → ACTIVE of a cluster. Default 300 ms. */
  clusterCreateMs: number;
  /** DELETING → gone of a cluster. Default 200 ms. */
  clusterDeleteMs: number;
  /** CREATING → ACTIVE of a node group. Default 200 ms. */
  nodegroupCreateMs: number;
  /** DELETING → gone of a node group. Default 150 ms. */
  nodegroupDeleteMs: number;
  /** Time after CreateRole during which EKS cannot assume the role yet. Default 0. */
  iamPropagationMs: number;
}

export const DEFAULT_TIMINGS: AwsTimings = {
  clusterCreateMs: 300,
  clusterDeleteMs: 200,
  nodegroupCreateMs: 200,
  nodegroupDeleteMs: 150,
  iamPropagationMs: 0,
};

/** What the services share: account, region, clock and cross-service lookups. */
export interface AwsContext {
  region: string;
  accountId: string;
  timings: AwsTimings;
  availabilityZones: readonly string[];
  now(): number;
}

/** `prefix-` + 17 hex digits, the shape of EC2 ids. */
export function ec2Id(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

/** Upper-case alphanumerics, the shape of IAM unique ids after their prefix. */
export function iamUniqueId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(17);
  return prefix + [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}
