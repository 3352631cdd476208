import type { FaultRenderer } from '../common/faults.js';
import { GoogleApiError } from './wire.js';

/** Which request a fault hits: the API and method (e.g. `container`, `CreateCluster`) and the project. */
export interface GcpFaultTarget {
  api: 'container' | 'serviceusage' | 'compute' | 'secretmanager';
  method: string;
  project: string;
  /** Region or zone of the request, used in the quota message. */
  location?: string;
}

/**
 * Renders a neutral fault as Google's REST APIs answer it: throttling as 429 `RESOURCE_EXHAUSTED`,
 * server errors and lost responses as 503 `UNAVAILABLE`, permission denied as 403
 * `PERMISSION_DENIED` (naming the permission, as GKE does), quota as 403 `PERMISSION_DENIED`
 * "Insufficient regional quota to satisfy request", as GKE reports a regional quota at create time.
 */
export const renderGcpFault: FaultRenderer<GcpFaultTarget, GoogleApiError> = (fault, target) => {
  switch (fault.kind) {
    case 'throttle':
      return new GoogleApiError('RESOURCE_EXHAUSTED', `Quota exceeded for quota metric 'Requests' and limit 'Requests per minute' of service '${target.api}.googleapis.com' for consumer 'project_number:${target.project}'.`, 429);
    case 'server-error':
    case 'lost-response':
      return new GoogleApiError('UNAVAILABLE', 'The service is currently unavailable.', 503);
    case 'permission-denied':
      return new GoogleApiError('PERMISSION_DENIED', fault.message ?? `Permission '${permissionOf(target)}' denied on resource 'projects/${target.project}' (or it may not exist).`, 403);
    case 'quota':
      return new GoogleApiError(
        'PERMISSION_DENIED',
        fault.message ?? `Insufficient regional quota to satisfy request: resource "CPUS": request requires '3.0' and is short '3.0'. project has a quota of '0.0' with '0.0' available. View and manage quotas at https://console.cloud.google.com/iam-admin/quotas?usage=USED&project=${target.project}.`,
        403,
      );
    case 'custom':
      return new GoogleApiError(fault.code, fault.message ?? `Injected ${fault.code}`, fault.status);
  }
};

function permissionOf(target: GcpFaultTarget): string {
  const verb = /^(Create|Delete|Get|List|Update|Set|Insert|Patch|Access|Add|Wait)/.exec(target.method)?.[1]?.toLowerCase().replace('insert', 'create').replace('patch', 'update').replace('wait', 'get') ?? 'get';
  if (target.api === 'compute') {
    const kind = /Subnetwork/.test(target.method) ? 'subnetworks' : /Network/.test(target.method) ? 'networks' : /Router/.test(target.method) ? 'routers' : 'globalOperations';
    return `compute.${kind}.${verb}`;
  }
  if (target.api === 'secretmanager') return /Version/.test(target.method) ? `secretmanager.versions.${verb}` : `secretmanager.secrets.${verb}`;
  const noun = /NodePool/.test(target.method) ? 'nodePools' : /Operation/.test(target.method) ? 'operations' : 'clusters';
  return target.api === 'serviceusage' ? 'serviceusage.services.get' : `container.${noun}.${verb}`;
}
