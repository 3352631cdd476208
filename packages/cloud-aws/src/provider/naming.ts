import { createHash } from 'node:crypto';

/** Tag keys Gati puts on everything it creates, to find (and only delete) its own resources. */
export const TAG_CLUSTER = 'gati.dev/cluster';
export const TAG_MANAGED_BY = 'gati.dev/managed-by';
export const TAG_COMPONENT = 'gati.dev/component';
export const MANAGED_BY = 'gati';

export function ownershipTags(clusterName: string, component: string, userTags: Record<string, string> = {}): Record<string, string> {
  return { ...userTags, [TAG_CLUSTER]: clusterName, [TAG_MANAGED_BY]: MANAGED_BY, [TAG_COMPONENT]: component };
}

/** True when the tags say Gati created the resource for this cluster. */
export function ownedBy(tags: Record<string, string> | undefined, clusterName: string): boolean {
  return tags?.[TAG_CLUSTER] === clusterName && tags[TAG_MANAGED_BY] === MANAGED_BY;
}

/** User tags only (Gati's own bookkeeping tags removed). */
export function userTags(tags: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).filter(([k]) => !k.startsWith('gati.dev/')));
}

/**
 * An IAM role name within IAM's 64-character limit. IAM is global, so the
 * region is part of the name; names that would be too long keep a hash suffix.
 */
export function roleName(clusterName: string, region: string, kind: 'cluster' | 'node'): string {
  const full = `gati-${clusterName}-${region}-${kind}`;
  if (full.length <= 64) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, 64 - kind.length - 10)}-${hash}-${kind}`;
}

export function toTagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function fromTagList(list: { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

/** Splits an IPv4 CIDR into `count` equal blocks (rounded up to a power of two). */
export function splitCidr(cidr: string, count: number): string[] {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const base = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  const prefix = Number(m[5]);
  const bits = Math.ceil(Math.log2(count));
  const newPrefix = prefix + bits;
  if (newPrefix > 28) throw new Error(`${cidr} is too small for ${count} subnets`);
  const size = 2 ** (32 - newPrefix);
  return Array.from({ length: count }, (_, i) => {
    const ip = base + i * size;
    return `${[24, 16, 8, 0].map((s) => Math.floor(ip / 2 ** s) % 256).join('.')}/${newPrefix}`;
  });
}
