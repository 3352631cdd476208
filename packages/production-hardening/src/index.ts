// The handful a user starts with. Everything else lives on a subpath per concern:
// `/secrets`, `/validation`, `/readiness`, `/scaling`, `/deployment`.
export { ProductionHardeningSuite, type ProductionHardeningSuiteOptions } from './suite.js';
export { AppSecrets, SecretStore, type OpenSecretStoreOptions } from './secrets/index.js';
export { ConfigValidator, DeploymentConfigSchema, type DeploymentConfig, type DeploymentConfigInput } from './validation/index.js';
export { runReadinessChecks, type ReadinessReport } from './readiness/index.js';
export { AutoScalingOptimizer } from './scaling/index.js';
export { ZeroDowntimeDeployment, generateManifests, toYAML, type DeployOptions, type DeployResult, type KubernetesObject } from './deployment/index.js';
