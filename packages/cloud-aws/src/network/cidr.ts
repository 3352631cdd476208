import { formatCidr, invalidConfigError, networkOf, type GatiError } from '@gati-framework/core';

/** Smallest subnet Gati cuts: AWS allows /28, and five addresses of each are reserved. */
const SMALLEST_PREFIX = 28;

/**
 * Splits an IPv4 CIDR into `count` equal blocks (rounded up to a power of two).
 * Throws INVALID_CONFIG naming `network.cidrBlock` when it is not a CIDR or too small.
 */
export function splitCidr(cidr: string, count: number): string[] {
  const block = networkOf(cidr);
  if (!block) throw cidrError(`not an IPv4 CIDR: ${cidr}`);
  const { base, prefix } = block;
  const bits = Math.ceil(Math.log2(count));
  const newPrefix = prefix + bits;
  if (newPrefix > SMALLEST_PREFIX) throw cidrError(`${cidr} is too small for ${count} subnets (each would be /${newPrefix}; AWS allows /${SMALLEST_PREFIX} at most): use /${SMALLEST_PREFIX - bits} or larger`);
  const size = 2 ** (32 - newPrefix);
  return Array.from({ length: count }, (_, i) => formatCidr({ base: base + i * size, prefix: newPrefix }));
}

function cidrError(message: string): GatiError {
  return invalidConfigError('cluster config', [{ path: 'network.cidrBlock', message, code: 'custom' }]);
}
