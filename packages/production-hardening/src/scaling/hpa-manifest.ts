import { GatiError } from '@gati-framework/core';
import { stringify } from 'yaml';
import { POLICIES, REQUESTS_PER_SECOND_METRIC, type WorkloadKind } from './policies.js';
import type { HPABehavior, HorizontalPodAutoscalerManifest, MetricSpec } from './types.js';

/** Options of {@link generateHPAManifest}; the workload policy fills everything not given. */
export interface HPAManifestOptions {
  /** HPA name; also the Deployment it targets unless `target` is given. */
  name: string;
  namespace?: string;
  /** Default `web`. */
  workload?: WorkloadKind;
  target?: { apiVersion?: string; kind?: string; name: string };
  minReplicas?: number;
  maxReplicas?: number;
  /** Replace the policy's metric(s): Resource, Pods, Object or External. */
  metrics?: MetricSpec[];
  /** Shorthands that adjust the policy's metric target. */
  targetCPUUtilization?: number;
  targetMemoryUtilization?: number;
  targetRequestsPerSecond?: number;
  behavior?: HPABehavior;
  labels?: Record<string, string>;
}

function policyMetrics(o: HPAManifestOptions, workload: WorkloadKind): MetricSpec[] {
  if (o.metrics?.length) return o.metrics;
  const metrics: MetricSpec[] = [];
  if (o.targetRequestsPerSecond !== undefined) {
    metrics.push({ type: 'Pods', pods: { metric: { name: REQUESTS_PER_SECOND_METRIC }, target: { type: 'AverageValue', averageValue: String(o.targetRequestsPerSecond) } } });
  }
  if (o.targetCPUUtilization !== undefined) metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: o.targetCPUUtilization } } });
  if (o.targetMemoryUtilization !== undefined) metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: o.targetMemoryUtilization } } });
  return metrics.length ? metrics : [structuredClone(POLICIES[workload].metric)];
}

/** An `autoscaling/v2` HorizontalPodAutoscaler for a workload policy (objects, ready to apply). */
export function generateHPAManifest(options: HPAManifestOptions): HorizontalPodAutoscalerManifest {
  if (typeof options?.name !== 'string' || !/^[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?$/.test(options.name)) {
    throw new GatiError('INVALID_CONFIG', `An HPA needs a name that is a DNS subdomain name such as shop-api (got ${JSON.stringify(String(options?.name)).slice(0, 80)}).`);
  }
  const workload = options.workload ?? 'web';
  const policy = POLICIES[workload];
  if (!policy) throw new GatiError('INVALID_CONFIG', `Unknown workload "${String(workload)}"; use one of ${Object.keys(POLICIES).join(', ')}.`);
  const minReplicas = options.minReplicas ?? policy.minReplicas;
  const maxReplicas = options.maxReplicas ?? policy.maxReplicas;
  if (!Number.isInteger(minReplicas) || !Number.isInteger(maxReplicas) || minReplicas < 1 || minReplicas > maxReplicas) {
    throw new GatiError('INVALID_CONFIG', `HPA ${options.name}: need 1 ≤ minReplicas (${minReplicas}) ≤ maxReplicas (${maxReplicas}).`);
  }
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: options.name,
      namespace: options.namespace ?? 'default',
      labels: { 'app.kubernetes.io/name': options.target?.name ?? options.name, 'app.kubernetes.io/managed-by': 'gati', 'gati.dev/workload': workload, ...options.labels },
    },
    spec: {
      scaleTargetRef: { apiVersion: options.target?.apiVersion ?? 'apps/v1', kind: options.target?.kind ?? 'Deployment', name: options.target?.name ?? options.name },
      minReplicas,
      maxReplicas,
      metrics: policyMetrics(options, workload),
      behavior: structuredClone(options.behavior ?? policy.behavior),
    },
  };
}

/** Kubernetes objects as one multi-document YAML string. */
export function toYAML(objects: object | object[]): string {
  const list = Array.isArray(objects) ? objects : [objects];
  return list.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

/** A prometheus-adapter rule (the `rules:` entry of its config). */
export interface PrometheusAdapterRule {
  seriesQuery: string;
  resources: { overrides: Record<string, { resource: string }> };
  name: { matches: string; as: string };
  metricsQuery: string;
}

/**
 * The prometheus-adapter rule that turns the `gati_http_requests_total` counter into the per-pod
 * `gati_http_requests_per_second` custom metric the api policy's HPA reads (2-minute rate).
 */
export function prometheusAdapterRule(options: { counter?: string; window?: string } = {}): PrometheusAdapterRule {
  const counter = options.counter ?? 'gati_http_requests_total';
  if (typeof counter !== 'string' || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(counter)) throw new GatiError('INVALID_CONFIG', 'The counter must be a Prometheus metric name such as gati_http_requests_total.');
  if (options.window !== undefined && (typeof options.window !== 'string' || !/^[0-9]+(ms|s|m|h|d|w|y)$/.test(options.window))) throw new GatiError('INVALID_CONFIG', 'The window must be a Prometheus duration such as 2m.');
  if (!counter.endsWith('_total')) throw new GatiError('INVALID_CONFIG', `The counter "${counter}" must end in _total (Prometheus counter naming).`);
  return {
    seriesQuery: `${counter}{namespace!="",pod!=""}`,
    resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
    name: { matches: '^(.*)_total$', as: '${1}_per_second' },
    metricsQuery: `sum(rate(<<.Series>>{<<.LabelMatchers>>}[${options.window ?? '2m'}])) by (<<.GroupBy>>)`,
  };
}

/** The prometheus-adapter config file (`rules:` with the rule above) as YAML. */
export function prometheusAdapterConfigYAML(options?: { counter?: string; window?: string }): string {
  return stringify({ rules: [prometheusAdapterRule(options)] }, { lineWidth: 0 });
}

/**
 * Expands a rule's `metricsQuery` the way prometheus-adapter does for a per-pod request:
 * `<<.Series>>`, `<<.LabelMatchers>>` (namespace and a pod regex) and `<<.GroupBy>>` (`pod`).
 * For checking the rule against a Prometheus by hand or in tests.
 */
export function renderAdapterQuery(rule: PrometheusAdapterRule, target: { namespace: string; pods: string[] }): string {
  if (typeof rule?.seriesQuery !== 'string' || typeof rule.metricsQuery !== 'string') throw new GatiError('INVALID_CONFIG', 'renderAdapterQuery needs a rule with seriesQuery and metricsQuery (see prometheusAdapterRule()).');
  if (typeof target?.namespace !== 'string' || !Array.isArray(target.pods) || !target.pods.every((p) => typeof p === 'string')) {
    throw new GatiError('INVALID_CONFIG', 'renderAdapterQuery needs a target { namespace, pods: string[] }.');
  }
  const series = rule.seriesQuery.split('{')[0] ?? rule.seriesQuery;
  const escape = (s: string): string => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\\\$&');
  const matchers = `namespace=${JSON.stringify(target.namespace)},pod=~"${target.pods.map(escape).join('|')}"`;
  return rule.metricsQuery.replaceAll('<<.Series>>', series).replaceAll('<<.LabelMatchers>>', matchers).replaceAll('<<.GroupBy>>', 'pod');
}
