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
