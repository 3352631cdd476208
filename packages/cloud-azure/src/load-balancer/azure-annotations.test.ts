import { LoadBalancerConfigSchema } from '@gati-framework/core';
import { loadBalancerIngress, loadBalancerService } from '@gati-framework/kubernetes';
import { describe, expect, it } from 'vitest';
import { azureLoadBalancerAnnotations, azureLoadBalancerAnnotationsFor } from './azure-annotations.js';

const lb = (extra: object) => LoadBalancerConfigSchema.parse({ clusterName: 'shop', name: 'web', selector: { app: 'web' }, port: 80, targetPort: 8080, type: 'network', ...extra });

describe('Azure load balancer annotations', () => {
  it('network, internet-facing: a plain Service of type LoadBalancer; with a health check its probe settings', () => {
    const svc = loadBalancerService(lb({ healthCheck: { path: '/ready', intervalSeconds: 10, timeoutSeconds: 3 } }), { app: 'web' }, azureLoadBalancerAnnotations) as unknown as { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> };
    expect(svc.spec['type']).toBe('LoadBalancer');
    expect(svc.spec['loadBalancerClass']).toBeUndefined();
    expect(svc.metadata.annotations).toEqual({
      'service.beta.kubernetes.io/azure-load-balancer-health-probe-protocol': 'http',
      'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path': '/ready',
      'service.beta.kubernetes.io/azure-load-balancer-health-probe-interval': '10',
      'service.beta.kubernetes.io/azure-load-balancer-health-probe-num-of-probe': '2',
    });
  });

  it('internal scheme, public IP resource group and DNS label', () => {
    const builder = azureLoadBalancerAnnotationsFor({ publicIpResourceGroup: 'ips', dnsLabel: (c) => `${c.clusterName}-${c.name}` });
    expect(builder.service(lb({ scheme: 'internal' })).annotations).toEqual({ 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true', 'service.beta.kubernetes.io/azure-load-balancer-resource-group': 'ips' });
    expect(builder.service(lb({})).annotations).toMatchObject({ 'service.beta.kubernetes.io/azure-dns-label-name': 'shop-web' });
  });

  it('application: an Ingress of the application routing add-on', () => {
    const ingress = loadBalancerIngress(lb({ type: 'application' }), azureLoadBalancerAnnotations) as unknown as { spec: { ingressClassName: string } };
    expect(ingress.spec.ingressClassName).toBe('webapprouting.kubernetes.azure.com');
  });
});
