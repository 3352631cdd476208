import type { ResourceManagementClient, ResourceGroup } from '@azure/arm-resources';
import { ensure, type Operation, type PlanStep } from '@gati-framework/core';
import { isAzureError } from '../errors/map-error.js';
import { azureOwnershipTags, madeByGati, ownedByCluster } from '../tags/azure-tags.js';

export interface GroupTarget {
  resourceGroup: string;
  location: string;
  clusterName: string;
  tags?: Record<string, string>;
}

/** The resource group, or undefined when absent. */
export async function getGroup(op: Operation, resources: ResourceManagementClient, name: string): Promise<ResourceGroup | undefined> {
  return op.call(`reading resource group ${name}`, async () => {
    try {
      return await resources.resourceGroups.get(name, { abortSignal: op.signal });
    } catch (error) {
      if (isAzureError(error, 'ResourceGroupNotFound', 'ResourceNotFound')) return undefined;
      throw error;
    }
  });
}

/** The resource group, created (tagged as made by Gati for this cluster) when absent; an existing one is used as it is. */
export async function ensureGroup(op: Operation, resources: ResourceManagementClient, t: GroupTarget): Promise<{ group: ResourceGroup; created: boolean }> {
  const resource = `resource-group/${t.resourceGroup}`;
  op.step(resource, 'started', `ensuring resource group in ${t.location}`);
  const got = await ensure(op, {
    what: `creating resource group ${t.resourceGroup}`,
    resource,
    find: () => getGroup(op, resources, t.resourceGroup),
    create: () => resources.resourceGroups.createOrUpdate(t.resourceGroup, { location: t.location, tags: azureOwnershipTags(t.clusterName, 'resource-group', t.tags) }, { abortSignal: op.signal }),
  });
  op.step(resource, 'succeeded', got.created ? 'created (tagged as Gati\'s)' : 'exists');
  return { group: got.value, created: got.created };
}

export async function planGroup(op: Operation, resources: ResourceManagementClient, t: GroupTarget): Promise<PlanStep> {
  const group = await getGroup(op, resources, t.resourceGroup);
  return { kind: 'resource-group', name: t.resourceGroup, action: group ? 'exists' : 'create', detail: group ? `in ${group.location}` : `in ${t.location}, tagged as Gati's` };
}

/**
 * Deletes the resource group only when Gati created it (its tags say so; maybe for another
 * cluster of the same group, deleted earlier) and no cluster or network lives in it any more: a
 * group someone else made, or one still in use, is never taken down with one cluster.
 */
export async function deleteOwnedGroup(op: Operation, resources: ResourceManagementClient, name: string, clusterName: string, deletedSomething: boolean, stillInUse: () => Promise<boolean>, updateIntervalInMs = 1000): Promise<boolean> {
  const group = await getGroup(op, resources, name);
  // A Gati group of another cluster is only taken down by a delete that removed something from it.
  if (!group || !madeByGati(group.tags) || !(deletedSomething || ownedByCluster(group.tags, clusterName))) return false;
  if (await stillInUse()) return false;
  const resource = `resource-group/${name}`;
  op.step(resource, 'started', `deleting resource group ${name}`);
  await op.call(`deleting resource group ${name}`, async () => {
    try {
      const poller = await resources.resourceGroups.beginDelete(name, { abortSignal: op.signal, updateIntervalInMs });
      poller.onProgress((s) => op.step(resource, 'waiting', `resource group ${name}: ${s.status}`));
      await poller.pollUntilDone();
    } catch (error) {
      if (isAzureError(error, 'ResourceGroupNotFound', 'ResourceNotFound')) return;
      throw error;
    }
  });
  op.step(resource, 'succeeded', `resource group ${name} deleted`);
  return true;
}
