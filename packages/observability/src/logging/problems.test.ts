import { describe, expect, it } from 'vitest';
import { causeOf, ProblemReporter, type ProblemSource } from './problems.js';

describe('ProblemReporter', () => {
  it('counts every problem, warns once per cause per interval with the number suppressed in between', () => {
    let now = 0;
    const counted: ProblemSource[] = [];
    const warned: { where: ProblemSource; message: string; cause: string; suppressed: number }[] = [];
    const r = new ProblemReporter({
      count: (where) => counted.push(where),
      warn: (where, message, f) => warned.push({ where, message, ...f }),
      intervalMs: 1000,
      now: () => now,
    });
    for (let i = 0; i < 50; i++) r.report('loki', 'status 400', new Error(`rejected ${i}`));
    r.report('loki', 'ECONNREFUSED', new Error('refused'));
    r.report('request', 'TypeError', new TypeError('bad'));
    expect(counted).toHaveLength(52);
    expect(warned).toEqual([
      { where: 'loki', message: 'rejected 0', cause: 'status 400', suppressed: 0 },
      { where: 'loki', message: 'refused', cause: 'ECONNREFUSED', suppressed: 0 },
      { where: 'request', message: 'bad', cause: 'TypeError', suppressed: 0 },
    ]);
    now = 999;
    r.report('loki', 'status 400', new Error('still'));
    expect(warned).toHaveLength(3);
    now = 1000;
    r.report('loki', 'status 400', new Error('again'));
    expect(warned[3]).toEqual({ where: 'loki', message: 'again', cause: 'status 400', suppressed: 50 });
  });

  it('keeps a bounded number of causes and never throws from a broken sink', () => {
    const warned: string[] = [];
    const r = new ProblemReporter({ warn: (_w, _m, f) => warned.push(f.cause), intervalMs: 60_000 });
    for (let i = 0; i < 500; i++) r.report('request', `cause ${i}`, new Error('x'));
    // 64 distinct causes remembered; every further new cause shares one slot (warned once).
    expect(warned).toHaveLength(65);
    const throwing = new ProblemReporter({
      count: () => {
        throw new Error('counter broke');
      },
      warn: () => {
        throw new Error('logger broke');
      },
    });
    expect(() => throwing.report('metrics', 'x', new Error('y'))).not.toThrow();
  });

  it('names causes by errno code or class', () => {
    expect(causeOf(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(causeOf(new TypeError('x'))).toBe('TypeError');
    expect(causeOf('text')).toBe('string');
  });
});
