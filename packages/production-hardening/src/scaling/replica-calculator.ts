/**
 * The replica calculation of the Kubernetes HPA controller (pkg/controller/podautoscaler/
 * replica_calculator.go), ported to plain numbers: tolerance, missing and not-ready pods,
 * Resource / Pods / Object / External metrics.
 */

/** Default tolerance of the controller (`--horizontal-pod-autoscaler-tolerance`). */
export const DEFAULT_TOLERANCE = 0.1;

/** One pod the HPA targets, as the controller sees it. */
export interface PodSample {
  name: string;
  /** The metric value (usage for Resource metrics, in the request's unit); undefined = no metric yet. */
  value?: number;
  /** The pod's resource request (Resource metrics only). */
  request?: number;
  /** Ready condition. Default true. */
  ready?: boolean;
  /** Pod phase. Default `Running`. */
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  /** Has a deletion timestamp. */
  deleting?: boolean;
}

/** The outcome of one metric. */
export interface ReplicaProposal {
  replicas: number;
  /** current / target, before missing and unready pods were accounted for. */
  usageRatio: number;
  /** Utilization in % (Resource Utilization) or the average value (others). */
  usage: number;
}

interface Grouped {
  metrics: Map<string, number>;
  requests: Map<string, number>;
  readyCount: number;
  unready: string[];
  missing: string[];
}

/** groupPods: failed/deleted pods are ignored, pending (and, for CPU, not-ready) pods are unready. */
function groupPods(pods: PodSample[], readinessMatters: boolean): Grouped {
  const metrics = new Map<string, number>();
  const requests = new Map<string, number>();
  const unready: string[] = [];
  const missing: string[] = [];
  let readyCount = 0;
  for (const pod of pods) {
    if (pod.deleting || pod.phase === 'Failed' || pod.phase === 'Succeeded') continue;
    if (pod.request !== undefined) requests.set(pod.name, pod.request);
    if (pod.phase === 'Pending') {
      unready.push(pod.name);
      continue;
    }
    if (pod.value === undefined) {
      missing.push(pod.name);
      continue;
    }
    if (readinessMatters && pod.ready === false) {
      unready.push(pod.name);
      continue;
    }
    metrics.set(pod.name, pod.value);
    readyCount += 1;
  }
  return { metrics, requests, readyCount, unready, missing };
}

function sum(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** The controller works on int64 milli-values (Quantity.MilliValue); so do we, to round where it rounds. */
const milli = (v: number): number => Math.round(v * 1000);

/** The shared second pass: fill in missing/unready pods, recompute, refuse direction flips. */
function finish(
  currentReplicas: number,
  g: Grouped,
  usageRatio: number,
  tolerance: number,
  fallbackForMissing: (pod: string) => number,
  ratioOf: (metrics: Map<string, number>) => number,
): number {
  const scaleUpWithUnready = g.unready.length > 0 && usageRatio > 1;
  if (!scaleUpWithUnready && g.missing.length === 0) {
    if (Math.abs(1 - usageRatio) <= tolerance) return currentReplicas;
    return Math.ceil(usageRatio * g.readyCount);
  }
  const metrics = new Map(g.metrics);
  if (g.missing.length > 0) {
    // Scale down: assume missing pods use the target (or 100 % of request); scale up: assume 0.
    if (usageRatio < 1) for (const p of g.missing) metrics.set(p, fallbackForMissing(p));
    else if (usageRatio > 1) for (const p of g.missing) metrics.set(p, 0);
  }
  if (scaleUpWithUnready) for (const p of g.unready) metrics.set(p, 0);
  const newRatio = ratioOf(metrics);
  if (Math.abs(1 - newRatio) <= tolerance || (usageRatio < 1 && newRatio > 1) || (usageRatio > 1 && newRatio < 1)) return currentReplicas;
  const newReplicas = Math.ceil(newRatio * metrics.size);
  if ((newRatio < 1 && newReplicas > currentReplicas) || (newRatio > 1 && newReplicas < currentReplicas)) return currentReplicas;
  return newReplicas;
}

/** Resource metric with a Utilization target (e.g. CPU 70 %); readiness only matters for CPU. */
export function resourceUtilizationReplicas(
  currentReplicas: number,
  pods: PodSample[],
  targetUtilization: number,
  options: { resource?: 'cpu' | 'memory'; tolerance?: number } = {},
): ReplicaProposal | undefined {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const g = groupPods(pods, (options.resource ?? 'cpu') === 'cpu');
  if (g.metrics.size === 0) return undefined; // no metrics for any ready pod: the controller skips
  const ratioOf = (m: Map<string, number>): number => {
    const used = sum([...m.values()].map(milli));
    const requested = sum([...m.keys()].map((p) => milli(g.requests.get(p) ?? 0)));
    // GetResourceUtilizationRatio: utilization is an integer percentage (truncated).
    return requested > 0 ? Math.trunc((used * 100) / requested) / targetUtilization : Number.NaN;
  };
  const usageRatio = ratioOf(g.metrics);
  if (!Number.isFinite(usageRatio)) return undefined; // missing requests: the controller refuses
  const fallback = Math.max(100, targetUtilization);
  const replicas = finish(currentReplicas, g, usageRatio, tolerance, (p) => ((g.requests.get(p) ?? 0) * fallback) / 100, ratioOf);
  return { replicas, usageRatio, usage: usageRatio * targetUtilization };
}

/** Pods metric (or a Resource metric with an AverageValue target): average per pod vs the target. */
export function averageValueReplicas(currentReplicas: number, pods: PodSample[], targetAverage: number, options: { tolerance?: number; readinessMatters?: boolean } = {}): ReplicaProposal | undefined {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const g = groupPods(pods, options.readinessMatters ?? false);
  if (g.metrics.size === 0 || targetAverage <= 0) return undefined;
  // GetMetricUsageRatio: integer average of milli-values over the target's milli-value.
  const ratioOf = (m: Map<string, number>): number => Math.trunc(sum([...m.values()].map(milli)) / m.size) / milli(targetAverage);
  const usageRatio = ratioOf(g.metrics);
  const replicas = finish(currentReplicas, g, usageRatio, tolerance, () => targetAverage, ratioOf);
  return { replicas, usageRatio, usage: usageRatio * targetAverage };
}

/** Object/External metric with a Value target: ratio × ready pods (ceil), within tolerance = no change. */
export function valueReplicas(currentReplicas: number, readyPods: number, value: number, target: number, tolerance = DEFAULT_TOLERANCE): ReplicaProposal {
  const usageRatio = value / target;
  if (currentReplicas === 0) return { replicas: Math.ceil(usageRatio), usageRatio, usage: value };
  if (Math.abs(1 - usageRatio) <= tolerance) return { replicas: currentReplicas, usageRatio, usage: value };
  return { replicas: Math.ceil(usageRatio * readyPods), usageRatio, usage: value };
}

/** Object/External metric with an AverageValue target: total ÷ per-pod target, within tolerance = no change. */
export function averageOfTotalReplicas(currentReplicas: number, value: number, targetAverage: number, tolerance = DEFAULT_TOLERANCE): ReplicaProposal {
  const usageRatio = value / (targetAverage * Math.max(currentReplicas, 1));
  const replicas = Math.abs(1 - usageRatio) > tolerance ? Math.ceil(value / targetAverage) : currentReplicas;
  return { replicas, usageRatio, usage: value / Math.max(currentReplicas, 1) };
}
