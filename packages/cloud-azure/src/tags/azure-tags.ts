import { GatiError, MANAGED_BY, ownedBy, ownershipTags, TAG_MANAGED_BY, TAG_PREFIX } from '@gati-framework/core';

/**
 * Azure tag names may not contain `< > % & \ ? /`, so core's `gati.dev/<key>` bookkeeping tags
 * are written as `gati.dev_<key>` (e.g. `gati.dev_cluster`) and read back the other way.
 * User tags are kept as given; one with a forbidden character is INVALID_CONFIG up front.
 */
export const AZURE_TAG_PREFIX = 'gati.dev_';
const FORBIDDEN = /[<>%&\\?/]/;

/** Core's tag key → the Azure tag name. */
export function toAzureTagName(key: string): string {
  return key.startsWith(TAG_PREFIX) ? AZURE_TAG_PREFIX + key.slice(TAG_PREFIX.length) : key;
}

/** The Azure tag name → core's tag key. */
export function fromAzureTagName(name: string): string {
  return name.startsWith(AZURE_TAG_PREFIX) ? TAG_PREFIX + name.slice(AZURE_TAG_PREFIX.length) : name;
}

/** Ownership tags for a resource Gati creates, in Azure's spelling. */
export function azureOwnershipTags(clusterName: string, component: string, userTags: Record<string, string> = {}): Record<string, string> {
  const bad = Object.keys(userTags).filter((k) => FORBIDDEN.test(k) && !k.startsWith(TAG_PREFIX));
  if (bad.length > 0) {
    throw new GatiError('INVALID_CONFIG', `Azure tag names cannot contain < > % & \\ ? /: rename ${bad.map((k) => `"${k}"`).join(', ')}.`, {
      provider: 'azure',
      details: { issues: bad.map((k) => ({ path: `tags.${k}`, message: 'Azure tag names cannot contain < > % & \\ ? /', code: 'custom' })) },
    });
  }
  return Object.fromEntries(Object.entries(ownershipTags(clusterName, component, userTags)).map(([k, v]) => [toAzureTagName(k), v]));
}

/** True when the Azure tags say Gati created the resource for this cluster. */
export function ownedByCluster(tags: Record<string, string> | undefined, clusterName: string): boolean {
  if (!tags) return false;
  return ownedBy(Object.fromEntries(Object.entries(tags).map(([k, v]) => [fromAzureTagName(k), v])), clusterName);
}

/** The tags back in core's spelling. */
export function fromAzureTags(tags: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [fromAzureTagName(k), v]));
}

/** True when the Azure tags say Gati created the resource (for any cluster). */
export function madeByGati(tags: Record<string, string> | undefined): boolean {
  return tags?.[toAzureTagName(TAG_MANAGED_BY)] === MANAGED_BY;
}
