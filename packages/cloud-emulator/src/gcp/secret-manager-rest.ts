import type { GcpRoute } from './routes.js';
import { GoogleApiError } from './wire.js';

type Json = Record<string, unknown>;

const SECRETS = /^\/v1\/(projects\/([^/]+))\/secrets(?:\/([^/:]+))?(?::(addVersion))?$/;
const VERSIONS = /^\/v1\/(projects\/([^/]+)\/secrets\/([^/:]+))\/versions(?:\/([^/:]+))?(?::(access|disable|enable|destroy))?$/;
const VERBS: Record<string, string> = { access: 'AccessSecretVersion', disable: 'DisableSecretVersion', enable: 'EnableSecretVersion', destroy: 'DestroySecretVersion' };

/**
 * Secret Manager v1's REST bindings (gRPC transcoding of the service's `google.api.http` rules):
 * the proto method and the resource name (`parent` or `name`) a path names.
 */
export function secretManagerRoute(method: string, path: string): GcpRoute | undefined {
  const unsupported = (): never => {
    throw new GoogleApiError('NOT_FOUND', `Method ${method} is not supported on ${path} by the emulator.`, 404);
  };
  let m = VERSIONS.exec(path);
  if (m) {
    const [, secret = '', project = '', , version, verb] = m;
    const base = { api: 'secretmanager' as const, project };
    if (version === undefined) return method === 'GET' && !verb ? { ...base, method: 'ListSecretVersions', name: secret, mutating: false } : unsupported();
    const name = `${secret}/versions/${version}`;
    if (!verb) return method === 'GET' ? { ...base, method: 'GetSecretVersion', name, mutating: false } : unsupported();
    if (verb === 'access') return method === 'GET' ? { ...base, method: 'AccessSecretVersion', name, mutating: false } : unsupported();
    return method === 'POST' ? { ...base, method: VERBS[verb] ?? '', name, mutating: true } : unsupported();
  }
  m = SECRETS.exec(path);
  if (!m) return undefined;
  const [, parent = '', project = '', secret, addVersion] = m;
  const base = { api: 'secretmanager' as const, project };
  if (secret === undefined) {
    if (method === 'POST') return { ...base, method: 'CreateSecret', name: parent, mutating: true };
    if (method === 'GET') return { ...base, method: 'ListSecrets', name: parent, mutating: false };
    return unsupported();
  }
  const name = `${parent}/secrets/${secret}`;
  if (addVersion) return method === 'POST' ? { ...base, method: 'AddSecretVersion', name, mutating: true } : unsupported();
  if (method === 'GET') return { ...base, method: 'GetSecret', name, mutating: false };
  if (method === 'DELETE') return { ...base, method: 'DeleteSecret', name, mutating: true };
  if (method === 'PATCH') return { ...base, method: 'UpdateSecret', name, mutating: true };
  return unsupported();
}

/** The request message a REST call stands for: path fields, query parameters and the body, bytes decoded from base64. */
export function secretManagerRequest(route: GcpRoute, body: Json, query: URLSearchParams): Json {
  const name = route.name ?? '';
  switch (route.method) {
    case 'CreateSecret':
      return { parent: name, secretId: query.get('secretId') ?? '', secret: body };
    case 'ListSecrets':
      return { parent: name, ...(query.get('filter') ? { filter: query.get('filter') } : {}) };
    case 'ListSecretVersions':
      return { parent: name };
    case 'UpdateSecret':
      return { secret: { ...body, name }, updateMask: query.get('updateMask') ?? '' };
    case 'DeleteSecret':
      return { name, ...(query.get('etag') ? { etag: query.get('etag') } : {}) };
    case 'AddSecretVersion': {
      const payload = (body['payload'] ?? {}) as Json;
      return { parent: name, payload: { data: Buffer.from(typeof payload['data'] === 'string' ? payload['data'] : '', 'base64'), dataCrc32c: payload['dataCrc32c'] } };
    }
    default:
      return { name };
  }
}

/** A response message as REST JSON: bytes as base64. */
export function toRestJson(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(toRestJson);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toRestJson(v)]));
  return value;
}
