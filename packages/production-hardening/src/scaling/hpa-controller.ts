import { invalidConfigError, type ValidationIssue } from '@gati-framework/core';
import { parseQuantity } from '../validation/quantity.js';
import { DEFAULT_BEHAVIOR } from './policies.js';
import {
  DEFAULT_TOLERANCE,
  averageOfTotalReplicas,
  averageValueReplicas,
  resourceUtilizationReplicas,
  valueReplicas,
  type PodSample,
  type ReplicaProposal,
} from './replica-calculator.js';
import type { HPAScalingRules, HPASpec, MetricSpec, MetricTarget } from './types.js';

/** What the controller observed for one entry of `spec.metrics` (same order). */
export interface MetricObservation {
  /** Per-pod samples (Resource and Pods metrics). */
  pods?: PodSample[];
  /** The object's or external metric's value (Object and External metrics). */
  value?: number;
}

export interface HPAStepInput {
  /** Clock in seconds (any origin, increasing). */
  now: number;
  currentReplicas: number;
  observations: MetricObservation[];
}

export interface HPAStepResult {
  desiredReplicas: number;
  /** The largest proposal across metrics, before stabilization and rate limits. */
  metricReplicas: number | undefined;
  /** Each metric's proposal (undefined when it had no usable data). */
  proposals: (ReplicaProposal | undefined)[];
  /** After the stabilization windows, before the rate policies. */
  stabilizedReplicas: number;
  reason: string;
}

type Rules = Required<HPAScalingRules>;

function resolveRules(rules: HPAScalingRules | undefined, fallback: Rules): Rules {
  return {
    stabilizationWindowSeconds: rules?.stabilizationWindowSeconds ?? fallback.stabilizationWindowSeconds,
    selectPolicy: rules?.selectPolicy ?? fallback.selectPolicy,
    policies: rules?.policies ?? fallback.policies,
  };
}

/** The target as a number; undefined when it does not parse (the constructor refuses such specs). */
function targetValue(target: MetricTarget | undefined): number | undefined {
  if (!target || typeof target !== 'object') return undefined;
  if (target.type === 'Utilization') return typeof target.averageUtilization === 'number' && target.averageUtilization > 0 ? target.averageUtilization : undefined;
  if (target.type !== 'AverageValue' && target.type !== 'Value') return undefined;
  const raw: unknown = target.type === 'AverageValue' ? target.averageValue : target.value;
  const q = typeof raw === 'string' ? parseQuantity(raw) : undefined;
  return q !== undefined && q > 0 ? q : undefined;
}

function targetNumber(target: MetricTarget): number {
  return targetValue(target) as number; // checked by checkSpec at construction
}

function metricTarget(metric: MetricSpec): [string, MetricTarget | undefined] {
  switch (metric?.type) {
    case 'Resource':
      return ['resource.target', metric.resource?.target];
    case 'Pods':
      return ['pods.target', metric.pods?.target];
    case 'Object':
      return ['object.target', metric.object?.target];
    case 'External':
      return ['external.target', metric.external?.target];
    default:
      return ['type', undefined];
  }
}

/** Every problem of an HPA spec, with its path: the constructor reports them as one INVALID_CONFIG. */
function checkSpec(spec: HPASpec): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const count = (value: unknown, min: number): boolean => typeof value === 'number' && Number.isInteger(value) && value >= min;
  if (!count(spec?.minReplicas, 0)) issues.push({ path: 'minReplicas', message: `must be an integer ≥ 0 (got ${String(spec?.minReplicas)})`, code: 'invalid_type' });
  if (!count(spec?.maxReplicas, 1)) issues.push({ path: 'maxReplicas', message: `must be an integer ≥ 1 (got ${String(spec?.maxReplicas)})`, code: 'invalid_type' });
  if (issues.length === 0 && spec.minReplicas > spec.maxReplicas) {
    issues.push({ path: 'minReplicas', message: `minReplicas (${spec.minReplicas}) must not exceed maxReplicas (${spec.maxReplicas})`, code: 'min_exceeds_max' });
  }
  if (!Array.isArray(spec?.metrics)) {
    issues.push({ path: 'metrics', message: 'must be an array of autoscaling/v2 metric specs', code: 'invalid_type' });
    return issues;
  }
  spec.metrics.forEach((metric, i) => {
    const [where, target] = metricTarget(metric);
    if (where === 'type') issues.push({ path: `metrics.${i}.type`, message: 'must be Resource, Pods, Object or External', code: 'invalid_value' });
    else if (targetValue(target) === undefined) {
      issues.push({ path: `metrics.${i}.${where}`, message: 'needs a positive averageUtilization, or an averageValue/value quantity such as 500m or 1k', code: 'invalid_target' });
    }
  });
  return issues;
}

function readyPods(pods: PodSample[] | undefined, fallback: number): number {
  if (!pods) return fallback;
  return pods.filter((p) => !p.deleting && p.phase !== 'Failed' && p.phase !== 'Pending' && p.ready !== false).length;
}

interface Event {
  t: number;
  change: number;
}

/**
 * A stateful model of one HorizontalPodAutoscaler, step by step: the max across metrics,
 * then the stabilization windows, then the scale-up/scale-down policies (Pods/Percent per
 * period, `selectPolicy`), then min/max — the order of the Kubernetes controller.
 */
export class HPAController {
  private readonly up: Rules;
  private readonly down: Rules;
  private readonly tolerance: number;
  private recommendations: { t: number; replicas: number }[] = [];
  private upEvents: Event[] = [];
  private downEvents: Event[] = [];

  constructor(
    readonly spec: HPASpec,
    options: { tolerance?: number } = {},
  ) {
    const issues = checkSpec(spec);
    if (issues.length > 0) throw invalidConfigError('HPA spec', issues);
    this.up = resolveRules(spec.behavior?.scaleUp, DEFAULT_BEHAVIOR.scaleUp);
    this.down = resolveRules(spec.behavior?.scaleDown, DEFAULT_BEHAVIOR.scaleDown);
    this.tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  }

  /** One reconcile of the controller; records the scale event when the result differs from `currentReplicas`. */
  step(input: HPAStepInput): HPAStepResult {
    const { now, currentReplicas: current } = input;
    const { minReplicas: min, maxReplicas: max } = this.spec;
    const proposals = this.spec.metrics.map((m, i) => this.proposal(m, input.observations[i], current));
    const valid = proposals.filter((p): p is ReplicaProposal => p !== undefined).map((p) => p.replicas);
    const metricReplicas = valid.length ? Math.max(...valid) : undefined;

    let desired: number;
    let stabilized = current;
    let reason: string;
    if (current === 0 && min !== 0) {
      return { desiredReplicas: 0, metricReplicas, proposals, stabilizedReplicas: 0, reason: 'scaling is disabled (the target has 0 replicas)' };
    } else if (current > max) {
      desired = max;
      reason = 'current replicas above maxReplicas';
    } else if (current < min) {
      desired = min;
      reason = 'current replicas below minReplicas';
    } else if (metricReplicas === undefined || (valid.length < proposals.length && metricReplicas < current)) {
      // No usable metric, or some metrics failed and the rest would scale down: do nothing.
      desired = current;
      reason = metricReplicas === undefined ? 'no metric data' : 'some metrics are unavailable; not scaling down';
    } else {
      stabilized = this.stabilize(now, current, metricReplicas);
      ({ desired, reason } = this.limitRate(now, current, stabilized));
    }
    if (desired > current) this.upEvents.push({ t: now, change: desired - current });
    else if (desired < current) this.downEvents.push({ t: now, change: current - desired });
    this.prune(now);
    return { desiredReplicas: desired, metricReplicas, proposals, stabilizedReplicas: stabilized, reason };
  }

  private proposal(metric: MetricSpec, obs: MetricObservation | undefined, current: number): ReplicaProposal | undefined {
    if (!obs) return undefined;
    const tolerance = this.tolerance;
    switch (metric.type) {
      case 'Resource': {
        const { target, name } = metric.resource;
        if (!obs.pods) return undefined;
        if (target.type === 'Utilization') return resourceUtilizationReplicas(current, obs.pods, target.averageUtilization, { resource: name, tolerance });
        return averageValueReplicas(current, obs.pods, targetNumber(target), { tolerance, readinessMatters: name === 'cpu' });
      }
      case 'Pods':
        return obs.pods ? averageValueReplicas(current, obs.pods, targetNumber(metric.pods.target), { tolerance }) : undefined;
      case 'Object':
      case 'External': {
        const target = metric.type === 'Object' ? metric.object.target : metric.external.target;
        if (obs.value === undefined) return undefined;
        if (target.type === 'AverageValue') return averageOfTotalReplicas(current, obs.value, targetNumber(target), tolerance);
        return valueReplicas(current, readyPods(obs.pods, current), obs.value, targetNumber(target), tolerance);
      }
    }
  }

  /** stabilizeRecommendationWithBehaviors: min over the scale-up window, max over the scale-down window. */
  private stabilize(now: number, current: number, desired: number): number {
    if (this.recommendations.length === 0) this.recommendations.push({ t: now, replicas: current });
    const upCutoff = now - this.up.stabilizationWindowSeconds;
    const downCutoff = now - this.down.stabilizationWindowSeconds;
    let upRec = desired;
    let downRec = desired;
    let oldIndex = -1;
    this.recommendations.forEach((r, i) => {
      if (r.t > upCutoff) upRec = Math.min(r.replicas, upRec);
      if (r.t > downCutoff) downRec = Math.max(r.replicas, downRec);
      if (r.t < upCutoff && r.t < downCutoff) oldIndex = i;
    });
    let recommendation = current;
    if (recommendation < upRec) recommendation = upRec;
    if (recommendation > downRec) recommendation = downRec;
    if (oldIndex >= 0) this.recommendations[oldIndex] = { t: now, replicas: desired };
    else this.recommendations.push({ t: now, replicas: desired });
    return recommendation;
  }

  private changeIn(events: Event[], now: number, period: number): number {
    return events.filter((e) => e.t > now - period).reduce((s, e) => s + e.change, 0);
  }

  /** convertDesiredReplicasWithBehaviorRate: Pods/Percent policies per period, selectPolicy, then min/max. */
  private limitRate(now: number, current: number, desired: number): { desired: number; reason: string } {
    const { minReplicas: min, maxReplicas: max } = this.spec;
    if (desired > current) {
      let limit = this.scaleUpLimit(now, current);
      if (limit < current) limit = current;
      const bound = Math.min(max, limit);
      return desired > bound ? { desired: bound, reason: bound === max ? 'capped at maxReplicas' : 'limited by the scale-up policy' } : { desired, reason: 'scaling up' };
    }
    if (desired < current) {
      let limit = this.scaleDownLimit(now, current);
      if (limit > current) limit = current;
      const bound = Math.max(min, limit);
      return desired < bound ? { desired: bound, reason: bound === min ? 'held at minReplicas' : 'limited by the scale-down policy' } : { desired, reason: 'scaling down' };
    }
    return { desired, reason: 'within tolerance or stabilized' };
  }

  private scaleUpLimit(now: number, current: number): number {
    if (this.up.selectPolicy === 'Disabled') return current;
    const pick = this.up.selectPolicy === 'Min' ? Math.min : Math.max;
    let result = this.up.selectPolicy === 'Min' ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
    for (const p of this.up.policies) {
      const start = current - this.changeIn(this.upEvents, now, p.periodSeconds) + this.changeIn(this.downEvents, now, p.periodSeconds);
      const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
      result = pick(result, proposed);
    }
    return result;
  }

  private scaleDownLimit(now: number, current: number): number {
    if (this.down.selectPolicy === 'Disabled') return current;
    // "Max" means the policy allowing the biggest change, i.e. the fewest replicas.
    const pick = this.down.selectPolicy === 'Min' ? Math.max : Math.min;
    let result = this.down.selectPolicy === 'Min' ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
    for (const p of this.down.policies) {
      const start = current + this.changeIn(this.downEvents, now, p.periodSeconds) - this.changeIn(this.upEvents, now, p.periodSeconds);
      const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
      result = pick(result, proposed);
    }
    return result;
  }

  /** Keeps memory bounded: drop events older than the longest policy period. */
  private prune(now: number): void {
    const longest = Math.max(0, ...this.up.policies.map((p) => p.periodSeconds), ...this.down.policies.map((p) => p.periodSeconds));
    this.upEvents = this.upEvents.filter((e) => e.t > now - longest);
    this.downEvents = this.downEvents.filter((e) => e.t > now - longest);
    if (this.recommendations.length > 10_000) this.recommendations.splice(0, this.recommendations.length - 10_000);
  }
}
