/** IPv4 CIDR arithmetic for the node subnet and the cluster's service range. */

function toInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function parseCidr(cidr: string): { base: number; prefix: number } {
  const [ip = '0.0.0.0', prefix = '32'] = cidr.split('/');
  const p = Number(prefix);
  const size = 2 ** (32 - p);
  return { base: Math.floor(toInt(ip) / size) * size, prefix: p };
}

/** The first half of the block (a /16 gives a /17) for the node subnet, leaving room for more subnets; a /29 or smaller is used whole. */
export function nodeSubnetCidr(vnetCidr: string): string {
  const { base, prefix } = parseCidr(vnetCidr);
  return `${toIp(base)}/${prefix >= 29 ? prefix : prefix + 1}`;
}

export function overlaps(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  const xEnd = x.base + 2 ** (32 - x.prefix);
  const yEnd = y.base + 2 ** (32 - y.prefix);
  return x.base < yEnd && y.base < xEnd;
}

/**
 * Service and pod ranges that overlap neither the virtual network nor each other (AKS refuses
 * overlaps); the DNS service address is the tenth of the service range, as AKS's default.
 */
export function clusterRanges(vnetCidr: string): { serviceCidr: string; dnsServiceIP: string; podCidr: string } {
  const services = ['172.16.0.0/16', '10.254.0.0/16', '192.168.240.0/20'].find((c) => !overlaps(c, vnetCidr)) ?? '172.16.0.0/16';
  const pods = ['10.244.0.0/16', '192.168.0.0/17', '172.20.0.0/16'].find((c) => !overlaps(c, vnetCidr) && !overlaps(c, services)) ?? '10.244.0.0/16';
  return { serviceCidr: services, dnsServiceIP: toIp(parseCidr(services).base + 10), podCidr: pods };
}
