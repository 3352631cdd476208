import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { openMetricsRegistry, seriesOf, updateExemplar, upperBoundsOf, type LabelValues, type PromEntry, type PromSeries } from './prom-internals.js';

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

/**
 * The hot path of one series. prom-client hashes and validates the label object on every
 * `inc()`/`observe()`; a series bound to its stored entry updates that entry in place instead.
 * The binding is checked on every call (`hashMap[key] === entry`), so `reset()`/`resetMetrics()`
 * or an entry created elsewhere simply sends the call through prom-client again.
 */
class BoundSeries {
  private key: string | undefined;
  private entry: PromEntry | undefined;
  constructor(
    private readonly metric: PromSeries,
    readonly labels: LabelValues,
  ) {}

  /** The stored entry, or undefined when the binding is stale (or not made yet). */
  current(): PromEntry | undefined {
    const entry = this.key === undefined ? undefined : this.metric.hashMap[this.key];
    return entry !== undefined && entry === this.entry ? entry : undefined;
  }

  /**
   * Finds the entry prom-client created for exactly this label object (after a slow-path call);
   * a metric without labels keeps its one entry under the empty key, with a label object of its own.
   */
  bind(): void {
    const map = this.metric.hashMap;
    if (Object.keys(this.labels).length === 0) {
      this.key = '';
      this.entry = map[''];
      return;
    }
    for (const key in map) {
      if (map[key]?.labels === this.labels) {
        this.key = key;
        this.entry = map[key];
        return;
      }
    }
    this.key = undefined;
    this.entry = undefined;
  }
}

/** A counter series: `inc()` adds in place once bound. */
export class CounterSeries extends BoundSeries {
  constructor(private readonly counter: Counter, labels: LabelValues) {
    super(seriesOf(counter), labels);
  }
  inc(value = 1): void {
    const entry = Number.isFinite(value) && value >= 0 ? this.current() : undefined;
    if (entry !== undefined) {
      entry.value += value;
      return;
    }
    this.counter.inc(this.labels, value); // validates, creates the entry
    this.bind();
  }
}

/** A histogram series: `observe()` updates sum, count and the bucket in place once bound. */
export class HistogramSeries extends BoundSeries {
  /**
   * Bucket counts not yet added to the stored entry. prom-client keys an entry's buckets by
   * the bound as a property name ("0.005"): each update converts the number and looks the
   * name up in a dictionary. Here an observation adds to an array slot; `flush()` (run by
   * the histogram's `collect()`, before anything reads it) moves the counts over.
   */
  private pending: Float64Array | undefined;
  private pendingFor: PromEntry | undefined;
  constructor(histogram: Histogram, labels: LabelValues) {
    super(seriesOf(histogram), labels);
  }
  /**
   * Observes in place and returns the stored entry, or undefined when the caller must go
   * through prom-client (then `bind()`).
   */
  observeInPlace(seconds: number, upperBounds: number[], traceId: string | undefined): PromEntry | undefined {
    const entry = Number.isFinite(seconds) ? this.current() : undefined;
    if (entry === undefined) return undefined;
    entry.sum += seconds;
    entry.count += 1;
    // Same bucket choice as prom-client: the first bound >= value; above all bounds only +Inf (count) moves.
    let i = 0;
    while (i < upperBounds.length && !(seconds <= upperBounds[i]!)) i++;
    if (i < upperBounds.length) {
      if (this.pendingFor !== entry) {
        // Counts kept for an entry that is gone (the metric was reset) are dropped with it.
        this.pending = new Float64Array(upperBounds.length);
        this.pendingFor = entry;
      }
      this.pending![i]! += 1;
    }
    if (traceId !== undefined) {
      // The exemplar prom-client keeps for this bucket, updated like its updateExemplar() does.
      const exemplar = entry.bucketExemplars?.[i < upperBounds.length ? upperBounds[i]! : -1];
      if (exemplar !== undefined && exemplar !== null && typeof exemplar === 'object') {
        exemplar.labelSet = { trace_id: traceId };
        exemplar.value = seconds;
        exemplar.timestamp = Date.now() / 1000;
      } else {
        // The bucket has no exemplar object yet: the caller lets prom-client create it.
        this.needsExemplar = true;
      }
    }
    return entry;
  }
  /** Adds the pending bucket counts to the stored entry (if it is still the one they were counted for). */
  flush(upperBounds: number[]): void {
    const pending = this.pending;
    if (pending === undefined) return;
    const entry = this.current();
    if (entry !== undefined && entry === this.pendingFor) {
      for (let i = 0; i < pending.length; i++) {
        const n = pending[i]!;
        if (n === 0) continue;
        const bound = upperBounds[i]!;
        if (Object.prototype.hasOwnProperty.call(entry.bucketValues, bound)) entry.bucketValues[bound]! += n;
      }
    }
    pending.fill(0);
  }
  /** Set when the last in-place observation left an exemplar for prom-client to create. */
  needsExemplar = false;
}

/** A gauge series: `inc()`/`dec()`/`set()` update the stored value in place once bound. */
export class GaugeSeries extends BoundSeries {
  constructor(private readonly gauge: Gauge, labels: LabelValues) {
    super(seriesOf(gauge), labels);
  }
  add(delta: number): void {
    const entry = typeof delta === 'number' ? this.current() : undefined;
    if (entry !== undefined) {
      entry.value += delta;
      return;
    }
    this.gauge.inc(this.labels, delta); // validates (throws on a non-number), creates the entry
    this.bind();
  }
  set(value: number): void {
    const entry = typeof value === 'number' ? this.current() : undefined;
    if (entry !== undefined) {
      entry.value = value;
      return;
    }
    this.gauge.set(this.labels, value);
    this.bind();
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
  private readonly cap: SeriesCap<CounterSeries>;
  constructor(name: string, help: string, labelNames: readonly string[], ctx: CapContext) {
    this.metric = new Counter({ name, help, labelNames: [...labelNames], registers: ctx.registries });
    this.cap = new SeriesCap(name, labelNames, ctx.maxSeries, ctx.onDrop, (l) => new CounterSeries(this.metric, l));
  }
  /** `inc()`, `inc(2)`, `inc({ route })` or `inc({ route }, 2)`, like prom-client. */
  inc(labels?: LabelValues | number, value = 1): void {
    if (typeof labels === 'number') this.cap.get(undefined)?.inc(labels);
    else this.cap.get(labels)?.inc(value);
  }
  /** The series for these labels, or undefined when the cap refused it (and counted the drop). */
  child(labels: LabelValues): CounterSeries | undefined {
    return this.cap.get(labels);
  }
}

/** A gauge whose label sets are capped. */
export class GatiGauge {
  readonly metric: Gauge;
  private readonly cap: SeriesCap<GaugeSeries>;
  constructor(name: string, help: string, labelNames: readonly string[], ctx: CapContext) {
    this.metric = new Gauge({ name, help, labelNames: [...labelNames], registers: ctx.registries });
    this.cap = new SeriesCap(name, labelNames, ctx.maxSeries, ctx.onDrop, (l) => new GaugeSeries(this.metric, l));
  }
  /** `set(5)` or `set({ pool }, 5)`, like prom-client. */
  set(labels: LabelValues | number | undefined, value?: number): void {
    if (typeof labels === 'number') this.cap.get(undefined)?.set(labels);
    else this.cap.get(labels)?.set(value as number);
  }
  /** `inc()`, `inc(2)`, `inc({ pool })` or `inc({ pool }, 2)`, like prom-client. */
  inc(labels?: LabelValues | number, value = 1): void {
    if (typeof labels === 'number') this.cap.get(undefined)?.add(labels);
    else this.cap.get(labels)?.add(value);
  }
  dec(labels?: LabelValues | number, value = 1): void {
    if (typeof labels === 'number') [labels, value] = [undefined, labels];
    // A non-number goes to prom-client as is, which throws like it always did.
    this.cap.get(labels)?.add(typeof value === 'number' ? -value : value);
  }
}

/** A histogram whose label sets are capped; exemplars carry a trace id when given. */
export class GatiHistogram {
  readonly metric: Histogram;
  private readonly cap: SeriesCap<HistogramSeries>;
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
    const series: HistogramSeries[] = [];
    this.metric = new Histogram({
      name,
      help,
      labelNames: [...labelNames],
      registers: exemplars ? [openMetricsRegistry()] : ctx.registries,
      enableExemplars: exemplars,
      ...(buckets ? { buckets } : {}),
      // Every read of the histogram (renders, cluster aggregation, get()) first takes in the counts kept aside.
      collect: () => {
        for (const s of series) s.flush(this.upperBounds);
      },
    });
    if (exemplars) for (const r of ctx.registries) r.registerMetric(this.metric);
    this.upperBounds = upperBoundsOf(this.metric);
    // Histogram children in prom-client do not take exemplars, so the cap keeps our own series handle.
    this.cap = new SeriesCap(name, labelNames, ctx.maxSeries, ctx.onDrop, (l) => {
      const s = new HistogramSeries(this.metric, l);
      series.push(s);
      return s;
    });
  }
  private readonly upperBounds: number[];
  observe(labels: LabelValues | undefined, seconds: number, traceId?: string): void {
    const series = this.cap.get(labels);
    if (series !== undefined) this.observeAdmitted(series, seconds, traceId);
  }
  /** The series for these labels, or undefined when the cap refused it (and counted the drop). */
  admit(labels: LabelValues): HistogramSeries | undefined {
    return this.cap.get(labels);
  }
  /** Observes on a series `admit()` returned. */
  observeAdmitted(series: HistogramSeries, seconds: number, traceId?: string): void {
    const l = series.labels;
    const withExemplar = this.exemplars && traceId !== undefined ? traceId : undefined;
    if (series.observeInPlace(seconds, this.upperBounds, withExemplar) !== undefined) {
      if (series.needsExemplar) {
        // First exemplar of this bucket: prom-client creates (and validates) it.
        series.needsExemplar = false;
        updateExemplar(this.metric, l, seconds, { trace_id: withExemplar! });
      }
      return;
    }
    if (this.exemplars) {
      // With exemplars on, prom-client's observe takes one object argument.
      this.metric.observe({ labels: l, value: seconds, exemplarLabels: traceId === undefined ? {} : { trace_id: traceId } });
    } else {
      this.metric.observe(l, seconds);
    }
    series.bind();
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
