/** IPv4 CIDR arithmetic, shared by the providers and the emulators. */

/** An IPv4 block as numbers: its first address and prefix length. */
export interface Ipv4Cidr {
  base: number;
  prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function read(text: string): { ip: number; prefix: number } | undefined {
  const m = CIDR.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  return { ip: octets.reduce((acc, o) => acc * 256 + o, 0), prefix };
}

/** `a.b.c.d/n` as a block; `undefined` when malformed or when host bits are set (the clouds' APIs refuse both). */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const r = read(text);
  if (!r || r.ip % 2 ** (32 - r.prefix) !== 0) return undefined;
  return { base: r.ip, prefix: r.prefix };
}

/** The block an address with a prefix lies in (`10.0.0.5/16` → 10.0.0.0/16); `undefined` when malformed. */
export function networkOf(text: string): Ipv4Cidr | undefined {
  const r = read(text);
  if (!r) return undefined;
  const size = 2 ** (32 - r.prefix);
  return { base: Math.floor(r.ip / size) * size, prefix: r.prefix };
}

export function cidrSize(c: Ipv4Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** Whether `inner` lies wholly inside `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base + cidrSize(inner) <= outer.base + cidrSize(outer);
}

/** Whether two blocks share an address. */
export function cidrOverlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.base < b.base + cidrSize(b) && b.base < a.base + cidrSize(a);
}

/** An address as dotted quads. */
export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

export function formatCidr(c: Ipv4Cidr): string {
  return `${formatIpv4(c.base)}/${c.prefix}`;
}
