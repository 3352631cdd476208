import {
  GatiError,
  LoadBalancerConfigSchema,
  LoadBalancerRefSchema,
  parseConfig,
  ProgressReporter,
  type LoadBalancerConfig,
  type LoadBalancerConfigInput,
  type LoadBalancerInfo,
  type LoadBalancerRef,
  type OperationOptions,
  type ProgressEvent,
} from '@gati-framework/core';
import type { KubeClient } from '../client/kube-client.js';
import type { KubeObject } from '../client/types.js';
import type { LoadBalancerAnnotations } from './annotations.js';
import { LOAD_BALANCER_LABEL, loadBalancerObjects } from './manifests.js';

/** Opens a client of the named cluster (e.g. with a freshly minted token). */
export type KubeClientFactory = (clusterName: string) => Promise<KubeClient>;

/** Where and how a load balancer operation runs; `timeoutMs` defaults to 10 minutes. */
export interface LoadBalancerOptions extends OperationOptions {
  /** A client (left open), or a factory called with the cluster name (its client is closed afterwards). */
  kube: KubeClient | KubeClientFactory;
  /** The cloud in errors (`GatiError.provider`). Default `kubernetes`. */
  provider?: string;
}

/** Options of {@link createLoadBalancer}: the cloud's annotation builder besides the common ones. */
export interface CreateLoadBalancerOptions extends LoadBalancerOptions {
  annotations: LoadBalancerAnnotations;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** One call's progress reporter, deadline and client. */
class Run {
  readonly progress: ProgressReporter;
  readonly provider: string;
  private readonly deadline: number;
  private opened: KubeClient | undefined;

  constructor(
    name: string,
    private readonly options: LoadBalancerOptions,
  ) {
    this.progress = new ProgressReporter(name, options.onProgress);
    this.provider = options.provider ?? 'kubernetes';
    this.deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  get signal(): { signal?: AbortSignal } {
    return this.options.signal ? { signal: this.options.signal } : {};
  }

  async client(clusterName: string): Promise<KubeClient> {
    const { kube } = this.options;
    if (typeof kube !== 'function') return kube;
    this.opened ??= await kube(clusterName);
    return this.opened;
  }

  close(): void {
    this.opened?.close();
  }

  /** Runs `body` for `resource`: `succeeded` with its message or `failed` with the error's, then closes a client it opened. */
  async track<T>(resource: string, body: () => Promise<T>, succeeded: (value: T) => string): Promise<T> {
    try {
      const value = await body();
      this.progress.emit(resource, 'succeeded', succeeded(value));
      return value;
    } catch (error) {
      this.progress.emit(resource, 'failed', error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      this.close();
    }
  }

  /** Options of a nested wait: the time left, and its waiting lines under the load balancer's name. */
  wait(resource: string): OperationOptions {
    const onProgress = (e: ProgressEvent): void => {
      if (e.phase === 'waiting') this.progress.emit(resource, 'waiting', e.message);
    };
    return { ...this.signal, timeoutMs: Math.max(1, this.deadline - Date.now()), onProgress };
  }
}

const resourceOf = (lb: { clusterName: string; namespace: string; name: string }): string => `load-balancer/${lb.clusterName}/${lb.namespace}/${lb.name}`;

function describe(lb: LoadBalancerConfig, cloud: LoadBalancerAnnotations): string {
  if (cloud.describe) return cloud.describe(lb);
  if (lb.type === 'network') return 'a Service of type LoadBalancer';
  const className = cloud.ingress(lb).className;
  return className ? `an Ingress (class ${className})` : 'an Ingress';
}

/**
 * Creates a load balancer the way managed Kubernetes does: `application` → an Ingress (plus a
 * ClusterIP Service when only a pod selector is given), `network` → a Service of type
 * LoadBalancer; applies them server-side and waits for `status.loadBalancer.ingress`.
 * Progress: `started`, `waiting` lines, then `succeeded` with the address or `failed`.
 */
export async function createLoadBalancer(input: LoadBalancerConfigInput, options: CreateLoadBalancerOptions): Promise<LoadBalancerInfo> {
  const lb = parseConfig(LoadBalancerConfigSchema, input, 'load balancer config');
  const run = new Run('createLoadBalancer', options);
  const resource = resourceOf(lb);
  run.progress.emit(resource, 'started', `creating ${describe(lb, options.annotations)} ${lb.scheme}`);
  return run.track(resource, async () => {
    const kube = await run.client(lb.clusterName);
    let selector = lb.selector;
    if (lb.type === 'network' && !selector) {
      const fronted = await kube.get({ apiVersion: 'v1', kind: 'Service', name: lb.serviceName ?? '', namespace: lb.namespace }, run.signal);
      selector = (fronted?.spec as { selector?: Record<string, string> } | undefined)?.selector;
      if (!selector || Object.keys(selector).length === 0) {
        throw new GatiError('NOT_FOUND', `Service "${lb.namespace}/${lb.serviceName ?? ''}" does not exist or selects no pods; give a selector or an existing Service.`, { provider: run.provider });
      }
    }
    await kube.apply(loadBalancerObjects(lb, options.annotations, selector), run.signal);
    const kind = lb.type === 'application' ? 'Ingress' : 'Service';
    const endpoint = await kube.waitForLoadBalancer({ kind, name: lb.name, namespace: lb.namespace }, run.wait(resource));
    const info: LoadBalancerInfo = { name: lb.name, namespace: lb.namespace, clusterName: lb.clusterName, type: lb.type, endpoint, status: 'ACTIVE' };
    return info;
  }, (info) => `address ${info.endpoint}`);
}

/**
 * Deletes the Ingress and/or Service Gati made for the load balancer (recognised by
 * {@link LOAD_BALANCER_LABEL}) and waits until they are gone; `NOT_FOUND` when there is none.
 */
export async function deleteLoadBalancer(input: LoadBalancerRef, options: LoadBalancerOptions): Promise<void> {
  const ref = parseConfig(LoadBalancerRefSchema, input, 'load balancer reference');
  const run = new Run('deleteLoadBalancer', options);
  const resource = resourceOf(ref);
  run.progress.emit(resource, 'started', 'deleting load balancer');
  await run.track(resource, async () => {
    const kube = await run.client(ref.clusterName);
    const ingressRef = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: ref.name, namespace: ref.namespace };
    const serviceRef = { apiVersion: 'v1', kind: 'Service', name: ref.name, namespace: ref.namespace };
    const ingress = await kube.get(ingressRef, run.signal);
    const service = await kube.get(serviceRef, run.signal);
    const ours = (o: KubeObject | undefined): boolean => o?.metadata.labels?.[LOAD_BALANCER_LABEL] === ref.name;
    if (!ours(ingress) && !ours(service)) {
      throw new GatiError('NOT_FOUND', `No load balancer "${ref.namespace}/${ref.name}" made by Gati in cluster ${ref.clusterName}.`, { provider: run.provider });
    }
    if (ours(ingress)) await kube.delete(ingressRef, run.wait(resource));
    if (ours(service)) await kube.delete(serviceRef, run.wait(resource));
  }, () => 'deleted');
}

/**
 * Deletes every load balancer object Gati made in the cluster (all namespaces, by label) and
 * waits until each is gone, so the cloud removes its load balancers before, say, the network
 * goes. Returns how many objects were deleted.
 */
export async function deleteAllLoadBalancers(clusterName: string, options: LoadBalancerOptions): Promise<number> {
  const run = new Run('deleteLoadBalancers', options);
  try {
    const kube = await run.client(clusterName);
    let deleted = 0;
    for (const [apiVersion, kind] of [
      ['networking.k8s.io/v1', 'Ingress'],
      ['v1', 'Service'],
    ] as const) {
      const objects = await kube.list({ apiVersion, kind, labelSelector: LOAD_BALANCER_LABEL }, run.signal);
      for (const o of objects) {
        const namespace = o.metadata.namespace ?? 'default';
        const resource = resourceOf({ clusterName, namespace, name: o.metadata.name });
        run.progress.emit(resource, 'started', `deleting ${kind} ${o.metadata.name}`);
        await kube.delete({ apiVersion, kind, name: o.metadata.name, namespace }, run.wait(resource));
        run.progress.emit(resource, 'succeeded', 'deleted');
        deleted++;
      }
    }
    return deleted;
  } finally {
    run.close();
  }
}
