import { z } from 'zod';
import type { ClusterConfigInput } from '../config/cluster.js';
import type { LoadBalancerConfigInput, LoadBalancerRef } from '../config/load-balancer.js';
import type { ClusterInfo, LoadBalancerInfo, ProvisioningPlan, SecretRef, ValidationResult } from '../config/results.js';
import type { DeleteSecretOptions, SecretConfig } from '../config/secret.js';
import type { Logger } from '../logging/logger.js';
import type { OperationOptions } from '../progress/progress.js';

/** Settings every provider accepts; provider packages extend it with their own fields. */
export const BaseProviderConfigSchema = z.looseObject({
  region: z.string().min(1).optional(),
  /** API endpoint override (emulators, private endpoints). */
  endpoint: z.url().optional(),
});

export type BaseProviderConfig = z.infer<typeof BaseProviderConfigSchema> & {
  logger?: Logger;
};

/** Options of `getKubeconfig`. */
export interface KubeconfigOptions {
  /**
   * `exec` (default) writes a user that runs the cloud's CLI plugin for tokens;
   * `token` embeds a freshly minted, short-lived token.
   */
  auth?: 'exec' | 'token';
}

/** The contract every cloud provider implements. Every failure rejects with a GatiError. */
export interface ICloudProvider {
  /** `aws`, `gcp`, `azure`, or a third-party name. */
  readonly name: string;
  initialize(config: BaseProviderConfig): Promise<void>;
  /** Checks a cluster config without calling the cloud; never throws on bad input. */
  validateConfig(config: unknown): Promise<ValidationResult>;
  /** Dry run of `createCluster`: each step `create` or `exists`; changes nothing. */
  planCluster(config: ClusterConfigInput): Promise<ProvisioningPlan>;
  /** Creates (or completes) the cluster and its node pools and waits until ACTIVE. Idempotent. */
  createCluster(config: ClusterConfigInput, options?: OperationOptions): Promise<ClusterInfo>;
  deleteCluster(name: string, options?: OperationOptions): Promise<void>;
  getCluster(name: string): Promise<ClusterInfo>;
  /** A kubeconfig (YAML) for the cluster: server, CA and a user. */
  getKubeconfig(clusterName: string, options?: KubeconfigOptions): Promise<string>;
  createLoadBalancer(config: LoadBalancerConfigInput, options?: OperationOptions): Promise<LoadBalancerInfo>;
  deleteLoadBalancer(ref: LoadBalancerRef, options?: OperationOptions): Promise<void>;
  /** Creates or overwrites the secret. */
  storeSecret(config: SecretConfig): Promise<SecretRef>;
  retrieveSecret(name: string): Promise<Record<string, string>>;
  deleteSecret(name: string, options?: DeleteSecretOptions): Promise<void>;
  /** Releases clients and sockets; idempotent. */
  close(): Promise<void>;
}
