import { describe, expect, it } from 'vitest';
import { cidrContains, cidrOverlaps, formatCidr, networkOf, parseCidr } from './cidr.js';

const c = (text: string) => networkOf(text) ?? { base: -1, prefix: -1 };

describe('IPv4 CIDR arithmetic', () => {
  it('parseCidr refuses malformed blocks and set host bits; networkOf masks them', () => {
    expect(parseCidr('10.0.0.0/16')).toEqual({ base: 10 * 2 ** 24, prefix: 16 });
    for (const bad of ['10.0.0.5/16', '10.0.0/16', '256.0.0.0/8', '10.0.0.0/33', ' 10.0.0.0/8']) expect(parseCidr(bad), bad).toBeUndefined();
    expect(formatCidr(c('10.0.0.5/16'))).toBe('10.0.0.0/16');
    expect(networkOf('10.0.0/16')).toBeUndefined();
  });

  it('overlap and containment at the edges', () => {
    expect(cidrOverlaps(c('10.0.0.0/24'), c('10.0.0.255/32'))).toBe(true);
    expect(cidrOverlaps(c('10.0.0.0/24'), c('10.0.1.0/24'))).toBe(false);
    expect(cidrContains(c('10.0.0.0/8'), c('10.255.0.0/16'))).toBe(true);
    expect(cidrContains(c('10.0.0.0/16'), c('10.0.0.0/8'))).toBe(false);
    expect(cidrContains(c('172.16.0.0/12'), c('172.32.0.0/16'))).toBe(false);
    expect(formatCidr(c('255.255.255.255/32'))).toBe('255.255.255.255/32');
  });
});
