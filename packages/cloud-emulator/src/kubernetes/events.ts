import { randomBytes } from 'node:crypto';
import type { JsonObject } from './merge.js';
import { resourceByKind } from './resources.js';
import { meta, nowTimestamp, type ObjectStore } from './store.js';

/** Records core/v1 Events as the real controllers and kubelet do (what `kubectl describe` shows); keeps the newest `limit`. */
export class EventRecorder {
  private readonly names: { namespace: string; name: string }[] = [];

  constructor(
    private readonly store: ObjectStore,
    private readonly limit = 1000,
  ) {}

  record(involved: JsonObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
    const t = resourceByKind('Event');
    if (!t) return;
    const m = meta(involved);
    const namespace = m.namespace ?? 'default';
    const name = `${m.name}.${randomBytes(8).toString('hex')}`;
    const now = nowTimestamp();
    this.store.create(t, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: { apiVersion: involved['apiVersion'] as string, kind: involved['kind'] as string, name: m.name, namespace, uid: m.uid },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component },
      reportingComponent: component,
    });
    this.names.push({ namespace, name });
    while (this.names.length > this.limit) {
      const old = this.names.shift();
      if (old && this.store.get(t, old.namespace, old.name)) this.store.delete(t, old.namespace, old.name);
    }
  }
}
