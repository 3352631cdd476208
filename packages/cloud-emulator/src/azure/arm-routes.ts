import { deleteAgentPool, getAgentPool, listAgentPools, putAgentPool } from './agent-pools.js';
import { deleteManagedCluster, getManagedCluster, listCredential, listManagedClusters, putManagedCluster, setPowerState, updateClusterTags } from './container-service.js';
import { deleteSubnet, deleteVirtualNetwork, getSubnet, getVirtualNetwork, listSubnets, listVirtualNetworks, putSubnet, putVirtualNetwork } from './network.js';
import { deleteResourceGroup, getResourceGroup, headResourceGroup, listResourceGroups, patchResourceGroup, putResourceGroup, type ArmRequest } from './resources.js';
import type { ArmState } from './state.js';
import type { EntraTokens } from './tokens.js';
import { pathSegments, type ArmReply } from './wire.js';

/** What a handler gets besides the request. */
export interface ArmHandlerContext {
  state: ArmState;
  tokens: EntraTokens;
  query: URLSearchParams;
}

type Handler = (req: ArmRequest, ctx: ArmHandlerContext) => ArmReply | Promise<ArmReply>;

interface Route {
  method: string;
  /** Segments; `:name` captures, literals compare without case (ARM paths are case-insensitive). */
  pattern: string[];
  /** The operation id of the REST spec, e.g. `ManagedClusters_CreateOrUpdate`; faults match `arm:<operation>`. */
  operation: string;
  /** The RBAC action AuthorizationFailed names. */
  action: string;
  handler: Handler;
}

const RG = 'subscriptions/:subscriptionId/resourcegroups/:resourceGroup';
const VNET = `${RG}/providers/microsoft.network/virtualnetworks`;
const AKS = `${RG}/providers/microsoft.containerservice/managedclusters`;
const MC = `${AKS}/:managedCluster`;
const OPS = 'subscriptions/:subscriptionId/providers/:namespace/locations/:location';

const table: [string, string, string, string, Handler][] = [
  ['GET', 'subscriptions/:subscriptionId/resourcegroups', 'ResourceGroups_List', 'Microsoft.Resources/subscriptions/resourceGroups/read', (r, c) => listResourceGroups(c.state, c.query.get('$filter'))],
  ['PUT', RG, 'ResourceGroups_CreateOrUpdate', 'Microsoft.Resources/subscriptions/resourceGroups/write', (r, c) => putResourceGroup(c.state, r)],
  ['GET', RG, 'ResourceGroups_Get', 'Microsoft.Resources/subscriptions/resourceGroups/read', (r, c) => getResourceGroup(c.state, r)],
  ['HEAD', RG, 'ResourceGroups_CheckExistence', 'Microsoft.Resources/subscriptions/resourceGroups/read', (r, c) => headResourceGroup(c.state, r)],
  ['PATCH', RG, 'ResourceGroups_Update', 'Microsoft.Resources/subscriptions/resourceGroups/write', (r, c) => patchResourceGroup(c.state, r)],
  ['DELETE', RG, 'ResourceGroups_Delete', 'Microsoft.Resources/subscriptions/resourceGroups/delete', (r, c) => deleteResourceGroup(c.state, r)],
  ['GET', VNET, 'VirtualNetworks_List', 'Microsoft.Network/virtualNetworks/read', (r, c) => listVirtualNetworks(c.state, r)],
  ['PUT', `${VNET}/:virtualNetwork`, 'VirtualNetworks_CreateOrUpdate', 'Microsoft.Network/virtualNetworks/write', (r, c) => putVirtualNetwork(c.state, r)],
  ['GET', `${VNET}/:virtualNetwork`, 'VirtualNetworks_Get', 'Microsoft.Network/virtualNetworks/read', (r, c) => getVirtualNetwork(c.state, r)],
  ['DELETE', `${VNET}/:virtualNetwork`, 'VirtualNetworks_Delete', 'Microsoft.Network/virtualNetworks/delete', (r, c) => deleteVirtualNetwork(c.state, r)],
  ['GET', `${VNET}/:virtualNetwork/subnets`, 'Subnets_List', 'Microsoft.Network/virtualNetworks/subnets/read', (r, c) => listSubnets(c.state, r)],
  ['PUT', `${VNET}/:virtualNetwork/subnets/:subnet`, 'Subnets_CreateOrUpdate', 'Microsoft.Network/virtualNetworks/subnets/write', (r, c) => putSubnet(c.state, r)],
  ['GET', `${VNET}/:virtualNetwork/subnets/:subnet`, 'Subnets_Get', 'Microsoft.Network/virtualNetworks/subnets/read', (r, c) => getSubnet(c.state, r)],
  ['DELETE', `${VNET}/:virtualNetwork/subnets/:subnet`, 'Subnets_Delete', 'Microsoft.Network/virtualNetworks/subnets/delete', (r, c) => deleteSubnet(c.state, r)],
  ['GET', 'subscriptions/:subscriptionId/providers/microsoft.containerservice/managedclusters', 'ManagedClusters_List', 'Microsoft.ContainerService/managedClusters/read', (r, c) => listManagedClusters(c.state, r)],
  ['GET', AKS, 'ManagedClusters_ListByResourceGroup', 'Microsoft.ContainerService/managedClusters/read', (r, c) => listManagedClusters(c.state, r)],
  ['PUT', MC, 'ManagedClusters_CreateOrUpdate', 'Microsoft.ContainerService/managedClusters/write', (r, c) => putManagedCluster(c.state, r)],
  ['GET', MC, 'ManagedClusters_Get', 'Microsoft.ContainerService/managedClusters/read', (r, c) => getManagedCluster(c.state, r)],
  ['PATCH', MC, 'ManagedClusters_UpdateTags', 'Microsoft.ContainerService/managedClusters/write', (r, c) => updateClusterTags(c.state, r)],
  ['DELETE', MC, 'ManagedClusters_Delete', 'Microsoft.ContainerService/managedClusters/delete', (r, c) => deleteManagedCluster(c.state, r)],
  ['POST', `${MC}/listclusterusercredential`, 'ManagedClusters_ListClusterUserCredentials', 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action', (r, c) => listCredential(c.state, r, 'user', c.tokens, c.query.get('format'))],
  ['POST', `${MC}/listclusteradmincredential`, 'ManagedClusters_ListClusterAdminCredentials', 'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action', (r, c) => listCredential(c.state, r, 'admin', c.tokens, c.query.get('format'))],
  ['POST', `${MC}/stop`, 'ManagedClusters_Stop', 'Microsoft.ContainerService/managedClusters/stop/action', (r, c) => setPowerState(c.state, r, 'Stopped')],
  ['POST', `${MC}/start`, 'ManagedClusters_Start', 'Microsoft.ContainerService/managedClusters/start/action', (r, c) => setPowerState(c.state, r, 'Running')],
  ['GET', `${MC}/agentpools`, 'AgentPools_List', 'Microsoft.ContainerService/managedClusters/agentPools/read', (r, c) => listAgentPools(c.state, r)],
  ['PUT', `${MC}/agentpools/:agentPool`, 'AgentPools_CreateOrUpdate', 'Microsoft.ContainerService/managedClusters/agentPools/write', (r, c) => putAgentPool(c.state, r)],
  ['GET', `${MC}/agentpools/:agentPool`, 'AgentPools_Get', 'Microsoft.ContainerService/managedClusters/agentPools/read', (r, c) => getAgentPool(c.state, r)],
  ['DELETE', `${MC}/agentpools/:agentPool`, 'AgentPools_Delete', 'Microsoft.ContainerService/managedClusters/agentPools/delete', (r, c) => deleteAgentPool(c.state, r)],
  ['GET', `${OPS}/operations/:operation`, 'Operations_GetStatus', 'Microsoft.Resources/read', (r, c) => c.state.operations.statusReply(c.state.subscriptionId, r.params['operation'] ?? '')],
  ['GET', `${OPS}/operationresults/:operation`, 'Operations_GetResult', 'Microsoft.Resources/read', (r, c) => c.state.operations.resultReply(c.state.subscriptionId, r.params['operation'] ?? '', r.base, r.apiVersion)],
];

const ROUTES: Route[] = table.map(([method, pattern, operation, action, handler]) => ({ method, pattern: pattern.split('/'), operation, action, handler }));

/** The route of an ARM request with its captured path names, or `undefined`. */
export function matchArmRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  const segments = pathSegments(path);
  for (const route of ROUTES) {
    if (route.method !== method || route.pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = route.pattern.every((p, i) => {
      const s = segments[i] ?? '';
      if (p.startsWith(':')) {
        params[p.slice(1)] = s;
        return true;
      }
      return p === s.toLowerCase();
    });
    if (ok) return { route, params };
  }
  return undefined;
}

/** Operations that change state: lost responses only hit these. */
export function isMutating(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}
