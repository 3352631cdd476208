/** JSON merge machinery of the emulated API server: merge patch, strategic merge patch, JSON patch, server-side apply. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

/**
 * The merge key of a list field (Kubernetes `patchMergeKey`), or undefined for atomic lists.
 * Decided by field name and, where a name is shared (ports), by the items' shape.
 */
export function mergeKeyOf(field: string, items: Json[]): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'ownerReferences':
      return field === 'ownerReferences' ? 'uid' : 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'conditions':
      return 'type';
    case 'ports': {
      const first = items.find(isObject);
      if (first && 'containerPort' in first) return 'containerPort';
      return 'port';
    }
    default:
      return undefined;
  }
}

function keyOf(item: Json, key: string): string | undefined {
  return isObject(item) && item[key] !== undefined ? JSON.stringify(item[key]) : undefined;
}

/** Strategic merge patch (the subset clients send: merge keys, null deletes, `$patch: delete|replace`, `$`-directives ignored). */
export function strategicMerge(target: Json, patch: Json, field = ''): Json {
  if (Array.isArray(patch)) {
    const key = mergeKeyOf(field, [...patch, ...(Array.isArray(target) ? target : [])]);
    if (!key || !Array.isArray(target)) return clone(patch.filter((p) => !(isObject(p) && p['$patch'] === 'delete')));
    const out = clone(target);
    for (const p of patch) {
      const k = keyOf(p, key);
      const idx = k === undefined ? -1 : out.findIndex((t) => keyOf(t, key) === k);
      if (isObject(p) && p['$patch'] === 'delete') {
        if (idx >= 0) out.splice(idx, 1);
      } else if (idx >= 0) out[idx] = strategicMerge(out[idx] ?? null, p, '');
      else out.push(strip(p));
    }
    return out;
  }
  if (!isObject(patch)) return clone(patch);
  if (patch['$patch'] === 'replace') return strip(patch);
  if (patch['$patch'] === 'delete') return null;
  const out: JsonObject = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) delete out[k];
    else out[k] = strategicMerge(out[k] ?? null, v, k);
  }
  return out;
}

function strip(v: Json): Json {
  if (Array.isArray(v)) return v.map(strip);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$') && x !== null) out[k] = strip(x);
  return out;
}

/** RFC 6902 JSON patch; throws on a failed `test` or a missing path. */
export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw new Error('a JSON patch must be an array of operations');
  let doc = clone(target);
  for (const op of ops) {
    if (!isObject(op) || typeof op['op'] !== 'string' || typeof op['path'] !== 'string') throw new Error('invalid JSON patch operation');
    const path = parsePointer(op['path']);
    switch (op['op']) {
      case 'add':
      case 'replace':
        doc = setAt(doc, path, clone(op['value'] ?? null), op['op'] === 'add');
        break;
      case 'remove':
        doc = removeAt(doc, path);
        break;
      case 'test':
        if (!deepEqual(getAt(doc, path), op['value'])) throw new Error(`JSON patch test failed at ${op['path']}`);
        break;
      case 'copy':
      case 'move': {
        const from = parsePointer(String(op['from']));
        const value = clone(getAt(doc, from) ?? null);
        if (op['op'] === 'move') doc = removeAt(doc, from);
        doc = setAt(doc, path, value, true);
        break;
      }
      default:
        throw new Error(`unsupported JSON patch op ${op['op']}`);
    }
  }
  return doc;
}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(doc: Json, path: string[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const seg of path) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObject(cur)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

function setAt(doc: Json, path: string[], value: Json, add: boolean): Json {
  if (path.length === 0) return value;
  const parent = getAt(doc, path.slice(0, -1));
  const last = path[path.length - 1] as string;
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (add) parent.splice(i, 0, value);
    else parent[i] = value;
  } else if (isObject(parent)) {
    if (!add && !(last in parent)) throw new Error(`JSON patch path /${path.join('/')} does not exist`);
    parent[last] = value;
  } else throw new Error(`JSON patch path /${path.join('/')} does not exist`);
  return doc;
}

function removeAt(doc: Json, path: string[]): Json {
  const parent = getAt(doc, path.slice(0, -1));
  const last = path[path.length - 1] as string;
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (isObject(parent) && last in parent) delete parent[last];
  else throw new Error(`JSON patch path /${path.join('/')} does not exist`);
  return doc;
}

/** Leaf paths of an apply configuration, with keyed list items as `[key=value]` segments. */
export function leafPaths(v: Json, prefix = '', field = ''): Map<string, Json> {
  const out = new Map<string, Json>();
  if (Array.isArray(v)) {
    const key = mergeKeyOf(field, v);
    if (!key) {
      out.set(prefix, v);
      return out;
    }
    for (const item of v) {
      const k = keyOf(item, key);
      for (const [p, x] of leafPaths(item, `${prefix}[${key}=${k}]`)) out.set(p, x);
    }
    return out;
  }
  if (isObject(v) && Object.keys(v).length > 0) {
    for (const [k, x] of Object.entries(v)) for (const [p, y] of leafPaths(x, `${prefix}.${k}`, k)) out.set(p, y);
    return out;
  }
  out.set(prefix, v);
  return out;
}

/** Removes from `live` what `previous` (this manager's last apply) set and `next` no longer sets. */
export function pruneRemoved(live: Json, previous: Json, next: Json, field = ''): Json {
  if (Array.isArray(previous) && Array.isArray(live)) {
    const key = mergeKeyOf(field, [...previous, ...live]);
    if (!key) return live; // atomic: replaced wholesale by the merge
    const nextItems = Array.isArray(next) ? next : [];
    return live
      .filter((item) => {
        const k = keyOf(item, key);
        const wasOurs = previous.some((p) => keyOf(p, key) === k);
        const stillOurs = nextItems.some((n) => keyOf(n, key) === k);
        return !(wasOurs && !stillOurs);
      })
      .map((item) => {
        const k = keyOf(item, key);
        const p = previous.find((x) => keyOf(x, key) === k);
        const n = nextItems.find((x) => keyOf(x, key) === k);
        return p !== undefined && n !== undefined ? pruneRemoved(item, p, n) : item;
      });
  }
  if (!isObject(previous) || !isObject(live)) return live;
  const out = { ...live };
  for (const [k, pv] of Object.entries(previous)) {
    const nv = isObject(next) ? next[k] : undefined;
    if (nv === undefined) delete out[k];
    else if (out[k] !== undefined) out[k] = pruneRemoved(out[k] as Json, pv, nv, k);
  }
  return out;
}

/** Merges an apply configuration into a live object: maps recurse, keyed lists merge by key, other lists are replaced. */
export function applyMerge(live: Json, config: Json, field = ''): Json {
  if (Array.isArray(config)) {
    const key = mergeKeyOf(field, config);
    if (!key || !Array.isArray(live)) return clone(config);
    const out = clone(live);
    for (const item of config) {
      const k = keyOf(item, key);
      const idx = out.findIndex((t) => keyOf(t, key) === k);
      if (idx >= 0) out[idx] = applyMerge(out[idx] ?? null, item);
      else out.push(clone(item));
    }
    // Keep the order of the configuration for items it names.
    const order = config.map((c) => keyOf(c, key));
    return out.sort((a, b) => {
      const ia = order.indexOf(keyOf(a, key));
      const ib = order.indexOf(keyOf(b, key));
      return (ia < 0 ? Number.MAX_SAFE_INTEGER : ia) - (ib < 0 ? Number.MAX_SAFE_INTEGER : ib);
    });
  }
  if (!isObject(config)) return clone(config);
  const out: JsonObject = isObject(live) ? clone(live) : {};
  for (const [k, v] of Object.entries(config)) out[k] = applyMerge(out[k] ?? null, v, k);
  return out;
}
