import type { IncomingMessage } from 'node:http';
import { GatiError, noopLogger, type Logger } from '@gati-framework/core';
import type { Identity } from '../common/auth.js';
import { createCertificateAuthority, type CertificateAuthority } from '../common/certificates.js';
import type { RequestLog } from '../common/request-log.js';
import type { FailureModes, KubernetesDelays } from './cluster-context.js';
import { startKubernetesEmulator, type KubernetesEmulator } from './emulator.js';
import type { JsonObject } from './merge.js';

/** Checks a bearer token sent to one cluster's API: the identity, or `undefined` for 401 (e.g. an EKS token minted for another cluster). */
export type ClusterTokenVerifier = (token: string, clusterName: string, request: IncomingMessage) => Identity | undefined | Promise<Identity | undefined>;

/** The external address a cloud gives a LoadBalancer Service or Ingress of one cluster. */
export type ClusterLoadBalancerAddress = (object: JsonObject, clusterName: string) => { ip?: string; hostname?: string };

/** Options of {@link KubernetesApiPool}. */
export interface KubernetesApiPoolOptions {
  /** The cloud's token check (AWS: EKS `k8s-aws-v1.` tokens; GCP/Azure: theirs). */
  verifyToken: ClusterTokenVerifier;
  /** Load balancer address style. Default `{ ip: '127.0.0.1' }` (reachable locally). */
  loadBalancerAddress?: ClusterLoadBalancerAddress;
  /** CA of every cluster's API server. Default: a fresh CA for this pool. */
  ca?: CertificateAuthority;
  /** Pod, load balancer, … delays of each cluster. */
  delays?: Partial<KubernetesDelays>;
  failureModes?: Partial<FailureModes>;
  /** Address the API servers listen on. Default `127.0.0.1`. */
  host?: string;
  /** A log every cluster's requests also go to (service `kubernetes`). */
  requestLog?: RequestLog;
  logger?: Logger;
}

/** Load balancers get the loopback address (or `ip`): what a local demo can reach. */
export function ipLoadBalancerAddress(ip = '127.0.0.1'): ClusterLoadBalancerAddress {
  return () => ({ ip });
}

/**
 * One emulated Kubernetes API server per cloud cluster, shared by every cloud module: the
 * module creates one when its cluster is created and deletes it when the cluster is gone,
 * passing its own token check and load-balancer address style.
 */
export class KubernetesApiPool {
  readonly ca: CertificateAuthority;
  private readonly apis = new Map<string, Promise<KubernetesEmulator>>();
  private readonly started = new Map<string, KubernetesEmulator>();
  private closed = false;

  constructor(private readonly options: KubernetesApiPoolOptions) {
    this.ca = options.ca ?? createCertificateAuthority({ commonName: 'gati-cluster-emulator-ca' });
  }

  /**
   * Starts the API server of `clusterName` (or returns the running one): its URL and CA.
   * `version` (`1.33`, `1.33.5`, `v1.33.5-gke.1`) is what its `/version` reports; default v1.31.0.
   */
  async create(clusterName: string, options: { version?: string } = {}): Promise<{ endpoint: string; caPem: string }> {
    if (this.closed) throw new GatiError('UNAVAILABLE', 'The Kubernetes API pool is closed: create clusters before closing the emulator.');
    let pending = this.apis.get(clusterName);
    if (!pending) {
      pending = this.start(clusterName, options.version);
      this.apis.set(clusterName, pending);
      pending.then(
        (api) => this.started.set(clusterName, api),
        () => this.apis.delete(clusterName),
      );
    }
    const api = await pending;
    return { endpoint: api.url, caPem: api.caPem };
  }

  /** The running API server of a cluster (for assertions), if any. */
  api(clusterName: string): KubernetesEmulator | undefined {
    return this.started.get(clusterName);
  }

  /** Names of the clusters with a running API server. */
  names(): string[] {
    return [...this.started.keys()];
  }

  /** Stops the API server of `clusterName`; nothing happens when there is none. */
  async delete(clusterName: string): Promise<void> {
    const pending = this.apis.get(clusterName);
    this.apis.delete(clusterName);
    this.started.delete(clusterName);
    const api = await pending?.catch(() => undefined);
    await api?.close();
  }

  /** Stops every API server; idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.apis.values()];
    this.apis.clear();
    this.started.clear();
    await Promise.allSettled(all.map(async (p) => (await p).close()));
  }

  private start(clusterName: string, version: string | undefined): Promise<KubernetesEmulator> {
    const o = this.options;
    const address = o.loadBalancerAddress ?? ipLoadBalancerAddress();
    return startKubernetesEmulator({
      clusterName,
      ca: this.ca,
      authenticate: (token, request) => o.verifyToken(token, clusterName, request),
      loadBalancerAddress: (object) => address(object, clusterName),
      logger: o.logger ?? noopLogger,
      ...(o.host ? { host: o.host } : {}),
      ...(version ? { version: gitVersion(version) } : {}),
      ...(o.delays ? { delays: o.delays } : {}),
      ...(o.failureModes ? { failureModes: o.failureModes } : {}),
      ...(o.requestLog ? { requestLog: o.requestLog } : {}),
    });
  }
}

/** A cloud's version string as Kubernetes' `gitVersion`: `1.33` → `v1.33.0`, `1.33.5-gke.1` → `v1.33.5-gke.1`. */
export function gitVersion(version: string): string {
  const v = version.startsWith('v') ? version : `v${version}`;
  return /^v\d+\.\d+$/.test(v) ? `${v}.0` : v;
}
