import { createHash } from 'node:crypto';

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
