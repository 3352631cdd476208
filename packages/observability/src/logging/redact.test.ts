import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED, scrubString } from './redact.js';

describe('redaction', () => {
  it('redacts secret-looking field names at any depth and keeps the rest', () => {
    const redact = createRedactor(['ssn']);
    expect(
      redact({ user: 'ann', password: 'x', nested: { apiKey: 'k', list: [{ client_secret: 's', ok: 1 }] }, Authorization: 'Bearer abc', userSSN: '1' }),
    ).toEqual({ user: 'ann', password: REDACTED, nested: { apiKey: REDACTED, list: [{ client_secret: REDACTED, ok: 1 }] }, Authorization: REDACTED, userSSN: REDACTED });
  });

  it('scrubs credentials inside strings', () => {
    expect(scrubString('calling with Bearer eyJhbGciOiJIUzI1NiJ9.payload')).toBe(`calling with Bearer ${REDACTED}`);
    expect(scrubString('GET /cb?code=1&token=abcdef&x=2')).toBe(`GET /cb?code=1&token=${REDACTED}&x=2`);
    expect(scrubString('plain message')).toBe('plain message');
  });

  it('keeps dates, summarizes binary data, walks maps, sets and toJSON values', () => {
    const when = new Date('2026-01-02T03:04:05Z');
    const out = createRedactor()({ when, buf: Buffer.from('abc'), m: new Map<string, unknown>([['token', 'x'], ['a', 1]]), s: new Set([1]), j: { toJSON: () => ({ secret: 'y', ok: 2 }) } });
    expect(JSON.parse(JSON.stringify(out))).toEqual({ when: when.toISOString(), buf: '[Buffer 3 bytes]', m: { token: REDACTED, a: 1 }, s: [1], j: { secret: REDACTED, ok: 2 } });
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a['self'] = a;
    expect(createRedactor()(a)).toEqual({ name: 'a', self: '[Truncated]' });
  });
});
