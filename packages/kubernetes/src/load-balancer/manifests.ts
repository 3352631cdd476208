import type { LoadBalancerConfig } from '@gati-framework/core';
import type { KubeObject } from '../client/types.js';
import type { LoadBalancerAnnotations } from './annotations.js';

/** Label on every object a Gati load balancer consists of; its value is the load balancer's name. */
export const LOAD_BALANCER_LABEL = 'gati.dev/load-balancer';

function labels(lb: LoadBalancerConfig): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': 'gati', [LOAD_BALANCER_LABEL]: lb.name };
}

/** The ClusterIP Service an Ingress fronts when the config gives a pod selector instead of a Service. */
export function loadBalancerBackendService(lb: LoadBalancerConfig, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: lb.name, namespace: lb.namespace, labels: labels(lb), ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    spec: { type: 'ClusterIP', selector: lb.selector ?? {}, ports: [{ name: 'http', port: lb.targetPort, targetPort: lb.targetPort, protocol: 'TCP' }] },
  };
}

/** The Ingress of an `application` load balancer: one rule `/` to the Service at `targetPort`, class and annotations from the cloud. */
export function loadBalancerIngress(lb: LoadBalancerConfig, cloud: LoadBalancerAnnotations): KubeObject {
  const settings = cloud.ingress(lb);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: lb.name, namespace: lb.namespace, labels: labels(lb), annotations: settings.annotations },
    spec: {
      ...(settings.className ? { ingressClassName: settings.className } : {}),
      ...(settings.tls ? { tls: settings.tls } : {}),
      rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: lb.serviceName ?? lb.name, port: { number: lb.targetPort } } } }] } }],
    },
  };
}

/** The Service of type LoadBalancer of a `network` load balancer, selecting `selector`'s pods. */
export function loadBalancerService(lb: LoadBalancerConfig, selector: Record<string, string>, cloud: LoadBalancerAnnotations): KubeObject {
  const settings = cloud.service(lb);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: lb.name, namespace: lb.namespace, labels: labels(lb), annotations: settings.annotations },
    spec: {
      type: 'LoadBalancer',
      ...(settings.loadBalancerClass ? { loadBalancerClass: settings.loadBalancerClass } : {}),
      selector,
      ports: [{ name: lb.ssl ? 'https' : 'tcp', port: lb.port, targetPort: lb.targetPort, protocol: 'TCP' }],
    },
  };
}

/**
 * Every object of a load balancer, in apply order: for `application` the backend Service
 * (only when the config gives a selector) and the Ingress; for `network` the Service of type
 * LoadBalancer, which needs the pod selector (the config's, or the fronted Service's).
 */
export function loadBalancerObjects(lb: LoadBalancerConfig, cloud: LoadBalancerAnnotations, selector?: Record<string, string>): KubeObject[] {
  if (lb.type === 'application') {
    const backend = lb.serviceName ? [] : [loadBalancerBackendService(lb, cloud.ingress(lb).backendAnnotations)];
    return [...backend, loadBalancerIngress(lb, cloud)];
  }
  return [loadBalancerService(lb, selector ?? lb.selector ?? {}, cloud)];
}
