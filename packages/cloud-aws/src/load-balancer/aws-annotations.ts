import type { LoadBalancerConfig } from '@gati-framework/core';
import { loadBalancerIngress, loadBalancerService, type KubeObject, type LoadBalancerAnnotations } from '@gati-framework/kubernetes';

const ALB = 'alb.ingress.kubernetes.io';
const NLB = 'service.beta.kubernetes.io';

/**
 * The AWS part of a load balancer, for the AWS Load Balancer Controller: `application` → an
 * ALB Ingress (class `alb`, IP targets, health check, with a certificate an HTTPS listener plus
 * an HTTP→HTTPS redirect); `network` → an NLB Service (class `service.k8s.aws/nlb`, IP targets).
 */
export const awsLoadBalancerAnnotations: LoadBalancerAnnotations = {
  describe: (lb) => (lb.type === 'application' ? 'an ALB (Ingress, class alb)' : 'an NLB (Service of type LoadBalancer)'),
  ingress: (lb) => ({ className: 'alb', annotations: albAnnotations(lb) }),
  service: (lb) => ({ loadBalancerClass: 'service.k8s.aws/nlb', annotations: nlbAnnotations(lb) }),
};

function albAnnotations(lb: LoadBalancerConfig): Record<string, string> {
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
    const https = lb.port === 80 ? 443 : lb.port;
    annotations[`${ALB}/certificate-arn`] = lb.ssl.certificateId;
    annotations[`${ALB}/listen-ports`] = JSON.stringify(lb.ssl.redirectHttp ? [{ HTTP: 80 }, { HTTPS: https }] : [{ HTTPS: https }]);
    if (lb.ssl.redirectHttp) annotations[`${ALB}/ssl-redirect`] = String(https);
  } else {
    annotations[`${ALB}/listen-ports`] = JSON.stringify([{ HTTP: lb.port }]);
  }
  return annotations;
}

function nlbAnnotations(lb: LoadBalancerConfig): Record<string, string> {
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
  return annotations;
}

/** The ALB Ingress of an `application` load balancer (what `createLoadBalancer` applies). */
export function albIngress(lb: LoadBalancerConfig): KubeObject {
  return loadBalancerIngress(lb, awsLoadBalancerAnnotations);
}

/** The NLB Service of type LoadBalancer of a `network` load balancer, selecting `selector`'s pods. */
export function nlbService(lb: LoadBalancerConfig, selector: Record<string, string>): KubeObject {
  return loadBalancerService(lb, selector, awsLoadBalancerAnnotations);
}
