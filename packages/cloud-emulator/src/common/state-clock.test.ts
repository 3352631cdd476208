import { describe, expect, it } from 'vitest';
import { StateClock } from './state-clock.js';

describe('StateClock', () => {
  it('moves CREATING → ACTIVE → DELETING → gone on its clock, and keeps the first delete deadline', () => {
    let now = 1000;
    const gone: string[] = [];
    const clock = new StateClock<{ id: string }>({ now: () => now, onGone: (key) => gone.push(key) });
    clock.create('a', { id: 'a' }, 300);
    expect(clock.state('a')).toBe('CREATING');
    now += 299;
    expect(clock.state('a')).toBe('CREATING');
    now += 1;
    expect(clock.state('a')).toBe('ACTIVE');
    expect(clock.delete('a', 200)).toBe(true);
    now += 150;
    clock.delete('a', 200); // a repeated delete does not push the deadline out
    expect(clock.state('a')).toBe('DELETING');
    expect(clock.get('a')).toEqual({ id: 'a' });
    now += 50;
    expect(clock.state('a')).toBeUndefined();
    expect(clock.has('a')).toBe(false);
    expect(gone).toEqual(['a']);
    expect(clock.delete('a', 10)).toBe(false);
    clock.close();
  });

  it('removes a deleted resource on time without being asked, and close() cancels pending deletions', async () => {
    const gone: string[] = [];
    const clock = new StateClock<number>({ onGone: (key) => gone.push(key) });
    clock.create('x', 1, 0);
    clock.create('y', 2, 0);
    clock.delete('x', 20);
    clock.delete('y', 5_000);
    expect(clock.pendingTimers).toBe(2);
    await new Promise((r) => setTimeout(r, 80));
    expect(gone).toEqual(['x']);
    clock.close();
    expect(clock.pendingTimers).toBe(0);
    expect(clock.state('y')).toBe('DELETING');
  });

  it('a failing onGone hook does not break reads', () => {
    let now = 0;
    const clock = new StateClock<number>({
      now: () => now,
      onGone: () => {
        throw new Error('hook failed');
      },
    });
    clock.create('z', 1, 0);
    clock.delete('z', 1);
    now = 5;
    expect(() => clock.values()).not.toThrow();
    expect(clock.size).toBe(0);
    clock.close();
  });
});
