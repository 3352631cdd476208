import { GatiError } from '@gati-framework/core';
import { HPAController } from './hpa-controller.js';
import type { PodSample } from './replica-calculator.js';
import type { HPASpec } from './types.js';

/** Options of {@link simulateAutoscaling}. */
export interface SimulationOptions {
  spec: HPASpec;
  /** Total load per step in the first metric's unit: millicores (CPU), bytes (memory), requests/s (Pods). */
  trace: number[];
  /** Default `spec.minReplicas`. */
  initialReplicas?: number;
  /** Seconds between controller reconciles. Default 15 (the controller's sync period). */
  intervalSeconds?: number;
  /** New pods are not ready (and take no load) for this long. Default 0. */
  podStartupSeconds?: number;
  /** Per-pod request for Utilization targets, in the load's unit. Default 1000 (1 CPU in millicores). */
  podRequest?: number;
  tolerance?: number;
}

export interface SimulationStep {
  /** Seconds since the start. */
  t: number;
  load: number;
  replicas: number;
  readyReplicas: number;
  /** Per ready pod, in the load's unit. */
  perPodValue: number;
  /** The controller's raw proposal across metrics, before stabilization and rate limits. */
  metricReplicas: number | undefined;
  desiredReplicas: number;
  reason: string;
}

/**
 * Replays a load time series through the HPA algorithm: load spreads evenly over ready pods,
 * new pods become ready after `podStartupSeconds`, and each step is one controller reconcile.
 */
export function simulateAutoscaling(options: SimulationOptions): SimulationStep[] {
  const { spec } = options;
  if (!Array.isArray(options.trace) || !options.trace.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
    throw new GatiError('INVALID_CONFIG', 'simulate needs `trace`: an array of finite load values ≥ 0, one per step.');
  }
  if (!Array.isArray(spec?.metrics) || !spec.metrics.length) throw new GatiError('INVALID_CONFIG', 'simulate needs a spec with at least one metric.');
  const interval = options.intervalSeconds ?? 15;
  const startup = options.podStartupSeconds ?? 0;
  const request = options.podRequest ?? 1000;
  const controller = new HPAController(spec, options.tolerance === undefined ? {} : { tolerance: options.tolerance });
  let pods: { name: string; readyAt: number }[] = [];
  let serial = 0;
  const resize = (n: number, t: number): void => {
    while (pods.length < n) pods.push({ name: `pod-${serial++}`, readyAt: t + startup });
    if (pods.length > n) {
      // The ReplicaSet deletes not-ready pods first, then the newest.
      const order = [...pods].sort((a, b) => (a.readyAt <= t ? 1 : 0) - (b.readyAt <= t ? 1 : 0) || b.readyAt - a.readyAt);
      const doomed = new Set(order.slice(0, pods.length - n));
      pods = pods.filter((p) => !doomed.has(p));
    }
  };
  resize(options.initialReplicas ?? spec.minReplicas, -startup);
  const steps: SimulationStep[] = [];
  options.trace.forEach((load, i) => {
    const t = i * interval;
    const ready = pods.filter((p) => p.readyAt <= t);
    // Truncate to milli-units so the pods' total never exceeds the load.
    const perPod = ready.length ? Math.floor((load * 1000) / ready.length) / 1000 : 0;
    const samples: PodSample[] = pods.map((p) => (p.readyAt <= t ? { name: p.name, value: perPod, request, ready: true } : { name: p.name, request, ready: false, value: 0 }));
    const observations = spec.metrics.map((m) => (m.type === 'Object' || m.type === 'External' ? { value: load, pods: samples } : { pods: samples }));
    const result = controller.step({ now: t, currentReplicas: pods.length, observations });
    steps.push({ t, load, replicas: pods.length, readyReplicas: ready.length, perPodValue: perPod, metricReplicas: result.metricReplicas, desiredReplicas: result.desiredReplicas, reason: result.reason });
    resize(result.desiredReplicas, t);
  });
  return steps;
}
