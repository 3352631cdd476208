import { Counter, Gauge, Histogram, Registry } from 'prom-client';

type LabelValues = Record<string, string | number>;

/** prom-client's typings omit the constructor's content-type argument. */
function openMetricsRegistry(): Registry {
  const Ctor = Registry as unknown as new (contentType: string) => Registry;
  return new Ctor(Registry.OPENMETRICS_CONTENT_TYPE);
}

/** Tracks the label sets of one metric and refuses new ones past the cap. */
class SeriesCap<C> {
  private readonly children = new Map<string, C>();
  constructor(
    private readonly metricName: string,
    private readonly labelNames: readonly string[],
    private readonly max: number,
    private readonly onDrop: (metric: string) => void,
    private readonly make: (labels: LabelValues) => C,
  ) {}

  /** The child for these labels, or undefined when the cap refused a new series. */
  get(labels: LabelValues | undefined): C | undefined {
    const key = this.key(labels);
    const hit = this.children.get(key);
    if (hit !== undefined) return hit;
    if (this.children.size >= this.max) {
      this.onDrop(this.metricName);
      return undefined;
    }
    const child = this.make(this.pick(labels));
    this.children.set(key, child);
    return child;
  }

  clear(): void {
    this.children.clear();
  }

  private key(labels: LabelValues | undefined): string {
    if (this.labelNames.length === 0 || labels === undefined) return '';
    let key = '';
    for (const name of this.labelNames) key += `${String(labels[name] ?? '')}\u0000`;
    return key;
  }

  private pick(labels: LabelValues | undefined): LabelValues {
    const out: LabelValues = {};
    for (const name of this.labelNames) out[name] = labels?.[name] ?? '';
    return out;
  }
}

export interface CapContext {
  registries: Registry[];
  maxSeries: number;
  onDrop: (metric: string) => void;
}

/** A counter whose label sets are capped. */
export class GatiCounter {
  readonly metric: Counter;
  private readonly cap: SeriesCap<Counter.Internal>;
  constructor(name: string, help: string, labelNames: readonly string[], ctx: CapContext) {
    this.metric = new Counter({ name, help, labelNames: [...labelNames], registers: ctx.registries });
    this.cap = new SeriesCap(name, labelNames, ctx.maxSeries, ctx.onDrop, (l) => this.metric.labels(l));
  }
  inc(labels?: LabelValues, value = 1): void {
    this.cap.get(labels)?.inc(value);
  }
  /** The series for these labels, or undefined when the cap refused it (and counted the drop). */
  child(labels: LabelValues): Counter.Internal | undefined {
    return this.cap.get(labels);
  }
}

/** A gauge whose label sets are capped. */
export class GatiGauge {
  readonly metric: Gauge;
  private readonly cap: SeriesCap<Gauge.Internal<string>>;
  constructor(name: string, help: string, labelNames: readonly string[], ctx: CapContext) {
    this.metric = new Gauge({ name, help, labelNames: [...labelNames], registers: ctx.registries });
    this.cap = new SeriesCap(name, labelNames, ctx.maxSeries, ctx.onDrop, (l) => this.metric.labels(l));
  }
  set(labels: LabelValues | undefined, value: number): void {
    this.cap.get(labels)?.set(value);
  }
  inc(labels?: LabelValues, value = 1): void {
    this.cap.get(labels)?.inc(value);
  }
  dec(labels?: LabelValues, value = 1): void {
    this.cap.get(labels)?.dec(value);
  }
}

/** A histogram whose label sets are capped; exemplars carry a trace id when given. */
export class GatiHistogram {
  readonly metric: Histogram;
  private readonly cap: SeriesCap<LabelValues>;
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    buckets: number[] | undefined,
    ctx: CapContext,
    private readonly exemplars = false,
  ) {
    // prom-client only lets exemplar histograms be born in an OpenMetrics registry; register
    // it there, then in ours (text renders ignore exemplars, our OpenMetrics renderer shows them).
    this.metric = new Histogram({
      name,
      help,
      labelNames: [...labelNames],
      registers: exemplars ? [openMetricsRegistry()] : ctx.registries,
      enableExemplars: exemplars,
      ...(buckets ? { buckets } : {}),
    });
    if (exemplars) for (const r of ctx.registries) r.registerMetric(this.metric);
    // Histogram children in prom-client do not take exemplars, so the cap keeps the label object itself.
    this.cap = new SeriesCap(name, labelNames, ctx.maxSeries, ctx.onDrop, (l) => l);
  }
  observe(labels: LabelValues | undefined, seconds: number, traceId?: string): void {
    const l = this.cap.get(labels);
    if (l !== undefined) this.observeAdmitted(l, seconds, traceId);
  }
  /** The label object of an admitted series, or undefined when the cap refused it (and counted the drop). */
  admit(labels: LabelValues): LabelValues | undefined {
    return this.cap.get(labels);
  }
  /** Observes on a series `admit()` returned. */
  observeAdmitted(l: LabelValues, seconds: number, traceId?: string): void {
    if (this.exemplars) {
      // With exemplars on, prom-client's observe takes one object argument.
      this.metric.observe({ labels: l, value: seconds, exemplarLabels: traceId === undefined ? {} : { trace_id: traceId } });
    } else {
      this.metric.observe(l, seconds);
    }
  }
  /** Starts a timer; call the result to observe the elapsed seconds. */
  startTimer(labels?: LabelValues): () => number {
    const start = process.hrtime.bigint();
    return () => {
      const s = Number(process.hrtime.bigint() - start) / 1e9;
      this.observe(labels, s);
      return s;
    };
  }
}
