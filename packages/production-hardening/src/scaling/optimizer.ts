import { GatiError } from '@gati-framework/core';
import { HPAController } from './hpa-controller.js';
import { generateHPAManifest, prometheusAdapterConfigYAML, prometheusAdapterRule, toYAML, type HPAManifestOptions, type PrometheusAdapterRule } from './hpa-manifest.js';
import { POLICIES, type ScalingPolicy, type WorkloadKind } from './policies.js';
import { DEFAULT_TOLERANCE } from './replica-calculator.js';
import { recommendResources, type RecommendOptions, type ResourceRecommendation, type UsageSamples } from './recommend.js';
import { simulateAutoscaling, type SimulationOptions, type SimulationStep } from './simulate.js';
import type { HPASpec, HorizontalPodAutoscalerManifest } from './types.js';

/** Input of {@link AutoScalingOptimizer.calculateOptimalReplicas}. */
export interface OptimalReplicasInput {
  currentReplicas: number;
  /** Current average metric value per pod (or utilization %). */
  currentValue: number;
  targetValue: number;
  /** Default 0.1. */
  tolerance?: number;
  minReplicas?: number;
  maxReplicas?: number;
}

/** Options of {@link AutoScalingOptimizer.simulate}: a workload policy or a full HPA spec. */
export type SimulateInput = Omit<SimulationOptions, 'spec'> & ({ spec: HPASpec } | { workload: WorkloadKind; minReplicas?: number; maxReplicas?: number });

/**
 * Autoscaling for Gati workloads: policies per workload kind, `autoscaling/v2` HPA manifests
 * (and the prometheus-adapter rule), the Kubernetes HPA algorithm, simulation, and
 * request/limit recommendations.
 */
export class AutoScalingOptimizer {
  /** The built-in policy of a workload kind. */
  getPolicy(workload: WorkloadKind): ScalingPolicy {
    const policy = POLICIES[workload];
    if (!policy) throw new GatiError('INVALID_CONFIG', `Unknown workload "${String(workload)}"; use one of ${Object.keys(POLICIES).join(', ')}.`);
    return structuredClone(policy);
  }

  generateHPAManifest(options: HPAManifestOptions): HorizontalPodAutoscalerManifest {
    return generateHPAManifest(options);
  }

  generateHPAYAML(options: HPAManifestOptions): string {
    return toYAML(generateHPAManifest(options));
  }

  /** The prometheus-adapter rule that serves the api policy's per-pod request rate. */
  prometheusAdapterRule(options?: { counter?: string; window?: string }): PrometheusAdapterRule {
    return prometheusAdapterRule(options);
  }

  prometheusAdapterConfigYAML(options?: { counter?: string; window?: string }): string {
    return prometheusAdapterConfigYAML(options);
  }

  /**
   * The controller's core formula: desired = ceil(currentReplicas × currentValue / targetValue),
   * unchanged within the tolerance, then clamped to [min, max] when given.
   */
  calculateOptimalReplicas(input: OptimalReplicasInput): number {
    const { currentReplicas, currentValue, targetValue } = input;
    if (!(targetValue > 0) || currentReplicas < 0 || currentValue < 0) throw new GatiError('INVALID_CONFIG', 'Need targetValue > 0, currentReplicas ≥ 0 and currentValue ≥ 0.');
    const ratio = currentValue / targetValue;
    let desired = Math.abs(1 - ratio) <= (input.tolerance ?? DEFAULT_TOLERANCE) ? currentReplicas : Math.ceil(currentReplicas * ratio);
    if (input.minReplicas !== undefined) desired = Math.max(input.minReplicas, desired);
    if (input.maxReplicas !== undefined) desired = Math.min(input.maxReplicas, desired);
    return desired;
  }

  /** A stateful HPA model (stabilization windows and rate policies across calls to `step`). */
  createController(spec: HPASpec, options?: { tolerance?: number }): HPAController {
    return new HPAController(spec, options);
  }

  /**
   * Replicas per step for a load time series, through the full HPA algorithm. A bare array is
   * a trace for the `web` policy (total CPU millicores per 15 s step, 1-CPU requests).
   */
  simulate(input: SimulateInput | number[]): SimulationStep[] {
    if (Array.isArray(input)) return this.simulate({ workload: 'web', trace: input });
    if ('spec' in input) return simulateAutoscaling(input);
    const policy = this.getPolicy(input.workload);
    const spec: HPASpec = { minReplicas: input.minReplicas ?? policy.minReplicas, maxReplicas: input.maxReplicas ?? policy.maxReplicas, metrics: [policy.metric], behavior: policy.behavior };
    return simulateAutoscaling({ ...input, spec });
  }

  /** Requests and a memory limit from usage samples (percentile + margin, as the VPA recommender). */
  recommend(samples: UsageSamples, options?: RecommendOptions): ResourceRecommendation {
    return recommendResources(samples, options);
  }
}
