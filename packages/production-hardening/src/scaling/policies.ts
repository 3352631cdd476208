import type { HPABehavior, MetricSpec } from './types.js';

/** The workload kinds with a built-in autoscaling policy. */
export type WorkloadKind = 'web' | 'api' | 'batch' | 'stream';

/** A workload's scaling policy: replica range, the metric and target, and the scaling behavior. */
export interface ScalingPolicy {
  workload: WorkloadKind;
  description: string;
  minReplicas: number;
  maxReplicas: number;
  metric: MetricSpec;
  behavior: HPABehavior;
}

/** Per-pod request rate the api policy scales on, served by prometheus-adapter from `gati_http_requests_total`. */
export const REQUESTS_PER_SECOND_METRIC = 'gati_http_requests_per_second';

/** The Kubernetes default behavior (used when a spec gives none). */
export const DEFAULT_BEHAVIOR: Required<{ [K in keyof HPABehavior]: Required<NonNullable<HPABehavior[K]>> }> = {
  scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
  scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
};

/** The built-in policies: web (CPU 70 %, 2–10), api (1000 req/s per pod, 3–20), batch (CPU 80 %, 1–50), stream (memory 75 %, 2–15). */
export const POLICIES: Record<WorkloadKind, ScalingPolicy> = {
  web: {
    workload: 'web',
    description: 'Request/response web front ends: CPU-bound, quick to start.',
    minReplicas: 2,
    maxReplicas: 10,
    metric: { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
    behavior: {
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
    },
  },
  api: {
    workload: 'api',
    description: 'APIs scaled on request rate per pod (needs prometheus-adapter).',
    minReplicas: 3,
    maxReplicas: 20,
    metric: { type: 'Pods', pods: { metric: { name: REQUESTS_PER_SECOND_METRIC }, target: { type: 'AverageValue', averageValue: '1k' } } },
    behavior: {
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 20, periodSeconds: 60 }] },
    },
  },
  batch: {
    workload: 'batch',
    description: 'Queue workers and batch jobs: scale out fast and far, scale in slowly.',
    minReplicas: 1,
    maxReplicas: 50,
    metric: { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
    behavior: {
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 200, periodSeconds: 30 }, { type: 'Pods', value: 10, periodSeconds: 30 }] },
      scaleDown: { stabilizationWindowSeconds: 600, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 50, periodSeconds: 120 }] },
    },
  },
  stream: {
    workload: 'stream',
    description: 'Stream processors holding state in memory: scale gently in both directions.',
    minReplicas: 2,
    maxReplicas: 15,
    metric: { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 75 } } },
    behavior: {
      scaleUp: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] },
      scaleDown: { stabilizationWindowSeconds: 600, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }, { type: 'Percent', value: 10, periodSeconds: 120 }] },
    },
  },
};
