import { createHash } from 'node:crypto';
import type { Logger } from '@gati-framework/core';
import type { CertificateAuthority } from '../common/certificates.js';
import { createCertificateAuthority } from '../common/certificates.js';
import type { LoadBalancerAddress, KubernetesDelays } from '../kubernetes/cluster-context.js';
import { startKubernetesEmulator, type KubernetesEmulator } from '../kubernetes/emulator.js';
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

/**
 * Gives every EKS cluster its own emulated Kubernetes API server, which accepts
 * only EKS tokens minted for that cluster (checked by `verify`).
 */
export class KubernetesClusterBackend implements EksClusterBackend {
  readonly ca: CertificateAuthority;
  private readonly apis = new Map<string, KubernetesEmulator>();

  constructor(
    private readonly region: string,
    private readonly verify: (token: string, clusterName: string) => EksTokenCheck,
    private readonly options: KubernetesBackendOptions = {},
  ) {
    this.ca = options.ca ?? createCertificateAuthority({ commonName: 'gati-eks-emulator-ca' });
  }

  /** The Kubernetes API emulator of a cluster (for assertions), if the cluster exists. */
  api(clusterName: string): KubernetesEmulator | undefined {
    return this.apis.get(clusterName);
  }

  async attach(cluster: { name: string }): Promise<{ endpoint: string; caPem: string }> {
    const region = this.region;
    const api = await startKubernetesEmulator({
      clusterName: cluster.name,
      ca: this.ca,
      authenticate: (token) => {
        const check = this.verify(token, cluster.name);
        return check.ok ? { username: check.arn, groups: ['system:masters', 'system:authenticated'] } : undefined;
      },
      loadBalancerAddress:
        this.options.loadBalancerAddress ??
        ((o) => {
          const m = (o['metadata'] ?? {}) as { name?: string; namespace?: string; uid?: string };
          const hash = createHash('sha256').update(`${cluster.name}/${m.uid ?? ''}`).digest('hex').slice(0, 16);
          const prefix = `k8s-${m.namespace ?? 'default'}-${m.name ?? 'lb'}`.slice(0, 32);
          return { hostname: `${prefix}-${hash}.elb.${region}.amazonaws.com` };
        }),
      ...(this.options.delays ? { delays: this.options.delays } : {}),
      ...(this.options.logger ? { logger: this.options.logger } : {}),
    });
    this.apis.set(cluster.name, api);
    return { endpoint: api.url, caPem: api.caPem };
  }

  async detach(name: string): Promise<void> {
    const api = this.apis.get(name);
    this.apis.delete(name);
    await api?.close();
  }

  async close(): Promise<void> {
    const all = [...this.apis.values()];
    this.apis.clear();
    await Promise.allSettled(all.map((a) => a.close()));
  }
}
