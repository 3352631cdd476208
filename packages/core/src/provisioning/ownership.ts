/**
 * Ownership tags: what Gati puts on everything it creates, so it can find its
 * own resources again (find-before-create, resume) and delete only those.
 * Cloud-neutral key/value pairs; a provider converts them to its wire shape.
 */

/** The cluster a resource belongs to. */
export const TAG_CLUSTER = 'gati.dev/cluster';
/** Always {@link MANAGED_BY}: Gati made it. */
export const TAG_MANAGED_BY = 'gati.dev/managed-by';
/** Which part of the cluster it is (`vpc`, `subnet-public-us-east-1a`, `node-role`, ...). */
export const TAG_COMPONENT = 'gati.dev/component';
export const MANAGED_BY = 'gati';
/** Prefix of every tag key Gati owns; user tags never start with it. */
export const TAG_PREFIX = 'gati.dev/';

/** The caller's tags plus Gati's bookkeeping tags (which win on a clash). */
export function ownershipTags(clusterName: string, component: string, userTags: Record<string, string> = {}): Record<string, string> {
  return { ...userTags, [TAG_CLUSTER]: clusterName, [TAG_MANAGED_BY]: MANAGED_BY, [TAG_COMPONENT]: component };
}

/** True when the tags say Gati created the resource for this cluster. */
export function ownedBy(tags: Record<string, string> | undefined, clusterName: string): boolean {
  return tags?.[TAG_CLUSTER] === clusterName && tags[TAG_MANAGED_BY] === MANAGED_BY;
}

/** User tags only (Gati's own bookkeeping tags removed). */
export function userTags(tags: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).filter(([k]) => !k.startsWith(TAG_PREFIX)));
}
