export {
  ZeroDowntimeDeployment,
  type DeployOptions,
  type DeployResult,
  type ManifestChange,
  type SmokeTestTarget,
  type ZeroDowntimeDeploymentOptions,
} from './zero-downtime.js';
export { runSmokeTests, verifyDeploymentHealth, type HealthVerdict, type SmokeTest, type SmokeTestOptions, type SmokeTestReport, type SmokeTestResult } from './smoke-tests.js';
export { ROLLOUT_STRATEGY, withRolloutStrategy, type RolloutOverrides } from './rollout-strategy.js';
export { diffDesired, type FieldChange } from './diff.js';
export { DeployOptionsSchema, SmokeTestSchema } from './deploy-options.js';
export type { FirstDeployCleanup } from './first-deploy.js';
export { generateManifests, labelsFor, INSTANCE_LABEL, NAME_LABEL } from '../manifests/deployment-manifests.js';
export type { GeneratedManifests, KubernetesObject } from '../manifests/types.js';
export { toYAML } from '../scaling/hpa-manifest.js';
