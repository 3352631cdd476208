import { GatiError } from '@gati-framework/core';
import { Counter, Registry } from 'prom-client';
import type { ResolvedMetricsOptions } from '../config/options.js';
import { GatiCounter, GatiGauge, GatiHistogram, type CapContext, type CounterSeries, type HistogramSeries } from './capped-metrics.js';
import { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE, renderExposition } from './open-metrics.js';
import { registerProcessMetrics } from './process-metrics.js';
import { PROBLEM_SOURCES } from '../logging/problems.js';

/** Default duration buckets (seconds): 5 ms to 10 s. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Metric = GatiCounter | GatiGauge | GatiHistogram;

export interface MetricsInit {
  /** Share a registry (e.g. prom-client's global one) instead of a private one. */
  registry?: Registry;
  /** Labels added to every series (service, environment). */
  defaultLabels?: Record<string, string>;
}

/** The metrics of one stack: its own registry, the HTTP metrics and user metrics, all series-capped. */
export class ObservabilityMetrics {
  readonly registry: Registry;
  readonly prefix: string;
  readonly httpRequests: GatiCounter;
  readonly httpDuration: GatiHistogram;
  readonly activeConnections: GatiGauge;
  readonly errors: GatiCounter;
  readonly logDropped: GatiCounter;
  /** Failures inside the stack itself, by where (see ProblemReporter). */
  readonly internalErrors: GatiCounter;
  private readonly seriesDropped: Counter;
  private readonly byName = new Map<string, { kind: string; labels: string; metric: Metric }>();
  private readonly ctx: CapContext;
  /** method → route → status code → admitted series (route strings are the router's own, so no key string is built per request). */
  private readonly requestSeries = new Map<string, Map<string, Map<string, { counter: CounterSeries; histogram: HistogramSeries }>>>();
  private readonly sharedRegistry: boolean;

  constructor(private readonly options: ResolvedMetricsOptions, init: MetricsInit = {}) {
    this.registry = init.registry ?? new Registry();
    this.sharedRegistry = init.registry !== undefined;
    this.prefix = options.prefix;
    if (init.defaultLabels) this.registry.setDefaultLabels(init.defaultLabels);
    this.seriesDropped = new Counter({
      name: `${this.prefix}metric_series_dropped_total`,
      help: 'Observations dropped because their metric reached maxSeriesPerMetric label sets.',
      labelNames: ['metric'],
      registers: [this.registry],
    });
    this.ctx = { registries: [this.registry], maxSeries: options.maxSeriesPerMetric, onDrop: (m) => this.seriesDropped.inc({ metric: m }) };
    this.httpRequests = this.createCounter('http_requests_total', 'HTTP requests served, by route template.', ['method', 'route', 'status_code']);
    this.httpDuration = this.createHistogram(
      'http_request_duration_seconds',
      'HTTP request duration in seconds, by route template.',
      ['method', 'route', 'status_code'],
      options.buckets ?? DEFAULT_BUCKETS,
      options.exemplars,
    );
    this.activeConnections = this.createGauge('active_connections', 'HTTP requests in flight.', []);
    this.errors = this.createCounter('errors_total', 'Server errors: 5xx answers and thrown errors without a 4xx status.', ['type', 'route']);
    this.logDropped = this.createCounter('log_dropped_total', 'Log lines dropped before reaching Loki, by reason.', ['reason']);
    // Present from the first scrape, so dashboards and alerts see 0 rather than no data.
    for (const reason of ['buffer_full', 'rejected', 'shutdown']) this.logDropped.inc({ reason }, 0);
    this.internalErrors = this.createCounter(
      'observability_errors_total',
      'Failures inside the observability stack itself (recording a request, pushing logs to Loki, rendering metrics), by where.',
      ['where'],
    );
    for (const where of PROBLEM_SOURCES) this.internalErrors.inc({ where }, 0);
    if (options.defaultMetrics) registerProcessMetrics(this.registry);
  }

  /**
   * The per-request hot path: one cache lookup per (method, route, status) for both the
   * counter and the histogram. Only series both caps admitted are cached, so the cache is
   * bounded by the caps, and refused requests keep being counted as drops.
   */
  recordRequest(method: string, route: string, statusCode: string, seconds: number, traceId: string | undefined): void {
    let hit = this.requestSeries.get(method)?.get(route)?.get(statusCode);
    if (hit === undefined) {
      const labels = { method, route, status_code: statusCode };
      const counter = this.httpRequests.child(labels);
      const histogram = this.httpDuration.admit(labels);
      if (counter === undefined || histogram === undefined) {
        counter?.inc();
        if (histogram !== undefined) this.httpDuration.observeAdmitted(histogram, seconds, traceId);
        return;
      }
      hit = { counter, histogram };
      // Levels are created only for admitted series: refused ones leave nothing behind.
      let byRoute = this.requestSeries.get(method);
      if (byRoute === undefined) this.requestSeries.set(method, (byRoute = new Map()));
      let byStatus = byRoute.get(route);
      if (byStatus === undefined) byRoute.set(route, (byStatus = new Map()));
      byStatus.set(statusCode, hit);
    }
    hit.counter.inc();
    this.httpDuration.observeAdmitted(hit.histogram, seconds, traceId);
  }

  /** A counter named `<prefix><name>`; the same name again returns the same counter. */
  createCounter(name: string, help: string, labels: readonly string[] = []): GatiCounter {
    return this.getOrCreate('counter', name, labels, (n) => new GatiCounter(n, help, labels, this.ctx)) as GatiCounter;
  }

  /** A gauge named `<prefix><name>`; the same name again returns the same gauge. */
  createGauge(name: string, help: string, labels: readonly string[] = []): GatiGauge {
    return this.getOrCreate('gauge', name, labels, (n) => new GatiGauge(n, help, labels, this.ctx)) as GatiGauge;
  }

  /** A histogram named `<prefix><name>` (default buckets: the stack's); the same name again returns it. */
  createHistogram(name: string, help: string, labels: readonly string[] = [], buckets?: number[], exemplars = false): GatiHistogram {
    return this.getOrCreate(
      'histogram',
      name,
      labels,
      (n) => new GatiHistogram(n, help, labels, buckets ?? this.options.buckets ?? DEFAULT_BUCKETS, this.ctx, exemplars),
    ) as GatiHistogram;
  }

  /** The exposition: OpenMetrics (with exemplars) when `accept` asks for it, else Prometheus text 0.0.4. */
  async render(accept?: string): Promise<{ contentType: string; body: string }> {
    if (accept !== undefined && accept.includes('application/openmetrics-text')) {
      return { contentType: OPENMETRICS_CONTENT_TYPE, body: await renderExposition(this.registry, true) };
    }
    // A shared registry may carry default labels our renderer does not merge: let prom-client render it.
    const body = this.sharedRegistry ? await this.registry.metrics() : await renderExposition(this.registry, false);
    return { contentType: PROMETHEUS_CONTENT_TYPE, body };
  }

  private getOrCreate(kind: string, name: string, labels: readonly string[], make: (fullName: string) => Metric): Metric {
    const fullName = name.startsWith(this.prefix) ? name : `${this.prefix}${name}`;
    const labelKey = labels.join(',');
    const existing = this.byName.get(fullName);
    if (existing) {
      if (existing.kind !== kind || existing.labels !== labelKey) {
        throw new GatiError('INVALID_CONFIG', `Metric ${fullName} already exists as a ${existing.kind} with labels [${existing.labels}]; pick another name.`, {
          details: { metric: fullName },
        });
      }
      return existing.metric;
    }
    let metric: Metric;
    try {
      metric = make(fullName);
    } catch (cause) {
      throw new GatiError('INVALID_CONFIG', `Cannot create metric ${fullName}: ${(cause as Error).message}`, { cause, details: { metric: fullName } });
    }
    this.byName.set(fullName, { kind, labels: labelKey, metric });
    return metric;
  }
}
