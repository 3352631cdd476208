import type { StateClock } from '../common/state-clock.js';
import { busy, keyOf, newEtag, provisioningStateOf, type ArmState, type ResourceGroupRecord } from './state.js';
import { AzureApiError, isObject, resourceGroupNotFound, tagsOf, type ArmReply, type Json } from './wire.js';

/** One ARM request after routing: the path's names, the parsed body, the base URL the client used. */
export interface ArmRequest {
  params: Record<string, string>;
  body: Json;
  /** `https://host:port` as the client addressed it (operation URLs point back there). */
  base: string;
  apiVersion: string;
}

const RG_NAME = /^[-\w.()]{1,89}[-\w()]$|^[-\w()]$/u;

const rgId = (state: ArmState, name: string): string => `/subscriptions/${state.subscriptionId}/resourceGroups/${name}`;

function rgJson(state: ArmState, key: string, rg: ResourceGroupRecord): Json {
  return {
    id: rg.id,
    name: rg.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: rg.location,
    ...(Object.keys(rg.tags).length > 0 ? { tags: rg.tags } : {}),
    ...(rg.managedBy ? { managedBy: rg.managedBy } : {}),
    properties: { provisioningState: provisioningStateOf(state.resourceGroups, key, rg) },
  };
}

function existing(state: ArmState, name: string): { key: string; rg: ResourceGroupRecord } {
  const key = keyOf(rgId(state, name));
  const rg = state.resourceGroups.get(key);
  if (!rg) throw resourceGroupNotFound(name);
  return { key, rg };
}

/** `PUT resourcegroups/{rg}`: synchronous, 201 when created, 200 when updated (tags replaced). */
export function putResourceGroup(state: ArmState, req: ArmRequest): ArmReply {
  const name = req.params['resourceGroup'] ?? '';
  if (!RG_NAME.test(name)) throw new AzureApiError(400, 'InvalidResourceGroup', `The provided resource group name '${name}' has these invalid characters or is too long: use up to 90 letters, digits, '_', '-', '.', '(', ')', not ending in '.'.`);
  const location = req.body['location'];
  if (typeof location !== 'string' || location === '') throw new AzureApiError(400, 'LocationRequired', 'The location property is required for this definition.');
  const tags = tagsOf(req.body['tags']);
  const key = keyOf(rgId(state, name));
  const current = state.resourceGroups.get(key);
  if (current) {
    if (state.resourceGroups.state(key) === 'DELETING') throw new AzureApiError(409, 'ResourceGroupBeingDeleted', `The resource group '${current.name}' is in deprovisioning state and cannot perform this operation.`);
    if (normalLocation(current.location) !== normalLocation(location)) {
      throw new AzureApiError(409, 'InvalidResourceGroupLocation', `Invalid resource group location '${location}'. The Resource group already exists in location '${current.location}' in resource group '${current.name}'.`);
    }
    current.tags = tags;
    return { status: 200, body: rgJson(state, key, current) };
  }
  const record: ResourceGroupRecord = { id: rgId(state, name), name, resourceGroup: name, location, tags, etag: newEtag(), ...(typeof req.body['managedBy'] === 'string' ? { managedBy: req.body['managedBy'] } : {}) };
  state.resourceGroups.create(key, record, 0);
  return { status: 201, body: rgJson(state, key, record) };
}

export function getResourceGroup(state: ArmState, req: ArmRequest): ArmReply {
  const { key, rg } = existing(state, req.params['resourceGroup'] ?? '');
  return { status: 200, body: rgJson(state, key, rg) };
}

/** `HEAD resourcegroups/{rg}`: 204 when it exists, 404 otherwise (no body). */
export function headResourceGroup(state: ArmState, req: ArmRequest): ArmReply {
  return { status: state.resourceGroups.has(keyOf(rgId(state, req.params['resourceGroup'] ?? ''))) ? 204 : 404 };
}

/** `PATCH resourcegroups/{rg}`: replaces the tags when given. */
export function patchResourceGroup(state: ArmState, req: ArmRequest): ArmReply {
  const { key, rg } = existing(state, req.params['resourceGroup'] ?? '');
  if (req.body['tags'] !== undefined) rg.tags = tagsOf(req.body['tags']);
  if (isObject(req.body['properties']) || typeof req.body['managedBy'] === 'string') {
    if (typeof req.body['managedBy'] === 'string') rg.managedBy = req.body['managedBy'];
  }
  return { status: 200, body: rgJson(state, key, rg) };
}

/** `GET resourcegroups`, optionally `$filter=tagName eq 'N'` or `tagName eq 'N' and tagValue eq 'V'`. */
export function listResourceGroups(state: ArmState, filter: string | null = null): ArmReply {
  const tag = filter === null ? undefined : parseTagFilter(filter);
  const value = [...state.resourceGroups.keys()]
    .map((key) => ({ key, rg: state.resourceGroups.get(key) }))
    .flatMap(({ key, rg }) => (rg && (!tag || (tag.name in rg.tags && (tag.value === undefined || rg.tags[tag.name] === tag.value))) ? [rgJson(state, key, rg)] : []));
  return { status: 200, body: { value } };
}

function parseTagFilter(filter: string): { name: string; value?: string } {
  const m = /^\s*tagName\s+eq\s+'((?:[^']|'')*)'(?:\s+and\s+tagValue\s+eq\s+'((?:[^']|'')*)')?\s*$/i.exec(filter);
  if (!m) throw new AzureApiError(400, 'InvalidFilterInQueryString', `Invalid $filter '${filter}': the emulator supports "tagName eq 'N'" and "tagName eq 'N' and tagValue eq 'V'".`);
  const unquote = (v: string): string => v.replace(/''/g, "'");
  return { name: unquote(m[1] ?? ''), ...(m[2] !== undefined ? { value: unquote(m[2]) } : {}) };
}

/**
 * `DELETE resourcegroups/{rg}`: 202 with `Location`; deletes every resource in the group first
 * (clusters with their Kubernetes API, networks), as ARM does. A missing group is 404
 * ResourceGroupNotFound, unlike other resources (204).
 */
export function deleteResourceGroup(state: ArmState, req: ArmRequest): ArmReply {
  const { key, rg } = existing(state, req.params['resourceGroup'] ?? '');
  const t = state.timings;
  const prefix = `${key}/providers/`;
  const children: [Pick<StateClock<unknown>, 'keys' | 'delete'>, number][] = [
    [state.agentPools, t.agentPoolDeleteMs],
    [state.managedClusters, t.clusterDeleteMs],
    [state.subnets, t.networkDeleteMs],
    [state.virtualNetworks, t.networkDeleteMs],
  ];
  let longest = 0;
  for (const [clock, ms] of children) {
    for (const child of [...clock.keys()].filter((k) => k.startsWith(prefix))) {
      clock.delete(child, ms);
      longest = Math.max(longest, ms);
    }
  }
  const ms = longest + t.resourceGroupDeleteMs;
  state.resourceGroups.delete(key, ms);
  const op = state.operations.start(state.subscriptionId, 'Microsoft.Resources', rg.location, ms);
  return { status: 202, headers: state.operations.locationHeaders(op, req.base, req.apiVersion) };
}

/** Locations compare without case or spaces: `West Europe` is `westeurope`. */
export function normalLocation(location: string): string {
  return location.toLowerCase().replace(/\s+/g, '');
}

/** 409 while a resource's previous operation runs. */
export function refuseWhileBusy<T>(clock: StateClock<T>, key: string, what: string): void {
  if (busy(clock, key)) {
    throw new AzureApiError(409, 'OperationNotAllowed', `Operation is not allowed because there's an in progress operation on the ${what}. Please wait for the operation to complete before trying again.`);
  }
}
