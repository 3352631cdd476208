import type { LoadBalancerConfig } from '@gati-framework/core';
import { loadBalancerIngress, loadBalancerService, type KubeObject, type LoadBalancerAnnotations } from '@gati-framework/kubernetes';

/**
 * The GKE part of a load balancer, read by GKE's own controllers (no add-on to install):
 * `network` external → a backend-service-based external passthrough Network LB
 * (`cloud.google.com/l4-rbs: enabled`); `network` internal → an internal passthrough LB
 * (`networking.gke.io/load-balancer-type: Internal`); `application` → an Ingress of class
 * `gce` (external Application LB) or `gce-internal`, with container-native load balancing (NEGs).
 */
export const gcpLoadBalancerAnnotations: LoadBalancerAnnotations = {
  describe: (lb) =>
    lb.type === 'application'
      ? `an ${lb.scheme === 'internal' ? 'internal' : 'external'} Application Load Balancer (Ingress, class ${ingressClass(lb)})`
      : `an ${lb.scheme === 'internal' ? 'internal' : 'external'} passthrough Network Load Balancer (Service of type LoadBalancer)`,
  ingress: (lb) => ({
    // GKE reads the class from the annotation (it predates spec.ingressClassName and still requires it).
    annotations: { 'kubernetes.io/ingress.class': ingressClass(lb), ...(lb.ssl ? { 'ingress.gcp.kubernetes.io/pre-shared-cert': lb.ssl.certificateId } : {}) },
    // Container-native load balancing: the backend Service gets network endpoint groups.
    backendAnnotations: { 'cloud.google.com/neg': '{"ingress": true}' },
  }),
  service: (lb) => ({
    annotations: lb.scheme === 'internal' ? { 'networking.gke.io/load-balancer-type': 'Internal' } : ({ 'cloud.google.com/l4-rbs': 'enabled' } as Record<string, string>),
  }),
};

function ingressClass(lb: LoadBalancerConfig): string {
  return lb.scheme === 'internal' ? 'gce-internal' : 'gce';
}

/** The Ingress of an `application` load balancer (what `createLoadBalancer` applies). */
export function gceIngress(lb: LoadBalancerConfig): KubeObject {
  return loadBalancerIngress(lb, gcpLoadBalancerAnnotations);
}

/** The Service of type LoadBalancer of a `network` load balancer, selecting `selector`'s pods. */
export function gceService(lb: LoadBalancerConfig, selector: Record<string, string>): KubeObject {
  return loadBalancerService(lb, selector, gcpLoadBalancerAnnotations);
}
