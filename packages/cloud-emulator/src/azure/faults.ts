import type { FaultRenderer } from '../common/faults.js';
import { AzureApiError } from './wire.js';

/** Which request a fault hits. */
export interface AzureFaultTarget {
  /** `arm` (Resource Manager), `keyvault` (a vault's data plane) or `entra` (the token endpoint). */
  service: 'arm' | 'keyvault' | 'entra';
  /** The operation id, e.g. `ManagedClusters_CreateOrUpdate` or `SetSecret`. */
  operation: string;
  /** The RBAC action and scope named in AuthorizationFailed, e.g. `Microsoft.ContainerService/managedClusters/write`. */
  action?: string;
  scope?: string;
  location?: string;
  /** `Retry-After` of a throttling answer, in seconds. */
  retryAfterSeconds: number;
}

/** The message AKS gives when a create exceeds a regional vCPU quota. */
export function quotaMessage(location = 'westeurope'): string {
  return `Operation could not be completed as it results in exceeding approved Total Regional Cores quota. Additional details - Deployment Model: Resource Manager, Location: ${location}, Current Limit: 10, Current Usage: 8, Additional Required: 6, (Minimum) New Limit Required: 14. Submit a request for Quota increase at https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/UsageAndQuota.ReactView.`;
}

/**
 * Renders a neutral fault as Azure answers: throttling 429 `TooManyRequests` (Key Vault:
 * `Throttled`) with `Retry-After`; server errors 500 `InternalServerError`; a lost response 504
 * `GatewayTimeout` (the work was done); permission denied 403 `AuthorizationFailed` naming the
 * action and scope (Key Vault: `Forbidden`/`ForbiddenByRbac`); quota 409 `QuotaExceeded`; any other
 * code with its status (e.g. 409 `OperationNotAllowed`).
 */
export const renderAzureFault: FaultRenderer<AzureFaultTarget, AzureApiError> = (fault, target) => {
  const vault = target.service === 'keyvault';
  switch (fault.kind) {
    case 'throttle':
      return new AzureApiError(
        429,
        vault ? 'Throttled' : 'TooManyRequests',
        vault ? 'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached' : `The request is being throttled as the limit has been reached for operation ${target.operation}. Please retry after ${target.retryAfterSeconds} seconds.`,
        { 'retry-after': String(target.retryAfterSeconds) },
      );
    case 'server-error':
      return new AzureApiError(500, 'InternalServerError', 'Encountered internal server error. Please try again.');
    case 'lost-response':
      return new AzureApiError(504, 'GatewayTimeout', `The gateway did not receive a response from the service within the specified time period (${target.operation}).`);
    case 'permission-denied':
      if (vault) return new AzureApiError(403, 'Forbidden', fault.message ?? `Caller is not authorized to perform action on resource. Action: '${target.action ?? 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'}'. Inner error code: ForbiddenByRbac`);
      return new AzureApiError(
        403,
        'AuthorizationFailed',
        fault.message ??
          `The client 'gati-emulator' with object id 'gati-emulator' does not have authorization to perform action '${target.action ?? 'Microsoft.Resources/read'}' over scope '${target.scope ?? '/'}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      );
    case 'quota':
      return new AzureApiError(409, 'QuotaExceeded', fault.message ?? quotaMessage(target.location));
    case 'custom':
      return new AzureApiError(fault.status, fault.code, fault.message ?? `Injected ${fault.code}.`);
  }
};
