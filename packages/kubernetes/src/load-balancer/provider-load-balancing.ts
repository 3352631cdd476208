import type { LoadBalancing, Logger, Operation } from '@gati-framework/core';
import { KubeClient } from '../client/kube-client.js';
import type { LoadBalancerAnnotations } from './annotations.js';
import { createLoadBalancer, deleteAllLoadBalancers, deleteLoadBalancer } from './load-balancer.js';

/** What a cloud provider hands over for its load balancers. */
export interface ProviderLoadBalancingOptions {
  /** The cloud in errors (`GatiError.provider`). */
  provider: string;
  /** The cloud's annotations on Services and Ingresses. */
  annotations: LoadBalancerAnnotations;
  /** A kubeconfig with an embedded, freshly minted token (`getKubeconfig(name, { auth: 'token' })`). */
  kubeconfig: (clusterName: string) => Promise<string>;
  /** The provider's logger at the time of the call (it changes on `initialize`). */
  logger: () => Logger;
}

/** Errors after which deleting a cluster must stop rather than leave its load balancers behind unnoticed. */
const FATAL = new Set(['ABORTED', 'TIMEOUT', 'PERMISSION_DENIED']);

/**
 * Core's `LoadBalancing` slot for a managed-Kubernetes cloud: load balancers are Services and
 * Ingresses that the cloud's controllers turn into its own load balancers, reached with a token
 * kubeconfig of the cluster.
 */
export function kubernetesLoadBalancing(options: ProviderLoadBalancingOptions): LoadBalancing {
  const { provider, annotations } = options;
  const kube = async (clusterName: string): Promise<KubeClient> => KubeClient.fromKubeconfig(await options.kubeconfig(clusterName), { logger: options.logger() });
  return {
    create: (input, call) => createLoadBalancer(input, { ...call, kube, annotations, provider }),
    delete: (ref, call) => deleteLoadBalancer(ref, { ...call, kube, provider }),
    deleteAll: async (clusterName: string, op: Operation): Promise<number> => {
      try {
        // Progress relayed through the cluster's operation: its name and elapsed time, not a nested one's.
        const count = await deleteAllLoadBalancers(clusterName, { kube, provider, ...(op.signal ? { signal: op.signal } : {}), timeoutMs: op.remainingMs(), onProgress: (e) => op.step(e.resource, e.phase, e.message) });
        if (count > 0) options.logger().info('deleted load balancers before the cluster', { cluster: clusterName, count });
        return count;
      } catch (error) {
        const mapped = op.errors.mapError(error, `deleting the load balancers of ${clusterName}`);
        if (FATAL.has(mapped.code)) throw mapped;
        options.logger().warn('could not reach the cluster to delete its load balancers; continuing', { cluster: clusterName, code: mapped.code, error: mapped.message });
        return 0;
      }
    },
  };
}
