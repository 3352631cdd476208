import { describe, expect, it } from 'vitest';
import { isoTimestamp } from './logger.js';

describe('isoTimestamp', () => {
  it('is exactly Date#toISOString, across second, day, year and era boundaries and in any call order', () => {
    const fixed = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, -1, -999, -1000, -1001, 1.7, -1.5, 951_782_400_000, 1_795_000_000_999, 253_402_300_799_999, 253_402_300_800_000, -62_198_755_200_001, 8.64e15];
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const values = [...fixed];
    for (let i = 0; i < 5000; i++) values.push(Math.floor((random() - 0.3) * 4e12));
    // Runs of nearby values exercise the cached prefix; jumps exercise its replacement.
    let t = 1_795_000_000_000;
    for (let i = 0; i < 5000; i++) values.push((t += Math.floor(random() * 7)));
    for (const ms of values) expect(isoTimestamp(ms), String(ms)).toBe(new Date(ms).toISOString());
  });
});
