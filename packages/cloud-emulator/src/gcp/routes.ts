import { secretManagerRoute } from './secret-manager-rest.js';
import { GoogleApiError } from './wire.js';

/** One REST call of container v1 or serviceusage v1, parsed from method and path. */
export interface GcpRoute {
  api: 'container' | 'serviceusage' | 'compute' | 'secretmanager';
  /** e.g. `CreateCluster`; the fault operation is `container:CreateCluster`. */
  method: string;
  project: string;
  location?: string;
  cluster?: string;
  operation?: string;
  nodePool?: string;
  service?: string;
  /** compute: `network`, `subnetwork` or `router` (with `name`), or an operation (`operation`, `wait`); secretmanager: the resource name (`parent` or `name`). */
  computeKind?: 'network' | 'subnetwork' | 'router';
  name?: string;
  wait?: boolean;
  mutating: boolean;
}

const COMPUTE = /^\/compute\/v1\/projects\/([^/]+)\/(?:global|regions\/([^/]+))\/(networks|subnetworks|routers|operations)(?:\/([^/]+?))?(\/wait)?$/;
const VERBS: Record<string, string> = { POST: 'Insert', GET: 'Get', DELETE: 'Delete', PATCH: 'Patch' };

/** compute v1: `global/networks`, `regions/R/subnetworks|routers`, `global|regions/R/operations/ID[/wait]`. */
function computeRoute(method: string, path: string): GcpRoute | undefined {
  const m = COMPUTE.exec(path);
  if (!m) return undefined;
  const [, project = '', region, collection = '', name, wait] = m;
  const location = region ? { location: region } : {};
  const unsupported = (): never => {
    throw new GoogleApiError('NOT_FOUND', `Method ${method} is not supported on ${path} by the emulator.`, 404);
  };
  if (collection === 'operations') {
    if (name === undefined || !(wait ? method === 'POST' : method === 'GET')) return unsupported();
    return { api: 'compute', method: wait ? 'WaitOperation' : 'GetOperation', project, ...location, operation: name, wait: wait !== undefined, mutating: false };
  }
  const kind = collection.slice(0, -1) as 'network' | 'subnetwork' | 'router';
  if ((kind === 'network') === (region !== undefined) || wait) return unsupported();
  const noun = kind.charAt(0).toUpperCase() + kind.slice(1);
  if (name === undefined) {
    if (method === 'POST') return { api: 'compute', method: `Insert${noun}`, project, ...location, computeKind: kind, mutating: true };
    if (method === 'GET') return { api: 'compute', method: `List${noun}s`, project, ...location, computeKind: kind, mutating: false };
    return unsupported();
  }
  const verb = VERBS[method];
  if (verb === undefined || verb === 'Insert' || (verb === 'Patch' && kind !== 'router')) return unsupported();
  return { api: 'compute', method: `${verb}${noun}`, project, ...location, computeKind: kind, name, mutating: verb !== 'Get' };
}

const CLUSTERS = /^\/v1\/projects\/([^/]+)\/(?:locations|zones)\/([^/]+)\/clusters(?:\/([^/:]+))?$/;
const NODE_POOLS = /^\/v1\/projects\/([^/]+)\/(?:locations|zones)\/([^/]+)\/clusters\/([^/:]+)\/nodePools(?:\/([^/:]+))?(:setAutoscaling)?$/;
const OPERATIONS = /^\/v1\/projects\/([^/]+)\/(?:locations|zones)\/([^/]+)\/operations(?:\/([^/:]+))?$/;
const SERVICES = /^\/v1\/projects\/([^/]+)\/services\/([^/:]+)$/;

/**
 * Routes a request. The `zones/Z` forms (the v1 API's older zonal paths) name the same clusters
 * as `locations/Z`.
 */
export function routeOf(method: string, path: string): GcpRoute {
  const decoded = decodeURIComponent(path);
  const compute = computeRoute(method, decoded) ?? secretManagerRoute(method, decoded);
  if (compute) return compute;
  let m = NODE_POOLS.exec(decoded);
  if (m) {
    const [, project = '', location = '', cluster = '', nodePool, setAutoscaling] = m;
    const base = { api: 'container' as const, project, location, cluster };
    if (setAutoscaling) {
      if (nodePool !== undefined && method === 'POST') return { ...base, nodePool, method: 'SetNodePoolAutoscaling', mutating: true };
      throw new GoogleApiError('NOT_FOUND', `Method ${method} is not supported on ${path} by the emulator.`, 404);
    }
    if (nodePool === undefined && method === 'POST') return { ...base, method: 'CreateNodePool', mutating: true };
    if (nodePool === undefined && method === 'GET') return { ...base, method: 'ListNodePools', mutating: false };
    if (nodePool !== undefined && method === 'GET') return { ...base, nodePool, method: 'GetNodePool', mutating: false };
    if (nodePool !== undefined && method === 'DELETE') return { ...base, nodePool, method: 'DeleteNodePool', mutating: true };
    throw new GoogleApiError('NOT_FOUND', `Method ${method} is not supported on ${path} by the emulator.`, 404);
  }
  m = CLUSTERS.exec(decoded);
  if (m) {
    const [, project = '', location = '', cluster] = m;
    const base = { api: 'container' as const, project, location };
    if (cluster === undefined) {
      if (method === 'POST') return { ...base, method: 'CreateCluster', mutating: true };
      if (method === 'GET') return { ...base, method: 'ListClusters', mutating: false };
    } else {
      if (method === 'GET') return { ...base, cluster, method: 'GetCluster', mutating: false };
      if (method === 'DELETE') return { ...base, cluster, method: 'DeleteCluster', mutating: true };
      if (method === 'PUT') return { ...base, cluster, method: 'UpdateCluster', mutating: true };
    }
    throw new GoogleApiError('NOT_FOUND', `Method ${method} is not supported on ${path} by the emulator.`, 404);
  }
  m = OPERATIONS.exec(decoded);
  if (m && method === 'GET') {
    const [, project = '', location = '', operation] = m;
    return operation === undefined
      ? { api: 'container', method: 'ListOperations', project, location, mutating: false }
      : { api: 'container', method: 'GetOperation', project, location, operation, mutating: false };
  }
  m = SERVICES.exec(decoded);
  if (m && method === 'GET') {
    const [, project = '', service = ''] = m;
    return { api: 'serviceusage', method: 'GetService', project, service, mutating: false };
  }
  throw new GoogleApiError('NOT_FOUND', `The requested URL ${path} was not found on the emulator (it serves container v1 clusters, node pools and operations, compute v1 networks, subnetworks, routers and operations, secretmanager v1 secrets and versions, and serviceusage v1 services).`, 404);
}
