import { GatiError, LoadBalancerConfigSchema, LoadBalancerRefSchema, parseConfig, type LoadBalancerConfigInput, type LoadBalancerInfo, type LoadBalancerRef } from '@gati-framework/core';
import type { KubeClient, KubeObject } from '@gati-framework/kubernetes';
import type { Operation } from '../provider/operation.js';
import { albIngress, backendService, LOAD_BALANCER_LABEL, nlbService } from './manifests.js';

/** What the load balancer functions need from the provider. */
export interface KubeAccess {
  kubeClient(clusterName: string): Promise<KubeClient>;
}


/**
 * `application` → an ALB Ingress (plus a ClusterIP Service when only a pod
 * selector is given); `network` → an NLB Service of type LoadBalancer.
 * Applies them server-side, then waits for the external address.
 */
export async function createAwsLoadBalancer(access: KubeAccess, input: LoadBalancerConfigInput, op: Operation): Promise<LoadBalancerInfo> {
  const lb = parseConfig(LoadBalancerConfigSchema, input, 'load balancer config');
  const resource = `load-balancer/${lb.clusterName}/${lb.namespace}/${lb.name}`;
  op.step(resource, 'started', `creating ${lb.type === 'application' ? 'an ALB (Ingress, class alb)' : 'an NLB (Service of type LoadBalancer)'} ${lb.scheme}`);
  let kube: KubeClient | undefined;
  try {
    kube = await access.kubeClient(lb.clusterName);
    const signal = op.signal ? { signal: op.signal } : {};
    let objects: KubeObject[];
    let kind: 'Ingress' | 'Service';
    if (lb.type === 'application') {
      objects = [...(lb.serviceName ? [] : [backendService(lb)]), albIngress(lb)] as KubeObject[];
      kind = 'Ingress';
    } else {
      let selector = lb.selector;
      if (!selector) {
        const fronted = await kube.get({ apiVersion: 'v1', kind: 'Service', name: lb.serviceName ?? '', namespace: lb.namespace }, signal);
        selector = (fronted?.spec as { selector?: Record<string, string> } | undefined)?.selector;
        if (!selector || Object.keys(selector).length === 0) {
          throw new GatiError('NOT_FOUND', `Service "${lb.namespace}/${lb.serviceName ?? ''}" does not exist or selects no pods; give a selector or an existing Service.`, { provider: 'aws' });
        }
      }
      objects = [nlbService(lb, selector)] as KubeObject[];
      kind = 'Service';
    }
    await kube.apply(objects, signal);
    const endpoint = await kube.waitForLoadBalancer(
      { kind, name: lb.name, namespace: lb.namespace },
      { ...signal, timeoutMs: op.remainingMs(), onProgress: op.forward(resource) },
    );
    op.step(resource, 'succeeded', `address ${endpoint}`);
    return { name: lb.name, namespace: lb.namespace, clusterName: lb.clusterName, type: lb.type, endpoint, status: 'ACTIVE' };
  } catch (error) {
    op.step(resource, 'failed', error instanceof Error ? error.message : String(error));
    throw error;
  } finally {
    kube?.close();
  }
}

/** Deletes the Ingress or Service Gati made for the load balancer (and its backend Service) and waits until gone. */
export async function deleteAwsLoadBalancer(access: KubeAccess, input: LoadBalancerRef, op: Operation): Promise<void> {
  const ref = parseConfig(LoadBalancerRefSchema, input, 'load balancer reference');
  const resource = `load-balancer/${ref.clusterName}/${ref.namespace}/${ref.name}`;
  op.step(resource, 'started', 'deleting load balancer');
  const kube = await access.kubeClient(ref.clusterName);
  try {
    await deleteObjects(kube, ref, op, resource);
  } finally {
    kube.close();
  }
}

async function deleteObjects(kube: KubeClient, ref: { clusterName: string; name: string; namespace: string }, op: Operation, resource: string): Promise<void> {
  const signal = op.signal ? { signal: op.signal } : {};
  const ingressRef = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: ref.name, namespace: ref.namespace };
  const serviceRef = { apiVersion: 'v1', kind: 'Service', name: ref.name, namespace: ref.namespace };
  const ingress = await kube.get(ingressRef, signal);
  const service = await kube.get(serviceRef, signal);
  const ours = (o: KubeObject | undefined): boolean => o?.metadata.labels?.[LOAD_BALANCER_LABEL] === ref.name;
  if (!ours(ingress) && !ours(service)) {
    throw new GatiError('NOT_FOUND', `No load balancer "${ref.namespace}/${ref.name}" made by Gati in cluster ${ref.clusterName}.`, { provider: 'aws' });
  }
  const wait = { ...signal, timeoutMs: op.remainingMs(), onProgress: op.forward(resource) };
  if (ours(ingress)) await kube.delete(ingressRef, wait);
  if (ours(service)) await kube.delete(serviceRef, wait);
  op.step(resource, 'succeeded', 'deleted');
}

/**
 * Deletes every load balancer Gati made in the cluster (all namespaces) and waits
 * until they are gone, so the controller removes the ELBs before the VPC goes.
 * Returns how many objects were deleted.
 */
export async function deleteAllAwsLoadBalancers(kube: KubeClient, op: Operation, clusterName: string): Promise<number> {
  const signal = op.signal ? { signal: op.signal } : {};
  let deleted = 0;
  for (const [apiVersion, kind] of [
    ['networking.k8s.io/v1', 'Ingress'],
    ['v1', 'Service'],
  ] as const) {
    const objects = await kube.list({ apiVersion, kind, labelSelector: LOAD_BALANCER_LABEL }, signal);
    for (const o of objects) {
      const resource = `load-balancer/${clusterName}/${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;
      op.step(resource, 'started', `deleting ${kind} ${o.metadata.name}`);
      await kube.delete({ apiVersion, kind, name: o.metadata.name, namespace: o.metadata.namespace ?? 'default' }, { ...signal, timeoutMs: op.remainingMs(), onProgress: op.forward(resource) });
      op.step(resource, 'succeeded', 'deleted');
      deleted++;
    }
  }
  return deleted;
}
