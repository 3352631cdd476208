import type { ClusterConfig, ValidationIssue } from '@gati-framework/core';

/** The system pool Gati adds to every cluster (mode System, tainted CriticalAddonsOnly). */
export const SYSTEM_POOL = 'system';

/**
 * AKS agent pool names are 1-12 lowercase letters and digits starting with a letter (Linux
 * pools); a config pool name loses its `-` and is cut to 12. Two pools mapping onto the same name,
 * or onto `system`, are INVALID_CONFIG with the pool's path.
 */
export function agentPoolName(poolName: string): string {
  return poolName.replace(/-/g, '').slice(0, 12);
}

/** Pools whose AKS names clash with each other or with the system pool, as validation issues with their paths. */
export function poolNameIssues(config: ClusterConfig): ValidationIssue[] {
  const seen = new Map<string, number>();
  const issues: ValidationIssue[] = [];
  config.nodePools.forEach((pool, i) => {
    const name = agentPoolName(pool.name);
    const other = seen.get(name);
    if (name === SYSTEM_POOL) issues.push({ path: `nodePools.${i}.name`, message: `"${pool.name}" maps to the AKS pool name "system", which Gati reserves for the system pool`, code: 'custom' });
    else if (other !== undefined) issues.push({ path: `nodePools.${i}.name`, message: `"${pool.name}" and "${config.nodePools[other]?.name}" both map to the AKS pool name "${name}" (letters and digits, 12 at most)`, code: 'custom' });
    seen.set(name, i);
  });
  return issues;
}
