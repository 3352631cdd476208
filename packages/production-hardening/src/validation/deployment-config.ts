import { z } from 'zod';
import { QUANTITY_PATTERN } from './quantity.js';

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
/** Registry (optional, with port), repository path, then `:tag` and/or `@sha256:digest`. */
export const IMAGE_PATTERN =
  /^(?:[a-zA-Z0-9][a-zA-Z0-9.-]*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

const QuantitySchema = z.union([z.string().regex(new RegExp(QUANTITY_PATTERN), 'must be a Kubernetes quantity such as 500m, 0.5, 512Mi, 1Gi or 1e9').max(64), z.number().min(0)]);
const PortSchema = z.number().int().min(1).max(65535);
const LabelsSchema = z.record(z.string().regex(LABEL_KEY, 'must be a valid label key').max(316), z.string().regex(LABEL_VALUE, 'must be a valid label value').max(63));
/** 256 KiB: the API server's limit for all annotations of an object together. */
const AnnotationsSchema = z.record(z.string().regex(LABEL_KEY, 'must be a valid annotation key').max(316), z.string().max(262_144));
const IntOrPercentSchema = z.union([z.number().int().min(0), z.string().regex(/^[0-9]{1,3}%$/, 'must be a percentage such as 50%')]);

const ResourceListSchema = z.strictObject({ cpu: QuantitySchema.optional(), memory: QuantitySchema.optional() });

const ProbeSchema = z.strictObject({
  /** HTTP GET path. */
  path: z.string().regex(/^\//, 'must start with /').max(1024),
  port: PortSchema,
  initialDelaySeconds: z.number().int().min(0).max(3600).optional(),
  periodSeconds: z.number().int().min(1).max(3600).optional(),
  timeoutSeconds: z.number().int().min(1).max(3600).optional(),
  failureThreshold: z.number().int().min(1).max(100).optional(),
});

/** The autoscaling workload policies (see `AutoScalingOptimizer`). */
export const WorkloadTypeSchema = z.enum(['web', 'api', 'batch', 'stream']);

const AutoscalingSchema = z.strictObject({
  enabled: z.boolean().default(true),
  workload: WorkloadTypeSchema.default('web'),
  /** Defaults from the workload policy. */
  minReplicas: z.number().int().min(1).max(1000).optional(),
  maxReplicas: z.number().int().min(1).max(1000).optional(),
  targetCPUUtilization: z.number().int().min(1).max(500).optional(),
  targetMemoryUtilization: z.number().int().min(1).max(500).optional(),
  targetRequestsPerSecond: z.number().min(0.001).optional(),
});

const IngressSchema = z.strictObject({
  enabled: z.boolean().default(false),
  host: z.string().regex(HOSTNAME, 'must be a DNS host name such as shop.example.com').max(253).optional(),
  path: z.string().regex(/^\//, 'must start with /').max(1024).default('/'),
  tls: z.boolean().default(false),
  /** Secret holding the certificate; default `<appName>-tls`. */
  tlsSecretName: z.string().regex(DNS_SUBDOMAIN).max(253).optional(),
  className: z.string().min(1).max(253).optional(),
  annotations: AnnotationsSchema.optional(),
});

const NetworkingSchema = z.strictObject({
  /** The port the container listens on. */
  port: PortSchema,
  /** The Service port; default 80. */
  servicePort: PortSchema.default(80),
  serviceType: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer']).default('ClusterIP'),
  ingress: IngressSchema.optional(),
});

const SecretRefSchema = z.strictObject({
  /** A Kubernetes Secret in the same namespace. */
  secretName: z.string().regex(DNS_SUBDOMAIN, 'must be a DNS subdomain name').max(253),
  /** ENV_VAR → key in the Secret; without it every key becomes an environment variable. */
  keys: z.record(z.string().regex(ENV_NAME, 'must be an environment variable name').max(256), z.string().min(1).max(253)).optional(),
  /** Mount the Secret as files here instead. */
  mountPath: z.string().regex(/^\//, 'must be an absolute path').max(4096).optional(),
});

const SecuritySchema = z.strictObject({
  runAsNonRoot: z.boolean().default(true),
  runAsUser: z.number().int().min(0).default(10001),
  readOnlyRootFilesystem: z.boolean().default(true),
  allowPrivilegeEscalation: z.boolean().default(false),
  privileged: z.boolean().default(false),
});

const AvailabilitySchema = z.strictObject({
  podDisruptionBudget: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Give one of the two; default `maxUnavailable: 1`. */
      minAvailable: IntOrPercentSchema.optional(),
      maxUnavailable: IntOrPercentSchema.optional(),
    })
    .prefault({}),
  antiAffinity: z.enum(['none', 'preferred', 'required']).default('preferred'),
  topologySpread: z.boolean().default(true),
  topologyKey: z.string().min(1).max(316).default('topology.kubernetes.io/zone'),
});

const ShutdownSchema = z.strictObject({
  /** Seconds the preStop hook sleeps so endpoints drain before SIGTERM. */
  preStopSleepSeconds: z.number().int().min(0).max(300).default(5),
  terminationGracePeriodSeconds: z.number().int().min(1).max(3600).default(30),
});

const ExemptionSchema = z.strictObject({ check: z.string().min(1).max(128), reason: z.string().min(1).max(1024) });

/**
 * A service to deploy: the single source of the `DeploymentConfig` type. Unknown keys are
 * errors (a typo never passes silently); secure defaults for security, availability, shutdown.
 */
export const DeploymentConfigSchema = z.strictObject({
  appName: z.string().regex(DNS_LABEL, 'must be a DNS label: lower-case letters, digits and "-", starting with a letter').max(63),
  environment: z.enum(['development', 'staging', 'production']),
  cloudProvider: z.enum(['aws', 'gcp', 'azure']),
  image: z.string().regex(IMAGE_PATTERN, 'must be an image reference such as registry.example.com/app:1.4.2').max(512),
  replicas: z.number().int().min(0).max(1000).default(2),
  resources: z.strictObject({ requests: ResourceListSchema.optional(), limits: ResourceListSchema.optional() }).optional(),
  probes: z.strictObject({ liveness: ProbeSchema.optional(), readiness: ProbeSchema.optional(), startup: ProbeSchema.optional() }).optional(),
  autoscaling: AutoscalingSchema.optional(),
  networking: NetworkingSchema,
  kubernetes: z.strictObject({
    clusterName: z.string().min(1).max(100),
    namespace: z.string().regex(DNS_LABEL, 'must be a DNS label').max(63).default('default'),
    serviceAccountName: z.string().regex(DNS_SUBDOMAIN).max(253).optional(),
    nodeSelector: z.record(z.string().regex(LABEL_KEY).max(316), z.string().regex(LABEL_VALUE).max(63)).optional(),
  }),
  env: z.record(z.string().regex(ENV_NAME, 'must be an environment variable name').max(256), z.string().max(65_536)).optional(),
  secrets: z.array(SecretRefSchema).max(100).optional(),
  labels: LabelsSchema.optional(),
  annotations: AnnotationsSchema.optional(),
  security: SecuritySchema.prefault({}),
  availability: AvailabilitySchema.prefault({}),
  shutdown: ShutdownSchema.prefault({}),
  /** Readiness checks this workload is exempt from, each with a reason (reported, not hidden). */
  exemptions: z.array(ExemptionSchema).max(50).default([]),
});

/** A parsed deployment config (defaults applied). */
export type DeploymentConfig = z.infer<typeof DeploymentConfigSchema>;
/** What a user writes (defaults optional). */
export type DeploymentConfigInput = z.input<typeof DeploymentConfigSchema>;
export type WorkloadType = z.infer<typeof WorkloadTypeSchema>;
