import { GatiError } from '@gati-framework/core';
import { formatCpu, formatMemory } from '../validation/quantity.js';

/** Usage samples of one container, e.g. one per minute over a week. */
export interface UsageSamples {
  /** CPU usage in millicores. */
  cpu: number[];
  /** Memory working set in bytes (peaks per interval, as the VPA uses). */
  memory: number[];
}

export interface RecommendOptions {
  /** Target percentile. Default 0.9 (the VPA recommender's target). */
  percentile?: number;
  /** Safety margin added on top. Default 0.15 (the VPA's 15 %). */
  margin?: number;
  /** Floors: default 10m CPU, 16Mi memory. */
  minCpuMillicores?: number;
  minMemoryBytes?: number;
}

export interface ResourceEstimate {
  /** p50 × (1 + margin). */
  lowerBound: number;
  /** p(percentile) × (1 + margin): the request. */
  target: number;
  /** p95 × (1 + margin). */
  upperBound: number;
  max: number;
  samples: number;
}

export interface ResourceRecommendation {
  requests: { cpu: string; memory: string };
  /** A memory limit only: CPU limits throttle without protecting neighbours. */
  limits: { memory: string };
  cpu: ResourceEstimate;
  memory: ResourceEstimate;
}

/** Nearest-rank percentile of a sorted list. */
function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

function estimate(values: number[], p: number, margin: number, floor: number): ResourceEstimate {
  const sorted = values.filter((v) => Number.isFinite(v) && v >= 0).sort((a, b) => a - b);
  const scale = (v: number): number => Math.max(floor, v * (1 + margin));
  return { lowerBound: scale(percentile(sorted, 0.5)), target: scale(percentile(sorted, p)), upperBound: scale(percentile(sorted, 0.95)), max: sorted.at(-1) ?? 0, samples: sorted.length };
}

/**
 * Requests (and a memory limit) from observed usage, the way the Vertical Pod Autoscaler's
 * recommender does it: a percentile of usage plus a safety margin, with floors.
 */
export function recommendResources(samples: UsageSamples, options: RecommendOptions = {}): ResourceRecommendation {
  const p = options.percentile ?? 0.9;
  const margin = options.margin ?? 0.15;
  if (!(p > 0 && p <= 1) || margin < 0) throw new GatiError('INVALID_CONFIG', 'percentile must be in (0, 1] and margin ≥ 0.');
  const numbers = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0);
  if (!numbers(samples?.cpu) || !numbers(samples?.memory)) throw new GatiError('INVALID_CONFIG', 'recommend needs `cpu` and `memory`: arrays of finite usage samples ≥ 0.');
  if (!samples.cpu.length || !samples.memory.length) throw new GatiError('INVALID_CONFIG', 'recommend needs at least one CPU and one memory sample.');
  const cpu = estimate(samples.cpu, p, margin, options.minCpuMillicores ?? 10);
  const memory = estimate(samples.memory, p, margin, options.minMemoryBytes ?? 16 * 2 ** 20);
  // The limit must cover the peak seen, with the margin: an OOM kill is worse than a loose limit.
  const memoryLimit = Math.max(memory.upperBound, memory.max * (1 + margin), memory.target);
  return { requests: { cpu: formatCpu(cpu.target), memory: formatMemory(memory.target) }, limits: { memory: formatMemory(memoryLimit) }, cpu, memory };
}
