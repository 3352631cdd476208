import type { MetricObjectWithValues, MetricValue, MetricValueWithName, Registry } from 'prom-client';

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface Exemplar {
  labelSet: Record<string, string | number>;
  value: number;
  timestamp: number;
}

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function labelString(labels: Record<string, string | number | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (v === undefined) continue;
    parts.push(`${k}="${escapeLabel(k === 'le' && typeof v === 'number' ? formatValue(v) : String(v))}"`);
  }
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

/**
 * Renders a registry as OpenMetrics 1.0 text, with exemplars. prom-client can
 * only render one format per registry (and renames counters when switched), so
 * the second format is rendered here from the same samples.
 */
export async function renderOpenMetrics(registry: Registry): Promise<string> {
  const metrics = (await registry.getMetricsAsJSON()) as MetricObjectWithValues<MetricValue<string>>[];
  const out: string[] = [];
  for (const m of metrics) {
    const type = String(m.type);
    const family = type === 'counter' ? m.name.replace(/_total$/, '') : m.name;
    out.push(`# TYPE ${family} ${type === 'untyped' ? 'unknown' : type}`);
    out.push(`# HELP ${family} ${escapeHelp(m.help)}`);
    for (const v of m.values as MetricValueWithName<string>[]) {
      const sample = v.metricName ?? (type === 'counter' ? `${family}_total` : m.name);
      let line = `${sample}${labelString(v.labels)} ${formatValue(v.value)}`;
      const exemplar = (v as { exemplar?: Exemplar | null }).exemplar;
      if (exemplar && Object.keys(exemplar.labelSet).length > 0) {
        line += ` # ${labelString(exemplar.labelSet)} ${formatValue(exemplar.value)} ${exemplar.timestamp}`;
      }
      out.push(line);
    }
  }
  out.push('# EOF');
  return `${out.join('\n')}\n`;
}
