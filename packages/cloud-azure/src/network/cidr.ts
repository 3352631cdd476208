import { cidrOverlaps, formatIpv4, invalidConfigError, networkOf, type Ipv4Cidr } from '@gati-framework/core';

/* The node subnet and the cluster's service and pod ranges, from the virtual network's block. */

/** A block of the config (host bits, if any, masked); INVALID_CONFIG at network.cidrBlock when malformed. */
function block(cidr: string): Ipv4Cidr {
  const c = networkOf(cidr);
  if (!c) throw invalidConfigError('cluster config', [{ path: 'network.cidrBlock', message: `not an IPv4 CIDR: ${cidr}`, code: 'custom' }]);
  return c;
}

/** The first half of the block (a /16 gives a /17) for the node subnet, leaving room for more subnets; a /29 or smaller is used whole. */
export function nodeSubnetCidr(vnetCidr: string): string {
  const { base, prefix } = block(vnetCidr);
  return `${formatIpv4(base)}/${prefix >= 29 ? prefix : prefix + 1}`;
}

function overlaps(a: string, b: string): boolean {
  return cidrOverlaps(block(a), block(b));
}

/**
 * Service and pod ranges that overlap neither the virtual network nor each other (AKS refuses
 * overlaps); the DNS service address is the tenth of the service range, as AKS's default.
 */
export function clusterRanges(vnetCidr: string): { serviceCidr: string; dnsServiceIP: string; podCidr: string } {
  const services = ['172.16.0.0/16', '10.254.0.0/16', '192.168.240.0/20'].find((c) => !overlaps(c, vnetCidr)) ?? '172.16.0.0/16';
  const pods = ['10.244.0.0/16', '192.168.0.0/17', '172.20.0.0/16'].find((c) => !overlaps(c, vnetCidr) && !overlaps(c, services)) ?? '10.244.0.0/16';
  return { serviceCidr: services, dnsServiceIP: formatIpv4(block(services).base + 10), podCidr: pods };
}
