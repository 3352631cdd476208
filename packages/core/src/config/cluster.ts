import { z } from 'zod';

/**
 * A DNS-1123 label short enough for every cloud: GKE caps cluster and node
 * pool names at 40 characters and wants a leading letter; EKS and AKS allow more.
 */
export const ResourceNameSchema = z
  .string()
  .min(1)
  .max(40, 'must be at most 40 characters (GKE limit)')
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and "-", start with a letter and end with a letter or digit');

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export const KubernetesLabelsSchema = z.record(
  z.string().regex(LABEL_KEY, 'must be a valid Kubernetes label key'),
  z.string().regex(LABEL_VALUE, 'must be a valid Kubernetes label value (≤ 63 characters)'),
);

export const TaintSchema = z.object({
  key: z.string().regex(LABEL_KEY, 'must be a valid Kubernetes taint key'),
  value: z.string().regex(LABEL_VALUE, 'must be a valid Kubernetes taint value'),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
});

export const NodePoolSchema = z
  .object({
    name: ResourceNameSchema,
    instanceType: z.string().min(1).max(128),
    minNodes: z.number().int().min(0),
    desiredNodes: z.number().int().min(0),
    maxNodes: z.number().int().min(1).max(1000),
    diskSizeGb: z.number().int().min(10).max(65_536).optional(),
    labels: KubernetesLabelsSchema.optional(),
    taints: z.array(TaintSchema).max(50).optional(),
  })
  .superRefine((pool, ctx) => {
    if (pool.minNodes > pool.desiredNodes) {
      ctx.addIssue({ code: 'custom', path: ['minNodes'], message: `minNodes (${pool.minNodes}) must not exceed desiredNodes (${pool.desiredNodes})` });
    }
    if (pool.desiredNodes > pool.maxNodes) {
      ctx.addIssue({ code: 'custom', path: ['desiredNodes'], message: `desiredNodes (${pool.desiredNodes}) must not exceed maxNodes (${pool.maxNodes})` });
    }
  });

export const NetworkConfigSchema = z.object({
  vpcId: z.string().min(1).max(255).optional(),
  subnetIds: z.array(z.string().min(1).max(255)).min(1).max(100).optional(),
  cidrBlock: z.cidrv4({ message: 'must be an IPv4 CIDR block such as 10.0.0.0/16' }).optional(),
  privateNetworking: z.boolean().optional(),
  availabilityZones: z.array(z.string().min(1).max(64)).min(1).max(20).optional(),
});

export const ClusterAutoscalingSchema = z.object({
  enabled: z.boolean().default(true),
  scaleDownUnneededMinutes: z.number().int().min(1).max(1440).optional(),
});

export const TagsSchema = z
  .record(z.string().min(1).max(128), z.string().max(256))
  .refine((tags) => Object.keys(tags).length <= 50, { message: 'at most 50 tags' });

export const ClusterConfigSchema = z.object({
  name: ResourceNameSchema,
  version: z.string().regex(/^1\.\d{1,2}$/, 'must be a Kubernetes minor version such as "1.31"'),
  region: z.string().min(1).max(64).optional(),
  network: NetworkConfigSchema.optional(),
  nodePools: z.array(NodePoolSchema).min(1, 'at least one node pool is required').max(100),
  autoscaling: ClusterAutoscalingSchema.optional(),
  tags: TagsSchema.optional(),
});

export type NodePoolConfig = z.infer<typeof NodePoolSchema>;
export type NetworkConfig = z.infer<typeof NetworkConfigSchema>;
export type Taint = z.infer<typeof TaintSchema>;
export type ClusterConfig = z.infer<typeof ClusterConfigSchema>;
/** What callers write: defaults not yet applied. */
export type ClusterConfigInput = z.input<typeof ClusterConfigSchema>;
