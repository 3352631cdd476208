import type { DeploymentConfig } from '../validation/deployment-config.js';
import type { KubernetesObject } from '../manifests/types.js';

/** Rolling-update fenceposts per environment: never below the desired count; faster surges where it is cheap. */
export const ROLLOUT_STRATEGY: Record<DeploymentConfig['environment'], { maxSurge: string; maxUnavailable: number }> = {
  development: { maxSurge: '100%', maxUnavailable: 0 },
  staging: { maxSurge: '50%', maxUnavailable: 0 },
  production: { maxSurge: '25%', maxUnavailable: 0 },
};

/** Deployment fields a deploy may override (e.g. shorter `minReadySeconds` in tests). */
export interface RolloutOverrides {
  minReadySeconds?: number;
  progressDeadlineSeconds?: number;
  revisionHistoryLimit?: number;
  maxSurge?: number | string;
  maxUnavailable?: number | string;
}

/** Returns a copy of the Deployment manifest with the environment's strategy and the overrides applied. */
export function withRolloutStrategy(deployment: KubernetesObject, environment: DeploymentConfig['environment'], overrides: RolloutOverrides = {}): KubernetesObject {
  const base = ROLLOUT_STRATEGY[environment];
  const spec = { ...(deployment.spec ?? {}) };
  spec['strategy'] = { type: 'RollingUpdate', rollingUpdate: { maxSurge: overrides.maxSurge ?? base.maxSurge, maxUnavailable: overrides.maxUnavailable ?? base.maxUnavailable } };
  if (overrides.minReadySeconds !== undefined) spec['minReadySeconds'] = overrides.minReadySeconds;
  if (overrides.progressDeadlineSeconds !== undefined) spec['progressDeadlineSeconds'] = overrides.progressDeadlineSeconds;
  if (overrides.revisionHistoryLimit !== undefined) spec['revisionHistoryLimit'] = overrides.revisionHistoryLimit;
  return { ...deployment, spec };
}
