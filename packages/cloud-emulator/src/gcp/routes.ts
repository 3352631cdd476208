import { GoogleApiError } from './wire.js';

/** One REST call of container v1 or serviceusage v1, parsed from method and path. */
export interface GcpRoute {
  api: 'container' | 'serviceusage';
  /** e.g. `CreateCluster`; the fault operation is `container:CreateCluster`. */
  method: string;
  project: string;
  location?: string;
  cluster?: string;
  operation?: string;
  nodePool?: string;
  service?: string;
  mutating: boolean;
}

const CLUSTERS = /^\/v1\/projects\/([^/]+)\/(?:locations|zones)\/([^/]+)\/clusters(?:\/([^/:]+))?$/;
const NODE_POOLS = /^\/v1\/projects\/([^/]+)\/(?:locations|zones)\/([^/]+)\/clusters\/([^/:]+)\/nodePools(?:\/([^/:]+))?$/;
const OPERATIONS = /^\/v1\/projects\/([^/]+)\/(?:locations|zones)\/([^/]+)\/operations(?:\/([^/:]+))?$/;
const SERVICES = /^\/v1\/projects\/([^/]+)\/services\/([^/:]+)$/;

/**
 * Routes a request. The `zones/Z` forms (the v1 API's older zonal paths) name the same clusters
 * as `locations/Z`.
 */
export function routeOf(method: string, path: string): GcpRoute {
  const decoded = decodeURIComponent(path);
  let m = NODE_POOLS.exec(decoded);
  if (m) {
    const [, project = '', location = '', cluster = '', nodePool] = m;
    const base = { api: 'container' as const, project, location, cluster };
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
  throw new GoogleApiError('NOT_FOUND', `The requested URL ${path} was not found on the emulator (it serves container v1 clusters, node pools and operations, and serviceusage v1 services).`, 404);
}
