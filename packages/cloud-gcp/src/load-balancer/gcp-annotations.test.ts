import { LoadBalancerConfigSchema } from '@gati-framework/core';
import { describe, expect, it } from 'vitest';
import { gceIngress, gceService } from './gcp-annotations.js';

const lb = (extra: Record<string, unknown>) => LoadBalancerConfigSchema.parse({ name: 'web', clusterName: 'shop', namespace: 'default', port: 80, targetPort: 8080, selector: { app: 'web' }, ...extra });

describe('GKE load balancer annotations', () => {
  it('an external network LB is a backend-service-based passthrough LB; an internal one is Internal', () => {
    const external = gceService(lb({ type: 'network' }), { app: 'web' }) as { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> };
    expect(external.metadata.annotations).toMatchObject({ 'cloud.google.com/l4-rbs': 'enabled' });
    expect(external.spec['type']).toBe('LoadBalancer');
    const internal = gceService(lb({ type: 'network', scheme: 'internal' }), { app: 'web' }) as { metadata: { annotations: Record<string, string> } };
    expect(internal.metadata.annotations).toEqual({ 'networking.gke.io/load-balancer-type': 'Internal' });
  });

  it('an application LB is an Ingress of class gce (or gce-internal)', () => {
    const ingress = gceIngress(lb({ type: 'application' })) as { metadata: { annotations: Record<string, string> } };
    expect(ingress.metadata.annotations['kubernetes.io/ingress.class']).toBe('gce');
    const internal = gceIngress(lb({ type: 'application', scheme: 'internal' })) as { metadata: { annotations: Record<string, string> } };
    expect(internal.metadata.annotations['kubernetes.io/ingress.class']).toBe('gce-internal');
  });
});
