import type { LoadBalancerConfig } from '@gati-framework/core';

/** A Kubernetes object as plain JSON. */
export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, unknown> };

/** Label on every object a Gati load balancer consists of; its value is the load balancer's name. */
export const LOAD_BALANCER_LABEL = 'gati.dev/load-balancer';

function labels(lb: LoadBalancerConfig): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': 'gati', [LOAD_BALANCER_LABEL]: lb.name };
}
const ALB = 'alb.ingress.kubernetes.io';
const NLB = 'service.beta.kubernetes.io';

/** The ClusterIP Service an ALB Ingress fronts when the config gives a pod selector instead of a Service. */
export function backendService(lb: LoadBalancerConfig): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: lb.name, namespace: lb.namespace, labels: labels(lb) },
    spec: { type: 'ClusterIP', selector: lb.selector ?? {}, ports: [{ name: 'http', port: lb.targetPort, targetPort: lb.targetPort, protocol: 'TCP' }] },
  };
}

/**
 * An Ingress for the AWS Load Balancer Controller (class `alb`): scheme, IP
 * targets, health check, and with a certificate an HTTPS listener plus an
 * HTTP→HTTPS redirect. The backend is the Service at `targetPort`.
 */
export function albIngress(lb: LoadBalancerConfig): KubeObject {
  const annotations: Record<string, string> = {
    [`${ALB}/scheme`]: lb.scheme,
    [`${ALB}/target-type`]: 'ip',
  };
  const hc = lb.healthCheck;
  if (hc) {
    annotations[`${ALB}/healthcheck-path`] = hc.path;
    annotations[`${ALB}/healthcheck-protocol`] = hc.protocol === 'TCP' ? 'HTTP' : hc.protocol;
    annotations[`${ALB}/healthcheck-port`] = hc.port ? String(hc.port) : 'traffic-port';
    annotations[`${ALB}/healthcheck-interval-seconds`] = String(hc.intervalSeconds);
    annotations[`${ALB}/healthcheck-timeout-seconds`] = String(hc.timeoutSeconds);
    annotations[`${ALB}/healthy-threshold-count`] = String(hc.healthyThreshold);
    annotations[`${ALB}/unhealthy-threshold-count`] = String(hc.unhealthyThreshold);
  }
  if (lb.ssl) {
    annotations[`${ALB}/certificate-arn`] = lb.ssl.certificateId;
    annotations[`${ALB}/listen-ports`] = JSON.stringify(lb.ssl.redirectHttp ? [{ HTTP: 80 }, { HTTPS: lb.port === 80 ? 443 : lb.port }] : [{ HTTPS: lb.port === 80 ? 443 : lb.port }]);
    if (lb.ssl.redirectHttp) annotations[`${ALB}/ssl-redirect`] = String(lb.port === 80 ? 443 : lb.port);
  } else {
    annotations[`${ALB}/listen-ports`] = JSON.stringify([{ HTTP: lb.port }]);
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: lb.name, namespace: lb.namespace, labels: labels(lb), annotations },
    spec: {
      ingressClassName: 'alb',
      rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: lb.serviceName ?? lb.name, port: { number: lb.targetPort } } } }] } }],
    },
  };
}

/** A Service of type LoadBalancer provisioned as an NLB by the AWS Load Balancer Controller (IP targets). */
export function nlbService(lb: LoadBalancerConfig, selector: Record<string, string>): KubeObject {
  const annotations: Record<string, string> = {
    [`${NLB}/aws-load-balancer-type`]: 'external',
    [`${NLB}/aws-load-balancer-nlb-target-type`]: 'ip',
    [`${NLB}/aws-load-balancer-scheme`]: lb.scheme,
  };
  const hc = lb.healthCheck;
  if (hc) {
    annotations[`${NLB}/aws-load-balancer-healthcheck-protocol`] = hc.protocol.toLowerCase();
    if (hc.protocol !== 'TCP') annotations[`${NLB}/aws-load-balancer-healthcheck-path`] = hc.path;
    annotations[`${NLB}/aws-load-balancer-healthcheck-port`] = hc.port ? String(hc.port) : 'traffic-port';
    annotations[`${NLB}/aws-load-balancer-healthcheck-interval`] = String(hc.intervalSeconds);
    annotations[`${NLB}/aws-load-balancer-healthcheck-timeout`] = String(hc.timeoutSeconds);
    annotations[`${NLB}/aws-load-balancer-healthcheck-healthy-threshold`] = String(hc.healthyThreshold);
    annotations[`${NLB}/aws-load-balancer-healthcheck-unhealthy-threshold`] = String(hc.unhealthyThreshold);
  }
  if (lb.ssl) {
    annotations[`${NLB}/aws-load-balancer-ssl-cert`] = lb.ssl.certificateId;
    annotations[`${NLB}/aws-load-balancer-ssl-ports`] = String(lb.port);
  }
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: lb.name, namespace: lb.namespace, labels: labels(lb), annotations },
    spec: {
      type: 'LoadBalancer',
      loadBalancerClass: 'service.k8s.aws/nlb',
      selector,
      ports: [{ name: lb.ssl ? 'https' : 'tcp', port: lb.port, targetPort: lb.targetPort, protocol: 'TCP' }],
    },
  };
}
