import { describe, expect, it } from 'vitest';
import { cpuMillicores, formatCpu, formatMemory, isQuantity, memoryBytes, parseQuantity } from './index.js';

describe('Kubernetes quantities', () => {
  it('parses CPU the way the API server does', () => {
    expect(cpuMillicores('500m')).toBe(500);
    expect(cpuMillicores('0.5')).toBe(500);
    expect(cpuMillicores('2')).toBe(2000);
    expect(cpuMillicores(0.25)).toBe(250);
    expect(cpuMillicores('1.5')).toBe(1500);
    expect(cpuMillicores('100u')).toBe(0.1);
  });

  it('parses memory with binary, decimal and exponent forms', () => {
    expect(memoryBytes('512Mi')).toBe(536_870_912);
    expect(memoryBytes('1Gi')).toBe(1_073_741_824);
    expect(memoryBytes('512M')).toBe(512_000_000);
    expect(memoryBytes('1e9')).toBe(1_000_000_000);
    expect(memoryBytes('128974848')).toBe(128_974_848);
    expect(memoryBytes('129e6')).toBe(129_000_000);
    expect(memoryBytes('123Ki')).toBe(125_952);
    expect(memoryBytes('1.5Gi')).toBe(1_610_612_736);
  });

  it('rejects malformed quantities', () => {
    for (const bad of ['', 'abc', '1.2.3', '10 Mi', '-1', '5mi', '1Gb', 'Mi', '1e', '0x10', 'NaN'] as const) {
      expect(isQuantity(bad), bad).toBe(false);
      expect(parseQuantity(bad), bad).toBeUndefined();
    }
    expect(isQuantity(-1)).toBe(false);
    expect(isQuantity(Number.POSITIVE_INFINITY)).toBe(false);
  });

  it('formats back', () => {
    expect(formatCpu(250)).toBe('250m');
    expect(formatCpu(2000)).toBe('2');
    expect(formatMemory(2 ** 30)).toBe('1Gi');
    expect(formatMemory(300 * 2 ** 20 + 1)).toBe('301Mi');
  });
});
