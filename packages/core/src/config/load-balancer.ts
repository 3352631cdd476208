import { z } from 'zod';
import { KubernetesLabelsSchema, ResourceNameSchema } from './cluster.js';

const PortSchema = z.number().int().min(1).max(65_535);

export const HealthCheckSchema = z
  .object({
    path: z.string().startsWith('/').max(1024).default('/'),
    port: PortSchema.optional(),
    protocol: z.enum(['HTTP', 'HTTPS', 'TCP']).default('HTTP'),
    intervalSeconds: z.number().int().min(5).max(300).default(15),
    timeoutSeconds: z.number().int().min(2).max(120).default(5),
    healthyThreshold: z.number().int().min(2).max(10).default(2),
    unhealthyThreshold: z.number().int().min(2).max(10).default(2),
  })
  .refine((h) => h.timeoutSeconds < h.intervalSeconds, {
    path: ['timeoutSeconds'],
    message: 'timeoutSeconds must be shorter than intervalSeconds',
  });

export const LoadBalancerConfigSchema = z
  .object({
    clusterName: ResourceNameSchema,
    name: ResourceNameSchema,
    namespace: ResourceNameSchema.default('default'),
    /** The Service this load balancer fronts (required for `application`). */
    serviceName: ResourceNameSchema.optional(),
    /** Or the pods it selects (a Service of type LoadBalancer is created for them). */
    selector: KubernetesLabelsSchema.optional(),
    type: z.enum(['application', 'network']),
    scheme: z.enum(['internal', 'internet-facing']).default('internet-facing'),
    port: PortSchema,
    targetPort: PortSchema,
    healthCheck: HealthCheckSchema.optional(),
    ssl: z
      .object({
        certificateId: z.string().min(1).max(2048),
        redirectHttp: z.boolean().default(true),
      })
      .optional(),
  })
  .superRefine((lb, ctx) => {
    if (!lb.serviceName && (!lb.selector || Object.keys(lb.selector).length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['selector'], message: 'give the serviceName or a non-empty pod selector to front' });
    }
  });

export const LoadBalancerRefSchema = z.object({
  clusterName: ResourceNameSchema,
  name: ResourceNameSchema,
  namespace: ResourceNameSchema.default('default'),
});

export type LoadBalancerConfig = z.infer<typeof LoadBalancerConfigSchema>;
export type LoadBalancerConfigInput = z.input<typeof LoadBalancerConfigSchema>;
export type LoadBalancerRef = z.input<typeof LoadBalancerRefSchema>;
