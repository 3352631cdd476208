export { READINESS_CHECKS, type ReadinessCheckDefinition, type Severity } from './checks.js';
export { runReadinessChecks, type ReadinessCheckResult, type ReadinessOptions, type ReadinessReport } from './readiness.js';
export type { KubernetesObject } from '../manifests/types.js';
