import { randomUUID } from 'node:crypto';
import { alreadyExists, conflict, notFound } from './api-error.js';
import { clone, deepEqual, type JsonObject } from './merge.js';
import type { ResourceType } from './resources.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceType;
  object: JsonObject;
  resourceVersion: number;
}

/** `metadata` of a stored object, typed for the fields the emulator reads. */
export interface Meta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { uid: string; kind: string; name: string; controller?: boolean }[];
  deletionTimestamp?: string;
  creationTimestamp: string;
}

export function meta(o: JsonObject): Meta {
  return o['metadata'] as unknown as Meta;
}

export function nowTimestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const keyOf = (t: ResourceType): string => `${t.group}/${t.plural}`;
const objKey = (ns: string | undefined, name: string): string => `${ns ?? ''}/${name}`;

/**
 * The emulated etcd: objects by type, one global resourceVersion counter, and a bounded
 * history of changes so watches can resume (older versions answer 410 Gone).
 */
export class ObjectStore {
  private rv = 1;
  private readonly objects = new Map<string, Map<string, JsonObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private compactedThrough = 0;

  constructor(private readonly historyLimit = 5000) {}

  get resourceVersion(): number {
    return this.rv;
  }

  /** Oldest resourceVersion a watch can resume from. */
  get oldestResumable(): number {
    return this.compactedThrough;
  }

  /** Forgets all change history (the next resumed watch gets 410), as etcd compaction does. */
  compact(): void {
    this.history.length = 0;
    this.compactedThrough = this.rv;
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Changes after `rv`, oldest first. */
  since(rv: number): StoreEvent[] {
    return this.history.filter((e) => e.resourceVersion > rv);
  }

  get(t: ResourceType, ns: string | undefined, name: string): JsonObject | undefined {
    const o = this.objects.get(keyOf(t))?.get(objKey(t.namespaced ? ns : undefined, name));
    return o ? clone(o) : undefined;
  }

  mustGet(t: ResourceType, ns: string | undefined, name: string): JsonObject {
    const o = this.get(t, ns, name);
    if (!o) throw notFound(resourceName(t), name);
    return o;
  }

  list(t: ResourceType, ns?: string): JsonObject[] {
    const all = [...(this.objects.get(keyOf(t))?.values() ?? [])];
    return all.filter((o) => !t.namespaced || ns === undefined || meta(o).namespace === ns).map(clone);
  }

  create(t: ResourceType, object: JsonObject): JsonObject {
    const m = object['metadata'] as unknown as Meta;
    const ns = t.namespaced ? m.namespace : undefined;
    const bucket = this.bucket(t);
    if (bucket.has(objKey(ns, m.name))) throw alreadyExists(resourceName(t), m.name);
    const o = clone(object);
    const om = meta(o);
    om.uid = randomUUID();
    om.creationTimestamp = nowTimestamp();
    if (t.hasGeneration) om.generation = 1;
    if (!t.namespaced) delete om.namespace;
    om.resourceVersion = String(++this.rv);
    bucket.set(objKey(ns, m.name), o);
    this.emit('ADDED', t, o);
    return clone(o);
  }

  /**
   * Replaces an object. `expectedRv` (when given) must match the stored version, else 409.
   * Returns the stored object; unchanged input keeps its resourceVersion (no event).
   */
  update(t: ResourceType, object: JsonObject, options: { expectedRv?: string; statusOnly?: boolean } = {}): JsonObject {
    const m = meta(object);
    const ns = t.namespaced ? m.namespace : undefined;
    const bucket = this.bucket(t);
    const current = bucket.get(objKey(ns, m.name));
    if (!current) throw notFound(resourceName(t), m.name);
    const cm = meta(current);
    if (options.expectedRv !== undefined && options.expectedRv !== '' && options.expectedRv !== cm.resourceVersion) throw conflict(resourceName(t), m.name);
    const next = clone(object);
    const nm = meta(next);
    // Immutable and server-owned metadata.
    nm.uid = cm.uid;
    nm.creationTimestamp = cm.creationTimestamp;
    nm.resourceVersion = cm.resourceVersion;
    if (cm.deletionTimestamp) nm.deletionTimestamp = cm.deletionTimestamp;
    if (options.statusOnly) {
      const merged = { ...clone(current), status: next['status'] ?? {} } as JsonObject;
      return this.commit(t, bucket, ns, current, merged);
    }
    if (current['status'] !== undefined && next['status'] === undefined) next['status'] = clone(current['status']);
    if (t.hasGeneration) {
      nm.generation = cm.generation ?? 1;
      if (!deepEqual(current['spec'], next['spec'])) nm.generation += 1;
    }
    return this.commit(t, bucket, ns, current, next);
  }

  delete(t: ResourceType, ns: string | undefined, name: string): JsonObject {
    const bucket = this.bucket(t);
    const key = objKey(t.namespaced ? ns : undefined, name);
    const current = bucket.get(key);
    if (!current) throw notFound(resourceName(t), name);
    bucket.delete(key);
    const gone = clone(current);
    meta(gone).resourceVersion = String(++this.rv);
    this.emit('DELETED', t, gone);
    return clone(gone);
  }

  private commit(t: ResourceType, bucket: Map<string, JsonObject>, ns: string | undefined, current: JsonObject, next: JsonObject): JsonObject {
    if (deepEqual(current, next)) return clone(current);
    meta(next).resourceVersion = String(++this.rv);
    bucket.set(objKey(ns, meta(next).name), next);
    this.emit('MODIFIED', t, next);
    return clone(next);
  }

  private bucket(t: ResourceType): Map<string, JsonObject> {
    let b = this.objects.get(keyOf(t));
    if (!b) this.objects.set(keyOf(t), (b = new Map()));
    return b;
  }

  private emit(type: WatchEventType, resource: ResourceType, object: JsonObject): void {
    const event: StoreEvent = { type, resource, object: clone(object), resourceVersion: this.rv };
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.shift();
      if (dropped) this.compactedThrough = dropped.resourceVersion;
    }
    for (const l of this.listeners) l(event);
  }
}

/** `deployments.apps`, `pods`: how kube-apiserver names a resource in messages. */
export function resourceName(t: ResourceType): string {
  return t.group === '' ? t.plural : `${t.plural}.${t.group}`;
}
