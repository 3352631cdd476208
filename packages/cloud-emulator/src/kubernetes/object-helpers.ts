import { ApiError } from './api-error.js';
import { clone, isObject, type Json, type JsonObject } from './merge.js';

/* Object rewrites of the API handler (update, apply) and its error mapping. */

/** Fields the server allocated that an update without them keeps (Service clusterIP, nodePorts). */
export function preserveServerFields(kind: string, current: JsonObject, next: JsonObject): void {
  if (kind !== 'Service' || !isObject(current['spec']) || !isObject(next['spec'])) return;
  for (const f of ['clusterIP', 'clusterIPs']) if (next['spec'][f] === undefined && current['spec'][f] !== undefined) next['spec'][f] = clone(current['spec'][f]);
}

/** Apply configurations may carry explicit nulls; they mean "not set". */
export function dropNulls(v: Json): Json {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = dropNulls(x);
  return out;
}

/** The applied configuration without the fields that only identify the object. */
export function stripIdentity(cfg: Json): Json {
  if (!isObject(cfg)) return cfg;
  const { kind: _k, apiVersion: _a, ...rest } = cfg;
  const m = isObject(rest['metadata']) ? { ...rest['metadata'] } : undefined;
  if (m) {
    delete m['name'];
    delete m['namespace'];
    rest['metadata'] = m;
  }
  return rest;
}

/** Any failure of a handler as the Kubernetes Status the API answers. */
export function toApiError(error: unknown): ApiError {
  const status = (error as { statusCode?: number }).statusCode;
  if (status === 413) return new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large');
  return new ApiError(500, 'InternalError', `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`);
}
