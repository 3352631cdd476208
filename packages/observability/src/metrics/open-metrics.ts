import type { Registry } from 'prom-client';
import { samplesOf } from './prom-internals.js';

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const escapeLabel = (v: string): string => (/[\\\n"]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : v);
const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function formatLabels(labels: Record<string, string | number | undefined>): string {
  let out = '';
  for (const k in labels) {
    const v = labels[k];
    if (v === undefined) continue;
    const s = typeof v === 'number' ? formatValue(v) : v;
    out += `${out === '' ? '' : ','}${k}="${escapeLabel(s)}"`;
  }
  return out;
}

/**
 * prom-client keeps one label object per series for the life of the series, so
 * its formatted form is cached by identity: a scrape formats only new series.
 */
const labelCache = new WeakMap<object, string>();
function cachedLabels(labels: Record<string, string | number> | undefined): string {
  if (labels === undefined) return '';
  let s = labelCache.get(labels);
  if (s === undefined) {
    s = formatLabels(labels);
    labelCache.set(labels, s);
  }
  return s;
}

/**
 * Renders a registry as Prometheus text 0.0.4 or OpenMetrics 1.0 (with
 * exemplars). prom-client renders one format per registry (and renames
 * counters when switched); this renders either from the same samples, and
 * caches formatted label sets, which makes large expositions several times faster.
 */
export async function renderExposition(registry: Registry, openMetrics: boolean): Promise<string> {
  const data = await samplesOf(registry);
  const out: string[] = [];
  for (const m of data) {
    const type = m.type === 'untyped' ? (openMetrics ? 'unknown' : 'untyped') : m.type;
    const family = openMetrics && type === 'counter' ? m.name.replace(/_total$/, '') : m.name;
    if (openMetrics) {
      out.push(`# TYPE ${family} ${type}`, `# HELP ${family} ${escapeHelp(m.help)}`);
    } else {
      out.push(`# HELP ${family} ${escapeHelp(m.help)}`, `# TYPE ${family} ${type}`);
    }
    const defaultSample = openMetrics && type === 'counter' ? `${family}_total` : m.name;
    for (const v of m.values) {
      const own = v.sharedLabels === undefined ? cachedLabels(v.labels) : formatLabels(v.labels ?? {});
      const shared = v.sharedLabels === undefined ? '' : cachedLabels(v.sharedLabels);
      const labels = own === '' ? shared : shared === '' ? own : `${own},${shared}`;
      let line = `${v.metricName ?? defaultSample}${labels === '' ? '' : `{${labels}}`} ${formatValue(v.value)}`;
      const ex = v.exemplar;
      if (openMetrics && ex && Object.keys(ex.labelSet).length > 0) line += ` # {${formatLabels(ex.labelSet)}} ${formatValue(ex.value)} ${ex.timestamp}`;
      out.push(line);
    }
  }
  if (openMetrics) out.push('# EOF');
  return `${out.join('\n')}\n`;
}
