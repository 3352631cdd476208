import { createHash, randomUUID } from 'node:crypto';
import { renderAzureFault } from './faults.js';
import { agentPoolsOf, deleteAgentPoolsOf, poolJson, upsertAgentPool, validatePool } from './agent-pools.js';
import { renderAksKubeconfig } from './kubeconfig.js';
import { refuseWhileBusy, type ArmRequest } from './resources.js';
import { keyOf, newEtag, provisioningStateOf, type ArmState, type ManagedClusterRecord } from './state.js';
import { AKS_SERVER_APP_ID, type EntraTokens } from './tokens.js';
import { AzureApiError, isObject, resourceGroupNotFound, resourceNotFound, tagsOf, type ArmReply, type Json } from './wire.js';

export const AKS_NS = 'Microsoft.ContainerService';
const CLUSTER_NAME = /^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$/;
const DEFAULT_VERSION = '1.33.5';

export const clusterId = (state: ArmState, rg: string, name: string): string => `/subscriptions/${state.subscriptionId}/resourceGroups/${rg}/providers/${AKS_NS}/managedClusters/${name}`;

/** The failure an `operationFaults` rule assigns to an operation, rendered as Azure reports it. */
export function operationFailure(state: ArmState, operation: string, location: string): { code: string; message: string } | undefined {
  const decision = state.operationFaults.decide(`arm:${operation}`, true);
  if (decision.kind === 'none') return undefined;
  const error = renderAzureFault(decision, { service: 'arm', operation, location, retryAfterSeconds: 0 });
  return { code: error.code, message: error.message };
}

/** The version asked for; absent or empty (the published examples send "") means the default, as in AKS. */
function requestedVersion(properties: Json): string {
  const v = properties['kubernetesVersion'];
  return typeof v === 'string' && v !== '' ? v : DEFAULT_VERSION.replace(/\.\d+$/, '');
}

function versionOf(properties: Json): string {
  const v = requestedVersion(properties);
  return /^\d+\.\d+$/.test(v) ? `${v}.5` : v;
}

/**
 * The network profile AKS reports: defaults filled in, the plural CIDR lists beside the singular
 * ones, and with outbound type loadBalancer the outbound IPs it manages in the node resource group.
 */
function networkProfileOf(state: ArmState, key: string, network: Json, nodeResourceGroup: string): Json {
  const n: Json = { networkPlugin: 'azure', networkPluginMode: 'overlay', networkDataplane: 'cilium', networkPolicy: 'cilium', loadBalancerSku: 'standard', outboundType: 'loadBalancer', podCidr: '10.244.0.0/16', serviceCidr: '10.0.0.0/16', dnsServiceIP: '10.0.0.10', ipFamilies: ['IPv4'], ...network };
  const plural = (one: string, many: string): unknown => (Array.isArray(n[many]) ? n[many] : typeof n[one] === 'string' ? [n[one]] : []);
  const profile = isObject(n['loadBalancerProfile']) ? n['loadBalancerProfile'] : {};
  const managed = isObject(profile['managedOutboundIPs']) && typeof profile['managedOutboundIPs']['count'] === 'number' ? profile['managedOutboundIPs']['count'] : 1;
  const lb = String(n['outboundType']).toLowerCase() === 'loadbalancer'
    ? {
        loadBalancerProfile: {
          ...(isObject(profile['outboundIPs']) || isObject(profile['outboundIPPrefixes']) ? {} : { managedOutboundIPs: { count: managed } }),
          allocatedOutboundPorts: 0,
          idleTimeoutInMinutes: 30,
          backendPoolType: 'NodeIPConfiguration',
          ...profile,
          effectiveOutboundIPs: Array.from({ length: Math.max(1, managed) }, (_, i) => ({ id: `/subscriptions/${state.subscriptionId}/resourceGroups/${nodeResourceGroup}/providers/Microsoft.Network/publicIPAddresses/${uuidFrom(`${key}/outbound/${i}`)}` })),
        },
      }
    : {};
  return { ...n, podCidrs: plural('podCidr', 'podCidrs'), serviceCidrs: plural('serviceCidr', 'serviceCidrs'), ...lb };
}

export function clusterJson(state: ArmState, key: string, c: ManagedClusterRecord): Json {
  const provisioningState = provisioningStateOf(state.managedClusters, key, c);
  const p = c.properties;
  const oidc = isObject(p['oidcIssuerProfile']) ? p['oidcIssuerProfile'] : undefined;
  const identity = c.identity ? identityOf(state, key, c.identity) : undefined;
  const aad = isObject(p['aadProfile']) && p['aadProfile']['managed'] === true ? { aadProfile: { adminGroupObjectIDs: null, ...p['aadProfile'], tenantID: p['aadProfile']['tenantID'] ?? state.tenantId } } : {};
  const network = isObject(p['networkProfile']) ? p['networkProfile'] : {};
  const nodeResourceGroup = typeof p['nodeResourceGroup'] === 'string' ? p['nodeResourceGroup'] : `MC_${c.resourceGroup}_${c.name}_${c.location}`;
  return {
    id: c.id,
    name: c.name,
    type: `${AKS_NS}/managedClusters`,
    location: c.location,
    eTag: c.etag,
    ...(Object.keys(c.tags).length > 0 ? { tags: c.tags } : {}),
    ...(c.sku ? { sku: c.sku } : { sku: { name: 'Base', tier: 'Free' } }),
    ...(identity ? { identity } : {}),
    properties: {
      // AKS defaults: Kubernetes RBAC on; a managed-identity cluster reports its service principal as "msi".
      enableRBAC: true,
      servicePrincipalProfile: { clientId: 'msi' },
      ...p,
      ...aad,
      provisioningState,
      powerState: { code: c.powerState },
      kubernetesVersion: requestedVersion(p),
      currentKubernetesVersion: versionOf(p),
      dnsPrefix: typeof p['dnsPrefix'] === 'string' ? p['dnsPrefix'] : c.name,
      fqdn: c.fqdn,
      azurePortalFQDN: c.fqdn.replace('.hcp.', '.portal.hcp.'),
      ...(isObject(p['apiServerAccessProfile']) && p['apiServerAccessProfile']['enablePrivateCluster'] === true ? { privateFQDN: c.fqdn.replace('.hcp.', `.${uuidFrom(`${key}/private`)}.privatelink.`) } : {}),
      nodeResourceGroup,
      maxAgentPools: 100,
      agentPoolProfiles: agentPoolsOf(state, key).map(([k, pool]) => {
        const { id: _i, type: _t, properties, ...rest } = poolJson(state, k, pool);
        return { ...rest, ...(properties as Json) };
      }),
      networkProfile: networkProfileOf(state, key, network, nodeResourceGroup),
      ...(oidc?.['enabled'] === true ? { oidcIssuerProfile: { ...oidc, issuerURL: `https://${c.location}.oic.prod-aks.azure.com/${state.tenantId}/${uuidFrom(key)}/` } } : {}),
      ...(c.failure && provisioningState === 'Failed' ? { status: { provisioningError: c.failure } } : {}),
    },
  };
}

/**
 * The identity as AKS reports it: a system-assigned one gets its principal and tenant, each
 * user-assigned one its client and principal ids (stable per cluster and identity).
 */
function identityOf(state: ArmState, key: string, identity: Json): Json {
  const type = String(identity['type']).toLowerCase();
  const system = type.includes('systemassigned') ? { principalId: uuidFrom(`${key}/principal`), tenantId: state.tenantId } : {};
  const assigned = isObject(identity['userAssignedIdentities']) ? identity['userAssignedIdentities'] : undefined;
  const users = assigned ? { userAssignedIdentities: Object.fromEntries(Object.keys(assigned).map((id) => [id, { clientId: uuidFrom(`${key}/${id}/client`), principalId: uuidFrom(`${key}/${id}/principal`) }])) } : {};
  return { ...identity, ...system, ...users };
}

function withoutSecrets(properties: Json): Json {
  const out = { ...properties };
  const strip = (field: string, secret: string): void => {
    const value = out[field];
    if (isObject(value)) {
      const { [secret]: _s, ...rest } = value;
      out[field] = rest;
    }
  };
  strip('servicePrincipalProfile', 'secret');
  strip('windowsProfile', 'adminPassword');
  return out;
}

function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function findCluster(state: ArmState, req: ArmRequest): { key: string; cluster: ManagedClusterRecord } {
  const rg = req.params['resourceGroup'] ?? '';
  const name = req.params['managedCluster'] ?? '';
  const key = keyOf(clusterId(state, rg, name));
  const cluster = state.managedClusters.get(key);
  if (!cluster) throw resourceNotFound(`${AKS_NS}/managedClusters`, name, rg);
  return { key, cluster };
}

/**
 * `PUT managedClusters/{name}`: 201 (200 on update) with provisioningState Creating/Updating and
 * `Azure-AsyncOperation`; 409 OperationNotAllowed while another operation runs. The agent pools of
 * `agentPoolProfiles` are created with it (at least one System pool on create), and a cluster that
 * will succeed gets its own Kubernetes API.
 */
export async function putManagedCluster(state: ArmState, req: ArmRequest): Promise<ArmReply> {
  const rgName = req.params['resourceGroup'] ?? '';
  const name = req.params['managedCluster'] ?? '';
  const rg = state.resourceGroupForWrite(rgName);
  if (!CLUSTER_NAME.test(name)) throw new AzureApiError(400, 'InvalidParameter', `The value of parameter resourceName is invalid: '${name}'. Use 1-63 letters, digits, '-' and '_', starting and ending with a letter or digit.`);
  const location = req.body['location'];
  if (typeof location !== 'string' || location === '') throw new AzureApiError(400, 'InvalidParameter', 'The value of parameter location is invalid: it is required.');
  const properties = isObject(req.body['properties']) ? { ...req.body['properties'] } : {};
  const key = keyOf(clusterId(state, rg.name, name));
  refuseWhileBusy(state.managedClusters, key, `managed cluster ${name}`);
  const current = state.managedClusters.get(key);
  if (current && current.location.toLowerCase() !== location.toLowerCase()) throw new AzureApiError(400, 'InvalidParameter', `The location of managed cluster ${name} cannot be changed from ${current.location} to ${location}.`);
  const profiles = (Array.isArray(properties['agentPoolProfiles']) ? properties['agentPoolProfiles'] : []).filter(isObject);
  if (!current && !profiles.some((p) => String(p['mode'] ?? '').toLowerCase() === 'system')) {
    throw new AzureApiError(400, 'InvalidParameter', 'The value of parameter agentPoolProfile.mode is invalid: a managed cluster must have at least one agent pool of mode System (MustDefineAtLeastOneSystemPool).');
  }
  for (const profile of profiles) validatePool(state, String(profile['name'] ?? ''), profile, location);
  if (typeof properties['dnsPrefix'] === 'string' && !/^[a-zA-Z0-9][-a-zA-Z0-9]{0,52}[a-zA-Z0-9]$|^[a-zA-Z0-9]$/.test(properties['dnsPrefix'])) {
    throw new AzureApiError(400, 'InvalidDnsPrefix', `The DNS prefix '${properties['dnsPrefix']}' is invalid: use 1-54 letters, digits and '-', starting and ending with a letter or digit.`);
  }
  const { agentPoolProfiles: _a, provisioningState: _p, powerState: _w, fqdn: _f, ...kept } = properties;
  // AKS never answers with the secrets a request carries (service principal secret, Windows admin password).
  const stored = withoutSecrets(kept);
  const failure = operationFailure(state, 'ManagedClusters_CreateOrUpdate', location);
  const dnsPrefix = typeof stored['dnsPrefix'] === 'string' ? stored['dnsPrefix'] : name;
  const record: ManagedClusterRecord = {
    id: current?.id ?? clusterId(state, rg.name, name),
    name: current?.name ?? name,
    resourceGroup: rg.name,
    location,
    tags: tagsOf(req.body['tags']),
    etag: newEtag(),
    properties: stored,
    ...(isObject(req.body['identity']) ? { identity: req.body['identity'] } : {}),
    ...(isObject(req.body['sku']) ? { sku: req.body['sku'] } : {}),
    powerState: current?.powerState ?? 'Running',
    fqdn: current?.fqdn ?? `${dnsPrefix.toLowerCase()}-${uuidFrom(randomUUID()).slice(0, 8)}.hcp.${location.toLowerCase()}.azmk8s.io`,
    createdAt: current?.createdAt ?? Date.now(),
    ...(current ? { updating: true } : {}),
    ...(failure ? { failure } : {}),
    ...(current?.endpoint ? { endpoint: current.endpoint, caPem: current.caPem ?? '' } : {}),
  };
  if (!failure && !record.endpoint) {
    const api = await state.pool.create(key, { version: versionOf(stored) });
    record.endpoint = api.endpoint;
    record.caPem = api.caPem;
  }
  const ms = state.timings.clusterCreateMs;
  state.managedClusters.create(key, record, ms);
  for (const profile of profiles) upsertAgentPool(state, key, record, String(profile['name']), profile, ms, failure);
  const op = state.operations.start(state.subscriptionId, AKS_NS, location, ms, failure);
  return { status: current ? 200 : 201, body: clusterJson(state, key, record), headers: state.operations.asyncHeaders(op, req.base, req.apiVersion) };
}

export function getManagedCluster(state: ArmState, req: ArmRequest): ArmReply {
  const { key, cluster } = findCluster(state, req);
  return { status: 200, body: clusterJson(state, key, cluster) };
}

/** Clusters of a resource group, or of the subscription when the request names none. */
export function listManagedClusters(state: ArmState, req: ArmRequest): ArmReply {
  const rgName = req.params['resourceGroup'];
  if (rgName !== undefined && !state.liveResourceGroup(rgName)) throw resourceGroupNotFound(rgName);
  const prefix = keyOf(rgName === undefined ? `/subscriptions/${state.subscriptionId}/` : `/subscriptions/${state.subscriptionId}/resourceGroups/${rgName}/`);
  const value = [...state.managedClusters.keys()].filter((k) => k.startsWith(prefix)).flatMap((k) => {
    const c = state.managedClusters.get(k);
    return c ? [clusterJson(state, k, c)] : [];
  });
  return { status: 200, body: { value } };
}

/** `DELETE managedClusters/{name}`: 202 + `Location`, its agent pools with it; 204 when absent. */
export function deleteManagedCluster(state: ArmState, req: ArmRequest): ArmReply {
  const rg = req.params['resourceGroup'] ?? '';
  const key = keyOf(clusterId(state, rg, req.params['managedCluster'] ?? ''));
  const cluster = state.managedClusters.get(key);
  if (!cluster) return { status: 204 };
  if (state.managedClusters.state(key) === 'DELETING') refuseWhileBusy(state.managedClusters, key, `managed cluster ${cluster.name}`);
  const ms = state.timings.clusterDeleteMs;
  deleteAgentPoolsOf(state, key, ms);
  state.managedClusters.delete(key, ms);
  const op = state.operations.start(state.subscriptionId, AKS_NS, cluster.location, ms);
  return { status: 202, headers: state.operations.locationHeaders(op, req.base, req.apiVersion) };
}

/** `PATCH managedClusters/{name}` (updateTags): replaces the tags; 200 with `Azure-AsyncOperation`. */
export function updateClusterTags(state: ArmState, req: ArmRequest): ArmReply {
  const { key, cluster } = findCluster(state, req);
  refuseWhileBusy(state.managedClusters, key, `managed cluster ${cluster.name}`);
  cluster.tags = tagsOf(req.body['tags']);
  cluster.etag = newEtag();
  const op = state.operations.start(state.subscriptionId, AKS_NS, cluster.location, 0);
  return { status: 200, body: clusterJson(state, key, cluster), headers: state.operations.asyncHeaders(op, req.base, req.apiVersion) };
}

/** `POST …/stop` and `…/start`: 202 + `Location`; powerState follows. */
export function setPowerState(state: ArmState, req: ArmRequest, power: 'Running' | 'Stopped'): ArmReply {
  const { key, cluster } = findCluster(state, req);
  refuseWhileBusy(state.managedClusters, key, `managed cluster ${cluster.name}`);
  if (provisioningStateOf(state.managedClusters, key, cluster) === 'Failed') throw new AzureApiError(409, 'OperationNotAllowed', `Managed cluster ${cluster.name} is in a failed state: reconcile it with a PUT first.`);
  const ms = state.timings.clusterPowerMs;
  cluster.powerState = power;
  cluster.pendingState = power === 'Stopped' ? 'Stopping' : 'Starting';
  state.managedClusters.create(key, cluster, ms);
  const op = state.operations.start(state.subscriptionId, AKS_NS, cluster.location, ms);
  return { status: 202, headers: state.operations.locationHeaders(op, req.base, req.apiVersion) };
}

/**
 * `POST …/listClusterUserCredential` (`format` exec, the default) and `…/listClusterAdminCredential`:
 * `{ kubeconfigs: [{ name, value: base64 }] }`. The user form runs kubelogin; the admin form holds a
 * token and is refused when local accounts are disabled, as AKS does.
 */
export function listCredential(state: ArmState, req: ArmRequest, kind: 'user' | 'admin', tokens: EntraTokens, format: string | null): ArmReply {
  const { key, cluster } = findCluster(state, req);
  if (format !== null && format.toLowerCase() !== 'exec') throw new AzureApiError(400, 'BadRequest', `Credential format '${format}' is not supported by this emulator: use format=exec (the default).`);
  if (kind === 'admin' && cluster.properties['disableLocalAccounts'] === true) {
    throw new AzureApiError(400, 'BadRequest', 'Getting static credential is not allowed because this cluster is set to disable local accounts.');
  }
  if (!cluster.endpoint || !cluster.caPem || state.managedClusters.state(key) === 'DELETING') {
    throw new AzureApiError(404, 'ResourceNotFound', `Managed cluster ${cluster.name} has no API server: its create failed or it is being deleted.`);
  }
  const aad = isObject(cluster.properties['aadProfile']) && cluster.properties['aadProfile']['managed'] === true;
  // Without Entra integration the "user" credential is a local account, as for admin.
  const form = kind === 'user' && aad ? 'user' : 'admin';
  const text = renderAksKubeconfig({
    clusterName: cluster.name,
    resourceGroup: cluster.resourceGroup,
    server: cluster.endpoint,
    caPem: cluster.caPem,
    tenantId: state.tenantId,
    kind: form,
    ...(form === 'admin' ? { token: tokens.issue(AKS_SERVER_APP_ID, `clusterAdmin-${cluster.name}`).token } : {}),
  });
  return { status: 200, body: { kubeconfigs: [{ name: kind === 'admin' ? 'clusterAdmin' : 'clusterUser', value: Buffer.from(text).toString('base64') }] } };
}
