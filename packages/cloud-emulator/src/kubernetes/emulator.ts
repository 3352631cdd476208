import { randomBytes } from 'node:crypto';
import { noopLogger, renderKubeconfig, type Logger } from '@gati-framework/core';
import { staticTokenVerifier, type TokenVerifier } from '../common/auth.js';
import type { CertificateAuthority } from '../common/certificates.js';
import { startHttpsEmulatorServer, type HttpsEmulatorServer } from '../common/https-server.js';
import { RequestLog } from '../common/request-log.js';
import { resolveDelays, TimerGroup } from '../common/timers.js';
import { KubeApiHandler } from './api-server.js';
import { DEFAULT_FAILURE_MODES, DEFAULT_KUBERNETES_DELAYS, type FailureModes, type KubernetesDelays, type LoadBalancerAddress, type, } from './cluster-context.js';
import { ControllerManager } from './controller-manager.js';
import { EventRecorder } from './events.js';
import type { JsonObject } from './merge.js';
import { ObjectStore } from './store.js';

/** Options of {@link startKubernetesEmulator}; all optional. */
export interface KubernetesEmulatorOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Cluster (and kubeconfig context) name. Default `gati-emulator`. */
  clusterName?: string;
  /** Reported by `/version`. Default `v1.31.0`. */
  version?: string;
  /** Bearer token accepted by the default verifier and written into `kubeconfig()`. Default: random. */
  token?: string;
  /** Replaces the token check (e.g. verify EKS tokens); `token` is then only written into `kubeconfig()`. */
  authenticate?: TokenVerifier;
  delays?: Partial<KubernetesDelays>;
  failureModes?: Partial<FailureModes>;
  /** External address of LoadBalancer Services and Ingresses. Default `{ ip: '127.0.0.1' }`. */
  loadBalancerAddress?: LoadBalancerAddress;
  /** Share a CA with other emulators (one trust root for the CLI). Default: a fresh CA. */
  ca?: CertificateAuthority;
  requestLog?: RequestLog;
  /** Longest watch when the client sets no timeout. Default 30 minutes. */
  maxWatchMs?: number;
  /** Changes kept for watch resumption; older resourceVersions get 410 Gone. Default 5000. */
  watchHistory?: number;
  logger?: Logger;
}

/** A running emulated Kubernetes API server. */
export interface KubernetesEmulator {
  /** `https://127.0.0.1:PORT` */
  readonly url: string;
  readonly caPem: string;
  readonly token: string;
  readonly clusterName: string;
  readonly requestLog: RequestLog;
  /** Direct access to the object store (read objects, compact history) for tests. */
  readonly store: ObjectStore;
  /** A kubeconfig (YAML) for this cluster with the bearer token. */
  kubeconfig(options?: { namespace?: string; token?: string }): string;
  /** Reads an object without going through HTTP (tests, assertions). */
  getObject(kind: string, namespace: string | undefined, name: string): JsonObject | undefined;
  listObjects(kind: string, namespace?: string): JsonObject[];
  close(): Promise<void>;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Starts an emulated Kubernetes API server (HTTPS, bearer auth) with its controllers. */
export async function startKubernetesEmulator(options: KubernetesEmulatorOptions = {}): Promise<KubernetesEmulator> {
  const logger = options.logger ?? noopLogger;
  const token = options.token ?? randomBytes(24).toString('base64url');
  const clusterName = options.clusterName ?? 'gati-emulator';
  const store = new ObjectStore(options.watchHistory ?? 5000);
  const timers = new TimerGroup();
  const requestLog = options.requestLog ?? new RequestLog();
  const context = {
    store,
    timers,
    delays: resolveDelays(DEFAULT_KUBERNETES_DELAYS, options.delays),
    failureModes: { ...DEFAULT_FAILURE_MODES, ...options.failureModes },
    loadBalancerAddress: options.loadBalancerAddress ?? (() => ({ ip: '127.0.0.1' })),
    events: new EventRecorder(store),
    logger,
  };
  for (const name of SYSTEM_NAMESPACES) store.create(type('Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  const controllers = new ControllerManager(context);
  let server: HttpsEmulatorServer | undefined;
  const handler = new KubeApiHandler({
    store,
    authenticate: options.authenticate ?? staticTokenVerifier([token]),
    gitVersion: options.version ?? 'v1.31.0',
    serverAddress: () => (server ? `${server.host}:${server.port}` : ''),
    maxWatchMs: options.maxWatchMs ?? 30 * 60_000,
    onDelete: (t, o, propagation) => controllers.onApiDelete(t, o, propagation),
  });
  try {
    server = await startHttpsEmulatorServer({
      service: 'kubernetes',
      handler: handler.handle,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      requestLog,
      logger,
      ...(options.ca ? { ca: options.ca } : {}),
    });
  } catch (error) {
    controllers.stop();
    timers.clear();
    throw error;
  }
  const s = server;
  let closed: Promise<void> | undefined;
  return {
    url: s.url,
    caPem: s.caPem,
    token,
    clusterName,
    requestLog,
    store,
    kubeconfig: (o = {}) => renderKubeconfig({ name: clusterName, server: s.url, caPem: s.caPem, user: { token: o.token ?? token }, ...(o.namespace ? { namespace: o.namespace } : {}) }),
    getObject: (kind, namespace, name) => store.get(type(kind), namespace, name),
    listObjects: (kind, namespace) => store.list(type(kind), namespace),
    close() {
      closed ??= (async () => {
        controllers.stop();
        timers.clear();
        await s.close();
      })();
      return closed;
    },
  };
}
