import { Writable } from 'node:stream';
import winston from 'winston';
import { describe, expect, it } from 'vitest';
import { AppSecrets, Sanitizer, sanitizeFormat, validateSecretStrength } from './index.js';

describe('Sanitizer', () => {
  const s = new Sanitizer({ knownValues: ['s3cr3t-db-pass', 'abc'] });

  it('redacts secret-looking keys in nested objects, known values anywhere, and keeps the rest', () => {
    const input = {
      user: 'alice',
      password: 'pw',
      nested: { apiKey: 'k-123', 'x-api-key': 'k2', Authorization: 'Bearer abc.def.ghi', list: [{ client_secret: 'cs' }, 'conn uses s3cr3t-db-pass here'] },
      secretName: 'db-password',
      tokenCount: 3,
      cookie: 'sid=1',
      privateKey: 'pem',
      short: 'abc',
    };
    expect(s.sanitize(input)).toEqual({
      user: 'alice',
      password: '[REDACTED]',
      nested: { apiKey: '[REDACTED]', 'x-api-key': '[REDACTED]', Authorization: '[REDACTED]', list: [{ client_secret: '[REDACTED]' }, 'conn uses [REDACTED] here'] },
      secretName: 'db-password',
      tokenCount: 3,
      cookie: '[REDACTED]',
      privateKey: '[REDACTED]',
      short: 'abc',
    });
    expect(input.password).toBe('pw'); // a copy, the input is untouched
  });

  it('redacts secrets inside strings', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----';
    const out = s.sanitizeString(
      `key: ${pem} auth: Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl url postgres://app:hunter22@db:5432/x password=hunter3 token: "tok123" AKIAABCDEFGHIJKLMNOP`,
    );
    expect(out).not.toMatch(/MIIEowIBAAKCAQEA|eyJzdWIiOi|hunter22|hunter3|tok123|AKIAABCDEFGHIJKLMNOP/);
    expect(out).toContain('-----BEGIN RSA PRIVATE KEY-----[REDACTED]-----END RSA PRIVATE KEY-----');
    expect(out).toContain('postgres://app:[REDACTED]@db:5432/x');
    expect(out).toContain('password=[REDACTED]');
  });

  it('handles cycles, errors, buffers and depth without throwing', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a['self'] = a;
    const err = new Error('login failed for password=hunter2');
    const out = s.sanitize({ a, err, buf: Buffer.from('s3cr3t-db-pass') }) as unknown as Record<string, Record<string, unknown>>;
    expect(out['a']?.['self']).toBe('[Circular]');
    expect(out['err']?.['message']).toBe('login failed for password=[REDACTED]');
    expect(out['buf']).toBe('[Buffer 14 bytes]');
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 50; i += 1) deep = (deep['next'] = {}) as Record<string, unknown>;
    expect(JSON.stringify(s.sanitize(root))).toContain('[Truncated]');
  });

  it('never throws on hostile objects: only the unreadable part is replaced', () => {
    const s = new Sanitizer();
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const getter = {};
    Object.defineProperty(getter, 'x', { enumerable: true, get: () => { throw new Error('boom'); } });
    const trapped = new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); } });
    const bufferProto = Object.create(Buffer.from('x')) as object;
    for (const hostile of [revoked, getter, trapped, bufferProto]) {
      expect(s.sanitize(hostile)).toBe('[Unserializable]');
      expect(s.sanitize({ ok: 'password=hunter2', bad: hostile })).toEqual({ ok: 'password=[REDACTED]', bad: '[Unserializable]' });
    }
  });

  it('works as a winston format, and a store-aware sanitizer redacts stored values', async () => {
    const store = await new AppSecrets().open({ passphrase: 'p', unsafeTestOnlyScryptN: 1024 });
    await store.set('db-password', 'Very-Secret-Value-42');
    const sanitizer = await store.createSanitizer();
    await store.close();
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const logger = winston.createLogger({
      format: winston.format.combine(sanitizeFormat(sanitizer), winston.format.json()),
      transports: [new winston.transports.Stream({ stream: sink })],
    });
    logger.info('connecting with Very-Secret-Value-42', { password: 'x', dbUrl: 'mysql://u:Very-Secret-Value-42@h/db', attempt: 2 });
    logger.warn('retry %s', 'Very-Secret-Value-42');
    await new Promise((r) => setTimeout(r, 20));
    const text = lines.join('');
    expect(text).not.toContain('Very-Secret-Value-42');
    const first = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(first).toMatchObject({ level: 'info', message: 'connecting with [REDACTED]', password: '[REDACTED]', attempt: 2 });
  });
});

describe('validateSecretStrength', () => {
  it('scores common, short, patterned and random secrets with reasons', () => {
    const common = validateSecretStrength('Password123!');
    expect(common.score).toBeLessThanOrEqual(5);
    expect(common.reasons).toContain('contains a common password');
    const short = validateSecretStrength('aZ3$');
    expect(short.score).toBeLessThanOrEqual(40);
    expect(short.reasons.join()).toMatch(/shorter than 12/);
    const patterned = validateSecretStrength('aaaaaaaaaaaaabcdefgh');
    expect(patterned.reasons).toEqual(expect.arrayContaining(['repeated characters or groups', 'sequential or keyboard-row characters']));
    expect(patterned.acceptable).toBe(false);
    const strong = validateSecretStrength('t7#Kq9!vZ2@mR4^wX8&pL5');
    expect(strong.score).toBeGreaterThanOrEqual(80);
    expect(strong.acceptable).toBe(true);
    expect(strong.reasons).toEqual([]);
    expect(validateSecretStrength('')).toMatchObject({ score: 0, acceptable: false });
    expect(new AppSecrets().validateStrength('correct horse battery staple').score).toBeGreaterThan(60);
  });
});
