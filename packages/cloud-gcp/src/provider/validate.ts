import { cidrContains, cidrOverlaps, networkOf, type ClusterConfig, type ValidationIssue } from '@gati-framework/core';
import { MACHINE_TYPE } from './config.js';

/** RFC 1918 ranges GKE accepts for a subnetwork's primary range. */
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => networkOf(c)!);

/** GCP's rules on top of core's schema: machine types, the node CIDR (private, /8–/29, clear of the control plane's /28). */
export function checkClusterConfig(config: ClusterConfig, masterCidr: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  config.nodePools.forEach((pool, i) => {
    if (!MACHINE_TYPE.test(pool.instanceType)) {
      issues.push({ path: `nodePools.${i}.instanceType`, message: `"${pool.instanceType}" is not a Compute Engine machine type (e.g. e2-standard-4)`, code: 'custom' });
    }
  });
  const cidr = config.network?.cidrBlock;
  const block = cidr ? networkOf(cidr) : undefined;
  if (block) {
    if (block.prefix < 8 || block.prefix > 29) issues.push({ path: 'network.cidrBlock', message: 'a GKE node range must be between /8 and /29', code: 'custom' });
    if (!PRIVATE.some((r) => cidrContains(r, block))) issues.push({ path: 'network.cidrBlock', message: 'must be inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16', code: 'custom' });
    const master = networkOf(masterCidr);
    if (config.network?.privateNetworking && master && cidrOverlaps(block, master)) issues.push({ path: 'network.cidrBlock', message: `overlaps the control plane range ${masterCidr}`, code: 'custom' });
  }
  return issues;
}
