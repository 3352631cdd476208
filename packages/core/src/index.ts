export { ERROR_CODES, GATI_ERROR_CODES, type GatiErrorCode } from './errors/codes.js';
export { GatiError, isGatiError, type GatiErrorOptions } from './errors/gati-error.js';
export { abortedError, sleep, throwIfAborted } from './errors/abort.js';
export { noopLogger, type LogFields, type Logger } from './logging/logger.js';
export { ProgressReporter, type OperationOptions, type ProgressEvent, type ProgressPhase } from './progress/progress.js';
export { backoffDelay, poll, retry, type PollOptions, type PollResult } from './wait/poll.js';
export { Operation, type ChangeOutcome, type OperationSettings, type ProviderErrors } from './provisioning/operation.js';
export { ensure, type EnsureOptions, type Ensured } from './provisioning/ensure.js';
export { Provisioning, type ProvisioningOptions } from './provisioning/provisioning.js';
export { MANAGED_BY, ownedBy, ownershipTags, TAG_CLUSTER, TAG_COMPONENT, TAG_MANAGED_BY, TAG_PREFIX, userTags } from './provisioning/ownership.js';
export {
  ClusterAutoscalingSchema,
  ClusterConfigSchema,
  KubernetesLabelsSchema,
  NetworkConfigSchema,
  NodePoolSchema,
  ResourceNameSchema,
  TagsSchema,
  TaintSchema,
  type ClusterConfig,
  type ClusterConfigInput,
  type NetworkConfig,
  type NodePoolConfig,
  type Taint,
} from './config/cluster.js';
export {
  HealthCheckSchema,
  LoadBalancerConfigSchema,
  LoadBalancerRefSchema,
  type LoadBalancerConfig,
  type LoadBalancerConfigInput,
  type LoadBalancerRef,
} from './config/load-balancer.js';
export { MAX_SECRET_BYTES, SecretConfigSchema, SecretNameSchema, type DeleteSecretOptions, type SecretConfig } from './config/secret.js';
export type {
  ClusterInfo,
  ClusterStatus,
  DeploymentEvent,
  DeploymentResult,
  LoadBalancerInfo,
  NodePoolInfo,
  PlanAction,
  PlanStep,
  ProvisioningPlan,
  SecretRef,
  ValidationIssue,
  ValidationResult,
} from './config/results.js';
export { cidrContains, cidrOverlaps, cidrSize, formatCidr, formatIpv4, networkOf, parseCidr, type Ipv4Cidr } from './config/cidr.js';
export { extraCaFromEnvironment } from './config/extra-ca.js';
export { invalidConfigError, parseConfig, validateWithSchema } from './config/validate.js';
export { VALIDATION_LIMITS, capIssues, inspectInput, type ValidationLimits } from './config/limits.js';
export { BaseProviderConfigSchema, type BaseProviderConfig, type ICloudProvider, type KubeconfigOptions } from './provider/cloud-provider.js';
export { ManagedCloudProvider, QUICK_OPERATION_TIMEOUT_MS, type LoadBalancing, type ProviderSlots, type ProviderTimings } from './provider/managed-provider.js';
export { renderKubeconfig, type KubeconfigSpec, type KubeconfigUser } from './kubeconfig/kubeconfig.js';
export {
  BUILTIN_PROVIDER_PACKAGES,
  createCloudProvider,
  registerCloudProvider,
  unregisterCloudProvider,
  type BuiltinProviderName,
  type CloudProviderFactory,
  type CreateCloudProviderOptions,
} from './registry/registry.js';
