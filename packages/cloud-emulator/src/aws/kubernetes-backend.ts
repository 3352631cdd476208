import { createHash } from 'node:crypto';
import type { Logger } from '@gati-framework/core';
import { createCertificateAuthority, type CertificateAuthority } from '../common/certificates.js';
import type { KubernetesDelays, LoadBalancerAddress } from '../kubernetes/cluster-context.js';
import { KubernetesApiPool, type ClusterLoadBalancerAddress } from '../kubernetes/cluster-pool.js';
import type { KubernetesEmulator } from '../kubernetes/emulator.js';
import type { EksClusterBackend } from './context.js';
import type { EksTokenCheck } from './token.js';

/** Options of {@link KubernetesClusterBackend}. */
export interface KubernetesBackendOptions {
  /** One CA for every cluster's API server. Default: a fresh CA. */
  ca?: CertificateAuthority;
  /** Pod, load balancer, … delays of each emulated cluster. */
  delays?: Partial<KubernetesDelays>;
  /**
   * Address given to LoadBalancer Services and Ingresses. Default: an AWS-shaped
   * hostname (`k8s-<ns>-<name>-<hash>.elb.<region>.amazonaws.com`); pass
   * `() => ({ ip: '127.0.0.1' })` to make load balancers reachable locally.
   */
  loadBalancerAddress?: LoadBalancerAddress;
  logger?: Logger;
}

/** The address style of AWS load balancers: `k8s-<ns>-<name>-<hash>.elb.<region>.amazonaws.com`. */
export function elbHostnameAddress(region: string): ClusterLoadBalancerAddress {
  return (o, clusterName) => {
    const m = (o['metadata'] ?? {}) as { name?: string; namespace?: string; uid?: string };
    const hash = createHash('sha256').update(`${clusterName}/${m.uid ?? ''}`).digest('hex').slice(0, 16);
    const prefix = `k8s-${m.namespace ?? 'default'}-${m.name ?? 'lb'}`.slice(0, 32);
    return { hostname: `${prefix}-${hash}.elb.${region}.amazonaws.com` };
  };
}

/**
 * Gives every EKS cluster its own emulated Kubernetes API server (from the kit's
 * {@link KubernetesApiPool}), which accepts only EKS tokens minted for that cluster.
 */
export class KubernetesClusterBackend implements EksClusterBackend {
  readonly ca: CertificateAuthority;
  private readonly pool: KubernetesApiPool;

  constructor(region: string, verify: (token: string, clusterName: string) => EksTokenCheck, options: KubernetesBackendOptions = {}) {
    this.ca = options.ca ?? createCertificateAuthority({ commonName: 'gati-eks-emulator-ca' });
    const custom = options.loadBalancerAddress;
    this.pool = new KubernetesApiPool({
      ca: this.ca,
      verifyToken: (token, clusterName) => {
        const check = verify(token, clusterName);
        return check.ok ? { username: check.arn, groups: ['system:masters', 'system:authenticated'] } : undefined;
      },
      loadBalancerAddress: custom ? (o) => custom(o) : elbHostnameAddress(region),
      ...(options.delays ? { delays: options.delays } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }

  /** The Kubernetes API emulator of a cluster (for assertions), if the cluster exists. */
  api(clusterName: string): KubernetesEmulator | undefined {
    return this.pool.api(clusterName);
  }

  attach(cluster: { name: string; version?: string }): Promise<{ endpoint: string; caPem: string }> {
    return this.pool.create(cluster.name, cluster.version ? { version: cluster.version } : {});
  }

  detach(name: string): Promise<void> {
    return this.pool.delete(name);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
