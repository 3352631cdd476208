/** An IPv4 range as numbers: the first address and the prefix length. */
export interface Ipv4Range {
  start: number;
  prefix: number;
  text: string;
}

/** Parses `a.b.c.d/n`; `undefined` when it is not an IPv4 CIDR or has host bits set (compute refuses both). */
export function parseCidr(text: string): Ipv4Range | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const start = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (start % size !== 0) return undefined;
  return { start, prefix, text };
}

/** Whether two ranges share an address. */
export function overlaps(a: Ipv4Range, b: Ipv4Range): boolean {
  const aEnd = a.start + 2 ** (32 - a.prefix);
  const bEnd = b.start + 2 ** (32 - b.prefix);
  return a.start < bEnd && b.start < aEnd;
}

/** The address after the range's first one (a subnetwork's gateway). */
export function gatewayOf(range: Ipv4Range): string {
  const n = range.start + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
