import { describe, expect, it } from 'vitest';
import { GatiError, isGatiError } from '../errors/gati-error.js';
import { renderKubeconfig } from '../kubeconfig/kubeconfig.js';
import { z } from 'zod';
import { ClusterConfigSchema, NodePoolSchema } from './cluster.js';
import { VALIDATION_LIMITS, capIssues } from './limits.js';
import { SecretConfigSchema } from './secret.js';
import { invalidConfigError, parseConfig, validateWithSchema } from './validate.js';

const good = () => ({
  name: 'shop-prod',
  version: '1.31',
  nodePools: [{ name: 'general', instanceType: 'm5.large', minNodes: 1, desiredNodes: 2, maxNodes: 3 }],
});

function throwingGetter(): object {
  const o = good();
  Object.defineProperty(o, 'name', { enumerable: true, get: () => { throw new Error('getter boom'); } });
  return o;
}
function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}
const trapAll = <T extends object>(target: T): T =>
  new Proxy(target, {
    get: () => { throw new Error('get trap'); },
    ownKeys: () => { throw new Error('ownKeys trap'); },
    getPrototypeOf: () => { throw new Error('getPrototypeOf trap'); },
    has: () => { throw new Error('has trap'); },
  });
const bufferProto = (): object => Object.create(Buffer.from('x')) as object;
const cyclic = (): object => {
  const o: Record<string, unknown> = good();
  o['tags'] = o;
  return o;
};
const deep = (levels: number): object => {
  let o: Record<string, unknown> = {};
  const root = o;
  for (let i = 0; i < levels; i++) o = (o['x'] = {}) as Record<string, unknown>;
  return root;
};

/** Hostile values, each on its own and placed inside an otherwise valid config. */
const HOSTILE: [string, () => unknown][] = [
  ['a throwing getter', throwingGetter],
  ['a Proxy whose traps throw', () => trapAll(good())],
  ['a Proxy around an array whose traps throw', () => trapAll([1, 2])],
  ['a revoked Proxy', revokedProxy],
  ['an object whose prototype is a Buffer', bufferProto],
  ['a Buffer', () => Buffer.from('{}')],
  ['a cyclic object', cyclic],
  ['100,000 nested objects', () => deep(100_000)],
  ['an array of 100,000 items', () => new Array(100_000).fill({ name: 'x' })],
  ['a string of 2 MiB', () => 'x'.repeat(2 * 1024 * 1024)],
  ['an object with 100,000 keys', () => Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]))],
  ['an own __proto__ key', () => JSON.parse('{"__proto__": {"polluted": true}}') as unknown],
  ['a Symbol', () => Symbol('s')],
  ['a BigInt', () => 10n],
  ['a function', () => () => 1],
  ['a Map', () => new Map([['name', 'x']])],
  ['a Date', () => new Date(Number.NaN)],
  ['an object with a null prototype', () => Object.assign(Object.create(null) as object, { x: 1 })],
  ['an object whose toString throws', () => ({ toString: () => { throw new Error('toString'); } })],
];

function expectBounded(result: ReturnType<typeof validateWithSchema>): void {
  expect(result.errors.length).toBeLessThanOrEqual(VALIDATION_LIMITS.maxIssues + 1);
  for (const e of result.errors) {
    expect(typeof e.path === 'string' && typeof e.code === 'string' && typeof e.message === 'string').toBe(true);
    expect(e.message.length).toBeLessThanOrEqual(VALIDATION_LIMITS.maxMessageLength);
    expect(e.path.length).toBeLessThanOrEqual(VALIDATION_LIMITS.maxMessageLength);
  }
}

describe('validators on hostile input', () => {
  it.each(HOSTILE)('%s: a result, never a throw, alone and inside a config', (_name, make) => {
    for (const input of [make(), { ...good(), name: make() }, { ...good(), nodePools: make() }, { ...good(), tags: make() }, { ...good(), nodePools: [make()] }]) {
      let result: ReturnType<typeof validateWithSchema> | undefined;
      expect(() => (result = validateWithSchema(ClusterConfigSchema, input))).not.toThrow();
      expect(result?.valid).toBe(false);
      expectBounded(result as ReturnType<typeof validateWithSchema>);
      try {
        parseConfig(ClusterConfigSchema, input, 'cluster config');
        expect.unreachable('parseConfig accepted a hostile value');
      } catch (e) {
        expect(isGatiError(e) && e.code).toBe('INVALID_CONFIG');
        expect((e as Error).message.length).toBeLessThan(60_000);
      }
    }
  });

  it('names what is wrong and where', () => {
    const at = (input: unknown) => validateWithSchema(ClusterConfigSchema, input).errors.map((e) => `${e.path}|${e.code}`);
    expect(at(throwingGetter())).toEqual(['name|unreadable']);
    expect(validateWithSchema(ClusterConfigSchema, throwingGetter()).errors[0]?.message).toBe("a property that throws when read (Error: getter boom)");
    expect(at({ ...good(), tags: revokedProxy() })).toEqual(['tags|unreadable']);
    expect(at(JSON.parse('{"name":"a","tags":{"__proto__":"x"}}'))).toEqual(['tags.__proto__|forbidden_key']);
    expect(at({ ...good(), nodePools: new Array(20_000).fill(1) })).toEqual(['nodePools|too_big']);
    expect(at(deep(1000))[0]).toMatch(/^x(\.x){63}\|too_deep$/);
  });

  it('accepts a well-behaved Proxy and cyclic values the schema does not read', () => {
    expect(validateWithSchema(ClusterConfigSchema, new Proxy(good(), {})).valid).toBe(true);
    const selfish: Record<string, unknown> = { ...good(), tags: { a: 'b' } };
    selfish['self'] = selfish;
    expect(validateWithSchema(ClusterConfigSchema, selfish).valid).toBe(true);
  });

  it('caps the issues at 100 plus "and N more", and the unrecognized-keys message at 10 keys', () => {
    const pools = Array.from({ length: 300 }, () => ({ name: 'BAD', instanceType: '', minNodes: -1, desiredNodes: -1, maxNodes: 0 }));
    const r = validateWithSchema(z.object({ nodePools: z.array(NodePoolSchema) }), { nodePools: pools });
    expect(r.errors).toHaveLength(101);
    expect(r.errors[100]).toMatchObject({ code: 'too_many_issues', path: '' });
    expect(r.errors[100]?.message).toMatch(/^and \d+ more issues \(only the first 100 are listed\)$/);

    const strict = ClusterConfigSchema.strict();
    const keys = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 1]));
    const u = validateWithSchema(strict, { ...good(), ...keys });
    expect(u.errors).toHaveLength(1);
    expect(u.errors[0]?.message).toBe('Unrecognized keys: "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9" and 4990 more');
  });

  it('takes milliseconds on the largest inputs the limits let through', () => {
    const started = performance.now();
    validateWithSchema(ClusterConfigSchema, { ...good(), nodePools: new Array(VALIDATION_LIMITS.maxArrayLength).fill({ name: 'BAD' }) });
    validateWithSchema(SecretConfigSchema, { name: 'a', values: Object.fromEntries(Array.from({ length: VALIDATION_LIMITS.maxKeys }, (_, i) => [`k${i}`, 'v'.repeat(90)])) });
    validateWithSchema(ClusterConfigSchema, { ...good(), name: 'a'.repeat(VALIDATION_LIMITS.maxStringLength) });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('other public functions of core on bad input', () => {
  it('renderKubeconfig refuses a spec of the wrong shape with INVALID_CONFIG', () => {
    for (const spec of [null, {}, { name: 'c', server: 'https://x', caPem: '', user: {} }, { name: 'c', server: 'https://x', caPem: '', user: { exec: { command: 'aws' } } }]) {
      expect(() => renderKubeconfig(spec as never)).toThrow(expect.objectContaining({ name: 'GatiError', code: 'INVALID_CONFIG' }) as Error);
    }
    expect(renderKubeconfig({ name: 'c', server: 'https://x', caPem: 'PEM', user: { token: 't' } })).toContain('current-context: c');
  });

  it('a GatiError with an unknown code is still a GatiError, not a TypeError', () => {
    const e = new GatiError('NO_SUCH_CODE' as never, 'x');
    expect(e).toMatchObject({ name: 'GatiError', code: 'NO_SUCH_CODE', retryable: false });
  });

  it('capIssues and invalidConfigError take whatever list they get', () => {
    expect(capIssues(null as never)).toEqual([]);
    expect(capIssues([null, { path: 1, message: 'm', code: 'c' }] as never)).toEqual([{ path: '', message: '', code: '' }, { path: '', message: 'm', code: 'c' }]);
    expect(invalidConfigError('thing', null as never)).toMatchObject({ code: 'INVALID_CONFIG', details: { issues: [] } });
  });
});

