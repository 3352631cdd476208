import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { TokenVerifier } from '../common/auth.js';
import { bearerToken } from '../common/auth.js';
import { readBody, sendJson } from '../common/http.js';
import type { RequestContext } from '../common/https-server.js';
import { ApiError, badRequest, conflict, gone, notFound } from './api-error.js';
import { defaultAndValidate } from './defaults.js';
import { dropNulls, preserveServerFields, stripIdentity, toApiError } from './object-helpers.js';
import { applyMerge, clone, deepEqual, isObject, jsonPatch, leafPaths, mergePatch, pruneRemoved, strategicMerge, type Json, type JsonObject } from './merge.js';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  coreApiVersions,
  findResource,
  groupVersion,
  openApiV3GroupVersion,
  openApiV3Root,
  versionInfo,
  type ResourceType,
} from './resources.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { meta, resourceName, type ObjectStore, type StoreEvent } from './store.js';
import { toTable, wantsTable } from './table.js';

export interface ApiServerOptions {
  store: ObjectStore;
  authenticate: TokenVerifier;
  gitVersion: string;
  serverAddress: () => string;
  /** Longest a watch stays open when the client sets no `timeoutSeconds`. */
  maxWatchMs: number;
  /** Called with objects deleted through the API (the garbage collector cascades). */
  onDelete?: (t: ResourceType, object: JsonObject, propagation: string | undefined) => JsonObject | undefined;
}

interface Route {
  t: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const PUBLIC = new Set(['/version', '/healthz', '/livez', '/readyz']);

/** The HTTP side of the emulated kube-apiserver. */
export class KubeApiHandler {
  /** Last apply configuration per object and field manager (server-side apply ownership). */
  private readonly applied = new Map<string, Map<string, Json>>();
  private serviceIpCounter = 10;

  constructor(private readonly o: ApiServerOptions) {}

  private nextServiceIp = (): string => {
    const n = this.serviceIpCounter++;
    return `10.96.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
  };

  handle = async (req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://k8s');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    try {
      if (!PUBLIC.has(path)) {
        const token = bearerToken(req);
        const identity = token === undefined ? undefined : await this.o.authenticate(token, req);
        if (!identity) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      }
      await this.route(req, res, url, path, ctx);
    } catch (error) {
      const e = error instanceof ApiError ? error : toApiError(error);
      if (!res.headersSent) sendJson(res, e.status, e.toStatus());
      else res.end();
    }
  };

  private async route(req: IncomingMessage, res: ServerResponse, url: URL, path: string, ctx: RequestContext): Promise<void> {
    const method = req.method ?? 'GET';
    if (path === '/version') return void sendJson(res, 200, versionInfo(this.o.gitVersion));
    if (PUBLIC.has(path)) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end('ok');
    }
    if (path === '/api') return void sendJson(res, 200, coreApiVersions(this.o.serverAddress()));
    if (path === '/apis') return void sendJson(res, 200, apiGroupList());
    if (path === '/openapi/v3') return void sendJson(res, 200, openApiV3Root());
    if (path.startsWith('/openapi/v3/')) return void this.found(res, openApiV3GroupVersion(path.slice('/openapi/v3/'.length)), path);
    const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api' && segs.length >= 2) [group, version, rest] = ['', segs[1] as string, segs.slice(2)];
    else if (segs[0] === 'apis' && segs.length === 2) return void this.found(res, apiGroup(segs[1] as string), path);
    else if (segs[0] === 'apis' && segs.length >= 3) [group, version, rest] = [segs[1] as string, segs[2] as string, segs.slice(3)];
    else throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`);
    if (rest.length === 0) return void this.found(res, apiResourceList(group, version), path);

    const route = this.parseRoute(group, version, rest, path);
    const op = route.name ? (route.subresource ? `${method} ${route.t.plural}/${route.subresource}` : `${method} ${route.t.plural}`) : `${method} ${route.t.plural} (collection)`;
    ctx.operation = op.toLowerCase();
    const q = url.searchParams;
    const dryRun = q.get('dryRun') === 'All';
    if (!route.name) {
      if (method === 'GET' && (q.get('watch') === 'true' || q.get('watch') === '1')) return this.watch(req, res, route, q);
      if (method === 'GET') return this.list(req, res, route, q);
      if (method === 'POST') return this.create(res, route, await this.body(req), dryRun);
      if (method === 'DELETE') return this.deleteCollection(res, route, q);
    } else {
      if (method === 'GET') return void sendJson(res, 200, this.get(route));
      if (method === 'PUT') return this.replace(res, route, await this.body(req), dryRun);
      if (method === 'PATCH') return this.patch(req, res, route, q, dryRun);
      if (method === 'DELETE') return this.delete(res, route, await this.deleteOptions(req, q));
    }
    throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }

  private parseRoute(group: string, version: string, rest: string[], path: string): Route {
    let namespace: string | undefined;
    let r = rest;
    // /namespaces/{ns}/{plural}/... (but /namespaces and /namespaces/{name}[/status] address namespaces themselves)
    if (r[0] === 'namespaces' && r.length >= 3 && !(group === '' && r.length === 3 && r[2] === 'status')) {
      namespace = r[1];
      r = r.slice(2);
    }
    const t = findResource(group, version, r[0] as string);
    if (!t) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`);
    if (namespace !== undefined && !t.namespaced) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`);
    const sub = r[2];
    if (sub !== undefined && !(t.subresources ?? []).includes(sub)) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`);
    return { t, ...(namespace !== undefined ? { namespace } : {}), ...(r[1] !== undefined ? { name: r[1] } : {}), ...(sub !== undefined ? { subresource: sub } : {}) };
  }

  private found(res: ServerResponse, body: unknown, path: string): void {
    if (body === undefined) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`);
    sendJson(res, 200, body);
  }

  private async body(req: IncomingMessage): Promise<JsonObject> {
    const text = (await readBody(req)).toString('utf8');
    let parsed: unknown;
    try {
      parsed = (req.headers['content-type'] ?? '').includes('yaml') ? parseYaml(text) : JSON.parse(text);
    } catch (e) {
      throw badRequest(`the request body is not valid ${String((req.headers['content-type'] ?? '').includes('yaml') ? 'YAML' : 'JSON')}: ${String(e)}`);
    }
    return parsed as JsonObject;
  }

  private get(route: Route): JsonObject {
    return this.o.store.mustGet(route.t, route.namespace, route.name as string);
  }

  private list(req: IncomingMessage, res: ServerResponse, route: Route, q: URLSearchParams): void {
    const items = this.select(route, q);
    const rv = String(this.o.store.resourceVersion);
    if (wantsTable(req.headers.accept)) return void sendJson(res, 200, toTable(route.t.kind, items, rv), { 'content-type': 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    sendJson(res, 200, { kind: `${route.t.kind}List`, apiVersion: groupVersion(route.t), metadata: { resourceVersion: rv }, items });
  }

  private select(route: Route, q: URLSearchParams): JsonObject[] {
    const byLabel = parseLabelSelector(q.get('labelSelector'));
    const byField = parseFieldSelector(q.get('fieldSelector'));
    return this.o.store
      .list(route.t, route.namespace)
      .filter((o) => byLabel(meta(o).labels) && byField(o))
      .sort((a, b) => `${meta(a).namespace ?? ''}/${meta(a).name}`.localeCompare(`${meta(b).namespace ?? ''}/${meta(b).name}`));
  }

  private watch(req: IncomingMessage, res: ServerResponse, route: Route, q: URLSearchParams): void {
    const byLabel = parseLabelSelector(q.get('labelSelector'));
    const byField = parseFieldSelector(q.get('fieldSelector'));
    const inScope = (e: StoreEvent): boolean => e.resource === route.t && (route.namespace === undefined || meta(e.object).namespace === route.namespace);
    const selected = (o: JsonObject): boolean => byLabel(meta(o).labels) && byField(o);
    const matches = (e: StoreEvent): boolean => inScope(e) && selected(e.object);
    // Objects the client currently sees through its selectors: leaving the selection is a DELETED
    // event for this watch, entering it an ADDED event (as kube-apiserver does).
    const visible = new Set(this.select(route, q).map((o) => meta(o).uid));
    const rvParam = q.get('resourceVersion');
    const store = this.o.store;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
    res.flushHeaders(); // clients wait for the headers before they count a watch as established
    const write = (type: string, object: unknown): void => {
      res.write(`${JSON.stringify({ type, object })}\n`);
    };
    if (rvParam && rvParam !== '0' && Number(rvParam) < store.oldestResumable) {
      write('ERROR', gone(`too old resource version: ${rvParam} (${store.oldestResumable})`).toStatus());
      return void res.end();
    }
    const backlog: StoreEvent[] = [];
    if (!rvParam || rvParam === '0') {
      for (const o of this.select(route, q)) write('ADDED', o);
    } else {
      backlog.push(...store.since(Number(rvParam)).filter(matches));
    }
    for (const e of backlog) write(e.type, e.object);
    const unsubscribe = store.subscribe((e) => {
      if (!inScope(e)) return;
      const uid = meta(e.object).uid;
      const now = e.type !== 'DELETED' && selected(e.object);
      const before = visible.has(uid);
      if (now) visible.add(uid);
      else visible.delete(uid);
      if (now) write(before || e.type === 'ADDED' ? e.type : 'ADDED', e.object);
      else if (before || (e.type === 'DELETED' && selected(e.object))) write('DELETED', e.object);
    });
    const timeoutSeconds = Number(q.get('timeoutSeconds') ?? '0');
    const limit = timeoutSeconds > 0 ? Math.min(timeoutSeconds * 1000, this.o.maxWatchMs) : this.o.maxWatchMs;
    const timer = setTimeout(() => res.end(), limit);
    timer.unref();
    const stop = (): void => {
      clearTimeout(timer);
      unsubscribe();
    };
    res.once('close', stop);
    req.once('close', stop);
  }

  private ensureNamespace(route: Route): void {
    if (!route.t.namespaced || route.namespace === undefined) return;
    const nsType = findResource('', 'v1', 'namespaces') as ResourceType;
    if (!this.o.store.get(nsType, undefined, route.namespace)) throw notFound('namespaces', route.namespace);
  }

  /** Sets kind/apiVersion/namespace/name from the URL and checks they agree with the body. */
  private normalize(route: Route, body: JsonObject, name?: string): JsonObject {
    if (!isObject(body)) throw badRequest('the request body must be an object');
    // Typed decoding drops nulls (e.g. `creationTimestamp: null` in templates kubectl sends).
    const o = dropNulls(body) as JsonObject;
    o['kind'] = route.t.kind;
    o['apiVersion'] = groupVersion(route.t);
    const m = isObject(o['metadata']) ? o['metadata'] : (o['metadata'] = {});
    if (route.t.namespaced) {
      if (m['namespace'] !== undefined && route.namespace !== undefined && m['namespace'] !== route.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      m['namespace'] = route.namespace ?? (m['namespace'] as string | undefined) ?? 'default';
    }
    if (name !== undefined) {
      if (m['name'] !== undefined && m['name'] !== name) throw badRequest('the name of the object does not match the name on the URL');
      m['name'] = name;
    } else if (!m['name'] && typeof m['generateName'] === 'string') {
      m['name'] = `${m['generateName']}${randomBytes(3).toString('hex').slice(0, 5)}`;
    }
    delete m['managedFields'];
    return o;
  }

  private async create(res: ServerResponse, route: Route, body: JsonObject, dryRun: boolean): Promise<void> {
    this.ensureNamespace(route);
    const o = this.normalize(route, body);
    delete (o['metadata'] as JsonObject)['resourceVersion'];
    if (route.t.kind === 'Namespace') o['status'] = { phase: 'Active' };
    defaultAndValidate(route.t.kind, o, this.nextServiceIp);
    if (dryRun) return void sendJson(res, 201, o);
    await Promise.resolve();
    sendJson(res, 201, this.o.store.create(route.t, o));
  }

  private replace(res: ServerResponse, route: Route, body: JsonObject, dryRun: boolean): void {
    const o = this.normalize(route, body, route.name);
    const current = this.get(route);
    const expectedRv = (o['metadata'] as JsonObject)['resourceVersion'];
    if (route.subresource === 'status') {
      const out = this.o.store.update(route.t, { ...current, status: o['status'] ?? {} } as JsonObject, { expectedRv: expectedRv as string, statusOnly: true });
      return void sendJson(res, 200, out);
    }
    preserveServerFields(route.t.kind, current, o);
    defaultAndValidate(route.t.kind, o, this.nextServiceIp);
    if (dryRun) return void sendJson(res, 200, o);
    sendJson(res, 200, this.o.store.update(route.t, o, { expectedRv: typeof expectedRv === 'string' ? expectedRv : '' }));
  }

  private async patch(req: IncomingMessage, res: ServerResponse, route: Route, q: URLSearchParams, dryRun: boolean): Promise<void> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const text = (await readBody(req)).toString('utf8');
    let patch: Json;
    try {
      patch = type === 'application/apply-patch+yaml' ? (parseYaml(text) as Json) : (JSON.parse(text) as Json);
    } catch (e) {
      throw badRequest(`the patch is not valid: ${String(e)}`);
    }
    if (type === 'application/apply-patch+yaml') return this.apply(res, route, patch, q, dryRun);
    const current = this.get(route);
    let next: Json;
    try {
      if (type === 'application/merge-patch+json') next = mergePatch(current, patch);
      else if (type === 'application/strategic-merge-patch+json') next = strategicMerge(current, patch);
      else if (type === 'application/json-patch+json') next = jsonPatch(current, patch);
      else throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw new ApiError(422, 'Invalid', `the patch could not be applied: ${String(e instanceof Error ? e.message : e)}`);
    }
    const o = this.normalize(route, next as JsonObject, route.name);
    const patchRv = isObject(patch) && isObject(patch['metadata']) ? patch['metadata']['resourceVersion'] : undefined;
    if (route.subresource === 'status') {
      return void sendJson(res, 200, this.o.store.update(route.t, { ...current, status: o['status'] ?? {} } as JsonObject, { expectedRv: typeof patchRv === 'string' ? patchRv : '', statusOnly: true }));
    }
    defaultAndValidate(route.t.kind, o, this.nextServiceIp);
    if (dryRun) return void sendJson(res, 200, o);
    sendJson(res, 200, this.o.store.update(route.t, o, { expectedRv: typeof patchRv === 'string' ? patchRv : '' }));
  }

  /** Server-side apply: per-manager ownership, conflicts (409 unless `force`), removal of fields the manager stopped setting. */
  private apply(res: ServerResponse, route: Route, config: Json, q: URLSearchParams, dryRun: boolean): void {
    const manager = q.get('fieldManager');
    if (!manager) throw badRequest('PATCH with application/apply-patch+yaml requires the fieldManager query parameter');
    if (!isObject(config)) throw badRequest('the apply configuration must be an object');
    const force = q.get('force') === 'true';
    const cfg = this.normalize(route, config, route.name);
    const cm = cfg['metadata'] as JsonObject;
    const expectedRv = typeof cm['resourceVersion'] === 'string' ? cm['resourceVersion'] : '';
    delete cm['resourceVersion'];
    const key = `${route.t.group}/${route.t.plural}/${route.namespace ?? ''}/${route.name ?? ''}`;
    const owners = this.applied.get(key) ?? new Map<string, Json>();
    const current = this.o.store.get(route.t, route.namespace, route.name as string);
    if (!current) {
      this.ensureNamespace(route);
      const o = clone(cfg);
      if (route.t.kind === 'Namespace') o['status'] = { phase: 'Active' };
      defaultAndValidate(route.t.kind, o, this.nextServiceIp);
      if (dryRun) return void sendJson(res, 201, o);
      const created = this.o.store.create(route.t, o);
      this.applied.set(key, new Map([[manager, cfg]]));
      return void sendJson(res, 201, created);
    }
    if (expectedRv && expectedRv !== meta(current).resourceVersion) throw conflict(resourceName(route.t), route.name as string);
    const mine = leafPaths(stripIdentity(cfg));
    const conflicts: string[] = [];
    for (const [other, otherCfg] of owners) {
      if (other === manager) continue;
      const theirs = leafPaths(stripIdentity(otherCfg));
      for (const [p, v] of mine) if (theirs.has(p) && !deepEqual(theirs.get(p), v)) conflicts.push(`conflict with "${other}": ${p}`);
    }
    if (conflicts.length > 0 && !force) {
      throw new ApiError(409, 'Conflict', `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${conflicts.join('\n')}`, {
        causes: conflicts.map((message) => ({ reason: 'FieldManagerConflict', message })),
      });
    }
    const previous = owners.get(manager) ?? {};
    const base = pruneRemoved(current, stripIdentity(previous), stripIdentity(cfg)) as JsonObject;
    const merged = applyMerge(base, cfg) as JsonObject;
    merged['status'] = current['status'] ?? null;
    if (merged['status'] === null) delete merged['status'];
    defaultAndValidate(route.t.kind, merged, this.nextServiceIp);
    if (dryRun) return void sendJson(res, 200, merged);
    const stored = this.o.store.update(route.t, merged);
    owners.set(manager, cfg);
    this.applied.set(key, owners);
    sendJson(res, 200, stored);
  }

  /** `propagationPolicy` from the query or a DeleteOptions body (kubectl sends the body). */
  private async deleteOptions(req: IncomingMessage, q: URLSearchParams): Promise<string | undefined> {
    const text = (await readBody(req)).toString('utf8');
    if (text.trim()) {
      try {
        const body = JSON.parse(text) as { propagationPolicy?: string };
        if (typeof body.propagationPolicy === 'string') return body.propagationPolicy;
      } catch {
        throw badRequest('the DeleteOptions body is not valid JSON');
      }
    }
    return q.get('propagationPolicy') ?? undefined;
  }

  private delete(res: ServerResponse, route: Route, propagation: string | undefined): void {
    const current = this.get(route);
    const kept = this.o.onDelete?.(route.t, current, propagation);
    if (kept) return void sendJson(res, 200, kept);
    const out = this.o.store.delete(route.t, route.namespace, route.name as string);
    this.applied.delete(`${route.t.group}/${route.t.plural}/${route.namespace ?? ''}/${route.name ?? ''}`);
    sendJson(res, 200, out);
  }

  private deleteCollection(res: ServerResponse, route: Route, q: URLSearchParams): void {
    const items = this.select(route, q);
    for (const o of items) {
      if (!this.o.onDelete?.(route.t, o, q.get('propagationPolicy') ?? undefined)) this.o.store.delete(route.t, meta(o).namespace, meta(o).name);
    }
    sendJson(res, 200, { kind: `${route.t.kind}List`, apiVersion: groupVersion(route.t), metadata: { resourceVersion: String(this.o.store.resourceVersion) }, items });
  }
}
