export { AutoScalingOptimizer, type OptimalReplicasInput, type SimulateInput } from './optimizer.js';
export { HPAController, type HPAStepInput, type HPAStepResult, type MetricObservation } from './hpa-controller.js';
export {
  DEFAULT_TOLERANCE,
  averageOfTotalReplicas,
  averageValueReplicas,
  resourceUtilizationReplicas,
  valueReplicas,
  type PodSample,
  type ReplicaProposal,
} from './replica-calculator.js';
export { DEFAULT_BEHAVIOR, POLICIES, REQUESTS_PER_SECOND_METRIC, type ScalingPolicy, type WorkloadKind } from './policies.js';
export { generateHPAManifest, prometheusAdapterConfigYAML, prometheusAdapterRule, renderAdapterQuery, toYAML, type HPAManifestOptions, type PrometheusAdapterRule } from './hpa-manifest.js';
export { simulateAutoscaling, type SimulationOptions, type SimulationStep } from './simulate.js';
export { recommendResources, type RecommendOptions, type ResourceEstimate, type ResourceRecommendation, type UsageSamples } from './recommend.js';
export type { HPABehavior, HPAScalingPolicy, HPAScalingRules, HPASpec, HorizontalPodAutoscalerManifest, MetricSpec, MetricTarget } from './types.js';
export type { KubernetesObject } from '../manifests/types.js';
