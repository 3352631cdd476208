import type { LoadBalancerConfig } from '@gati-framework/core';

/** What a cloud puts on the Service of type LoadBalancer (L4). */
export interface ServiceLoadBalancerSettings {
  annotations: Record<string, string>;
  /** `spec.loadBalancerClass` (e.g. `service.k8s.aws/nlb`); omit to use the cloud's built-in controller. */
  loadBalancerClass?: string;
}

/** What a cloud puts on the Ingress (L7). */
export interface IngressLoadBalancerSettings {
  /** `spec.ingressClassName` (e.g. `alb`, `gce`, `webapprouting.kubernetes.azure.com`); omit for the cluster's default class. */
  className?: string;
  annotations: Record<string, string>;
  /**
   * Annotations of the ClusterIP Service Gati creates behind the Ingress when the config gives
   * a pod selector (e.g. GKE's `cloud.google.com/neg`); an existing Service is never changed.
   */
  backendAnnotations?: Record<string, string>;
  /** `spec.tls`, for clouds that take the certificate there rather than in an annotation. */
  tls?: { hosts?: string[]; secretName?: string }[];
}

/**
 * The cloud-specific part of a load balancer, and the only part a provider writes: which
 * annotations and classes make its controller provision an L4 or L7 load balancer. Objects,
 * labels, server-side apply, waiting for the address and deletion are shared.
 */
export interface LoadBalancerAnnotations {
  /** For `type: 'network'`: the Service of type LoadBalancer. */
  service(config: LoadBalancerConfig): ServiceLoadBalancerSettings;
  /** For `type: 'application'`: the Ingress. */
  ingress(config: LoadBalancerConfig): IngressLoadBalancerSettings;
  /**
   * Names what is created in the `started` progress line, e.g. `an NLB (Service of type LoadBalancer)`.
   * Default: the Kubernetes object (`an Ingress (class gce)`, `a Service of type LoadBalancer`).
   */
  describe?(config: LoadBalancerConfig): string;
}
