import { collectDefaultMetrics, Gauge, type Registry } from 'prom-client';

/**
 * prom-client's gauges named `*_total` (a suffix reserved for counters) make
 * `promtool check metrics` complain; they are replaced by these fixed names.
 */
const RENAMED: Record<string, { name: string; help: string; read: () => number }> = {
  nodejs_active_handles_total: { name: 'nodejs_handles_active', help: 'Number of active libuv handles.', read: () => activeCount('_getActiveHandles') },
  nodejs_active_requests_total: { name: 'nodejs_requests_active', help: 'Number of active libuv requests.', read: () => activeCount('_getActiveRequests') },
  nodejs_active_resources_total: {
    name: 'nodejs_resources_active',
    help: 'Number of active resources keeping the event loop alive.',
    read: () => process.getActiveResourcesInfo().length,
  },
};

function activeCount(fn: '_getActiveHandles' | '_getActiveRequests'): number {
  const get = (process as unknown as Record<string, (() => unknown[]) | undefined>)[fn];
  return typeof get === 'function' ? get.call(process).length : 0;
}

/** Registers CPU, memory, event-loop lag, GC and heap metrics under names promtool accepts. */
export function registerProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const [old, spec] of Object.entries(RENAMED)) {
    if (registry.getSingleMetric(old) === undefined) continue;
    registry.removeSingleMetric(old);
    new Gauge({
      name: spec.name,
      help: spec.help,
      registers: [registry],
      collect() {
        this.set(spec.read());
      },
    });
  }
}
