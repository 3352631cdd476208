export { SecretManager, type OpenSecretStoreOptions, type SecretManagerOptions } from './secrets/secret-manager.js';
export { SecretStore, type KeyVersionInfo, type RotateOptions, type RotationResult } from './secrets/secret-store.js';
export type { RotationEvent } from './secrets/store-format.js';
export { SecretIntegrityError, isSecretIntegrityError, type SecretIntegrityReason } from './secrets/errors.js';
export { DEFAULT_SCRYPT_N } from './secrets/kdf.js';
export { Sanitizer, type SanitizerOptions } from './secrets/sanitize.js';
export { sanitizeFormat, type SanitizeFormat } from './secrets/winston-format.js';
export { validateSecretStrength, type StrengthOptions, type StrengthResult } from './secrets/strength.js';
export type { FileLockOptions } from './secrets/file-lock.js';
export { ProductionHardeningSuite, type ProductionHardeningSuiteOptions } from './suite.js';
export { ConfigValidator, deploymentConfigJSONSchema } from './validation/config-validator.js';
export { validateJSONSchema } from './validation/json-schema.js';
export {
  DeploymentConfigSchema,
  IMAGE_PATTERN,
  WorkloadTypeSchema,
  type DeploymentConfig,
  type DeploymentConfigInput,
  type WorkloadType,
} from './validation/deployment-config.js';
export { checkDeploymentRules, isPinnedImage, type RuleResult } from './validation/rules.js';
export { QUANTITY_PATTERN, cpuMillicores, formatCpu, formatMemory, isQuantity, memoryBytes, parseQuantity, type Quantity } from './validation/quantity.js';
export { generateManifests, labelsFor, INSTANCE_LABEL, NAME_LABEL } from './manifests/deployment-manifests.js';
export type { GeneratedManifests, KubernetesObject } from './manifests/types.js';
export { READINESS_CHECKS, type ReadinessCheckDefinition, type Severity } from './readiness/checks.js';
export { runReadinessChecks, type ReadinessCheckResult, type ReadinessOptions, type ReadinessReport } from './readiness/readiness.js';
export { AutoScalingOptimizer, type OptimalReplicasInput, type SimulateInput } from './scaling/optimizer.js';
export { HPAController, type HPAStepInput, type HPAStepResult, type MetricObservation } from './scaling/hpa-controller.js';
export {
  DEFAULT_TOLERANCE,
  averageOfTotalReplicas,
  averageValueReplicas,
  resourceUtilizationReplicas,
  valueReplicas,
  type PodSample,
  type ReplicaProposal,
} from './scaling/replica-calculator.js';
export { DEFAULT_BEHAVIOR, POLICIES, REQUESTS_PER_SECOND_METRIC, type ScalingPolicy, type WorkloadKind } from './scaling/policies.js';
export { generateHPAManifest, prometheusAdapterConfigYAML, prometheusAdapterRule, renderAdapterQuery, toYAML, type HPAManifestOptions, type PrometheusAdapterRule } from './scaling/hpa-manifest.js';
export { simulateAutoscaling, type SimulationOptions, type SimulationStep } from './scaling/simulate.js';
export { recommendResources, type RecommendOptions, type ResourceEstimate, type ResourceRecommendation, type UsageSamples } from './scaling/recommend.js';
export type { HPABehavior, HPAScalingPolicy, HPAScalingRules, HPASpec, HorizontalPodAutoscalerManifest, MetricSpec, MetricTarget } from './scaling/types.js';
export {
  ZeroDowntimeDeployment,
  runSmokeTests,
  verifyDeploymentHealth,
  type DeployOptions,
  type DeployResult,
  type HealthVerdict,
  type SmokeTest,
  type SmokeTestReport,
  type ZeroDowntimeDeploymentOptions,
} from './deployment/index.js';
