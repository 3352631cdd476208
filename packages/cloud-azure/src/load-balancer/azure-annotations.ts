import type { LoadBalancerConfig } from '@gati-framework/core';
import type { LoadBalancerAnnotations } from '@gati-framework/kubernetes';

const SVC = 'service.beta.kubernetes.io';
/** The ingress class of AKS's application routing add-on (managed NGINX). */
export const APP_ROUTING_CLASS = 'webapprouting.kubernetes.azure.com';

/** Options of {@link azureLoadBalancerAnnotationsFor}. */
export interface AzureLoadBalancerOptions {
  /** Resource group of a pre-created public IP the load balancer should use (`azure-load-balancer-resource-group`). */
  publicIpResourceGroup?: string;
  /** A DNS label: the address gets `LABEL.<region>.cloudapp.azure.com` (`azure-dns-label-name`). */
  dnsLabel?: (lb: LoadBalancerConfig) => string | undefined;
}

/**
 * The Azure part of a load balancer: `network` → a Service of type LoadBalancer for the cloud
 * controller's Azure Load Balancer (internal when `scheme: 'internal'`, the health probe path
 * from the health check); `application` → an Ingress of the application routing add-on.
 */
export function azureLoadBalancerAnnotationsFor(options: AzureLoadBalancerOptions = {}): LoadBalancerAnnotations {
  return {
    describe: (lb) => (lb.type === 'application' ? `an Ingress (class ${APP_ROUTING_CLASS}, application routing add-on)` : `an Azure Load Balancer${lb.scheme === 'internal' ? ' (internal)' : ''} (Service of type LoadBalancer)`),
    ingress: () => ({ className: APP_ROUTING_CLASS, annotations: {} }),
    service: (lb) => {
      const annotations: Record<string, string> = {};
      if (lb.scheme === 'internal') annotations[`${SVC}/azure-load-balancer-internal`] = 'true';
      if (options.publicIpResourceGroup) annotations[`${SVC}/azure-load-balancer-resource-group`] = options.publicIpResourceGroup;
      const label = options.dnsLabel?.(lb);
      if (label && lb.scheme !== 'internal') annotations[`${SVC}/azure-dns-label-name`] = label;
      const hc = lb.healthCheck;
      if (hc) {
        if (hc.protocol === 'TCP') annotations[`${SVC}/azure-load-balancer-health-probe-protocol`] = 'tcp';
        else {
          annotations[`${SVC}/azure-load-balancer-health-probe-protocol`] = hc.protocol.toLowerCase();
          annotations[`${SVC}/azure-load-balancer-health-probe-request-path`] = hc.path;
        }
        annotations[`${SVC}/azure-load-balancer-health-probe-interval`] = String(hc.intervalSeconds);
        annotations[`${SVC}/azure-load-balancer-health-probe-num-of-probe`] = String(hc.unhealthyThreshold);
      }
      return { annotations };
    },
  };
}

/** The default builder: no shared public IP group, no DNS label. */
export const azureLoadBalancerAnnotations: LoadBalancerAnnotations = azureLoadBalancerAnnotationsFor();
