import type { ClusterConfig, ValidationIssue } from '@gati-framework/core';
import { MACHINE_TYPE } from './config.js';

function ipv4(cidr: string): { base: number; prefix: number } {
  const [addr = '', prefix = '32'] = cidr.split('/');
  const base = addr.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  return { base, prefix: Number(prefix) };
}

function overlaps(a: string, b: string): boolean {
  const x = ipv4(a);
  const y = ipv4(b);
  const prefix = Math.min(x.prefix, y.prefix);
  const mask = prefix === 0 ? 0 : 2 ** 32 - 2 ** (32 - prefix);
  return (x.base & mask) >>> 0 === (y.base & mask) >>> 0;
}

/** RFC 1918 ranges GKE accepts for a subnetwork's primary range. */
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/** GCP's rules on top of core's schema: machine types, the node CIDR (private, /8–/29, clear of the control plane's /28). */
export function checkClusterConfig(config: ClusterConfig, masterCidr: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  config.nodePools.forEach((pool, i) => {
    if (!MACHINE_TYPE.test(pool.instanceType)) {
      issues.push({ path: `nodePools.${i}.instanceType`, message: `"${pool.instanceType}" is not a Compute Engine machine type (e.g. e2-standard-4)`, code: 'custom' });
    }
  });
  const cidr = config.network?.cidrBlock;
  if (cidr) {
    const { prefix } = ipv4(cidr);
    if (prefix < 8 || prefix > 29) issues.push({ path: 'network.cidrBlock', message: 'a GKE node range must be between /8 and /29', code: 'custom' });
    if (!PRIVATE.some((r) => overlaps(r, cidr) && ipv4(cidr).prefix >= ipv4(r).prefix)) issues.push({ path: 'network.cidrBlock', message: 'must be inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16', code: 'custom' });
    if (config.network?.privateNetworking && overlaps(cidr, masterCidr)) issues.push({ path: 'network.cidrBlock', message: `overlaps the control plane range ${masterCidr}`, code: 'custom' });
  }
  return issues;
}
