import { Registry, type Counter, type Gauge, type Histogram } from 'prom-client';

/**
 * Every read of prom-client's internals, in one place. The in-place hot path
 * (capped-metrics.ts) and the renderer (open-metrics.ts) depend on how prom-client 15
 * stores series; nothing in its public typings promises it. `prom-internals.test.ts`
 * checks each assumption below against the installed prom-client, so an upgrade that
 * changes one fails there, by name, instead of miscounting silently.
 */

export type LabelValues = Record<string, string | number>;

/** One series as prom-client stores it in a metric's `hashMap` (sum/count/buckets for histograms). */
export interface PromEntry {
  /** The label object passed to the call that created the entry (kept by identity). */
  labels: unknown;
  value: number;
  sum: number;
  count: number;
  /** Histogram bucket counts keyed by upper bound (as a property name). */
  bucketValues: Record<number, number>;
  bucketExemplars?: Record<number, { labelSet: Record<string, string>; value: number; timestamp: number } | null | undefined>;
}

/** The series of one metric, by prom-client's label hash; a metric without labels keeps its one entry under ''. */
export interface PromSeries {
  hashMap: Record<string, PromEntry | undefined>;
}

/** The series store of a counter, gauge or histogram. */
export function seriesOf(metric: Counter | Gauge | Histogram): PromSeries {
  return metric as unknown as PromSeries;
}

/** A histogram's bucket upper bounds, ascending, without +Inf. */
export function upperBoundsOf(histogram: Histogram): number[] {
  return (histogram as unknown as { upperBounds?: number[] }).upperBounds ?? [];
}

/** prom-client's own exemplar update for one observation (creates the bucket's exemplar object). */
export function updateExemplar(histogram: Histogram, labels: LabelValues, value: number, exemplarLabels: Record<string, string>): void {
  (histogram as unknown as { updateExemplar(l: LabelValues, v: number, e: Record<string, string>): void }).updateExemplar(labels, value, exemplarLabels);
}

/** A registry whose content type is OpenMetrics (the only kind where prom-client lets exemplar histograms be born); the typings omit the argument. */
export function openMetricsRegistry(): Registry {
  const Ctor = Registry as unknown as new (contentType: string) => Registry;
  return new Ctor(Registry.OPENMETRICS_CONTENT_TYPE);
}

export interface PromExemplar {
  labelSet: Record<string, string | number>;
  value: number;
  timestamp: number;
}

export interface PromSample {
  labels?: Record<string, string | number>;
  /** Histograms (getForPromString): the series labels, one object shared by its bucket samples. */
  sharedLabels?: Record<string, string | number>;
  metricName?: string;
  value: number;
  exemplar?: PromExemplar | null;
}

export interface PromMetricData {
  name: string;
  help: string;
  type: string;
  values: PromSample[];
}

interface RenderableMetric {
  get(): Promise<PromMetricData> | PromMetricData;
  getForPromString?(): Promise<PromMetricData>;
}

/**
 * The samples of every metric in a registry. Histograms are read through `getForPromString()`,
 * which keeps bucket labels and the series' shared labels apart (no label copy per bucket).
 */
export async function samplesOf(registry: Registry): Promise<PromMetricData[]> {
  const metrics = registry.getMetricsAsArray() as unknown as RenderableMetric[];
  return Promise.all(metrics.map((m) => (m.getForPromString ? m.getForPromString() : m.get())));
}
