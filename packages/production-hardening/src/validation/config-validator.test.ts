import { describe, expect, it } from 'vitest';
import { VALIDATION_LIMITS, validateWithSchema } from '@gati-framework/core';
import { ConfigValidator, DeploymentConfigSchema, validateJSONSchema } from './index.js';
import { productionConfig } from '../../test/fixtures/configs.js';

const validator = new ConfigValidator();
const codes = (input: unknown): string[] => validator.validate(input).errors.map((e) => e.code);

describe('ConfigValidator', () => {
  it('accepts the production config of the issue, by zod and by JSON Schema', () => {
    expect(validator.validate(productionConfig())).toEqual({ valid: true, errors: [], warnings: [] });
    expect(validator.validateWithJSONSchema(productionConfig())).toEqual({ valid: true, errors: [], warnings: [] });
    const parsed = validator.parse(productionConfig());
    expect(parsed.security).toEqual({ runAsNonRoot: true, runAsUser: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false });
    expect(parsed.kubernetes.namespace).toBe('shop');
  });

  it('reports each problem with path, message and code', () => {
    const result = validator.validate({ ...productionConfig(), appName: 'Shop_API', replicas: -1, replica: 3, networking: { port: 70000 } });
    expect(result.valid).toBe(false);
    const byPath = Object.fromEntries(result.errors.map((e) => [e.path, e.code]));
    expect(byPath).toMatchObject({ appName: 'invalid_format', replicas: 'too_small', 'networking.port': 'too_big', '': 'unrecognized_keys' });
    expect(() => validator.parse({})).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }) as Error);
  });

  it('applies the cross-field rules', () => {
    const base = productionConfig();
    expect(codes({ ...base, resources: { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '1', memory: '512Mi' } } })).toEqual(['requests_exceed_limits', 'requests_exceed_limits']);
    expect(codes({ ...base, resources: { requests: { cpu: '250m', memory: '512m' }, limits: { memory: '1Gi' } } })).toContain('memory_millibytes');
    expect(codes({ ...base, autoscaling: { workload: 'api', minReplicas: 5, maxReplicas: 3 } })).toContain('min_exceeds_max');
    expect(codes({ ...base, autoscaling: undefined, replicas: 1 })).toEqual(['autoscaling_required', 'min_replicas']);
    expect(codes({ ...base, networking: { port: 3000, ingress: { enabled: true, host: 'shop.example.com' } } })).toEqual(['tls_required']);
    expect(codes({ ...base, image: 'registry.example.com/shop-api:latest' })).toEqual(['image_not_pinned']);
    expect(codes({ ...base, image: 'registry.example.com/shop-api' })).toEqual(['image_not_pinned']);
    expect(codes({ ...base, image: `shop-api@sha256:${'a'.repeat(64)}` })).toEqual([]);
    expect(codes({ ...base, probes: {} })).toEqual(['readiness_probe_required', 'liveness_probe_required']);
  });

  it('makes production rules warnings in staging and silent in development', () => {
    const loose = { ...productionConfig(), image: 'app:latest', replicas: 1, autoscaling: undefined, probes: undefined };
    const staging = validator.validate({ ...loose, environment: 'staging' });
    expect(staging.valid).toBe(true);
    expect(staging.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['image_not_pinned', 'min_replicas', 'readiness_probe_required']));
    expect(validator.validate({ ...loose, environment: 'development' })).toEqual({ valid: true, errors: [], warnings: [] });
  });

  it('derives a JSON Schema that editors and Ajv can use', () => {
    const schema = validator.toJSONSchema();
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['required']).toEqual(expect.arrayContaining(['appName', 'environment', 'cloudProvider', 'image', 'networking', 'kubernetes']));
    const bad = validator.validateWithJSONSchema({ ...productionConfig(), replicas: 'three', extra: true });
    expect(bad.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'replicas', code: 'type' }), expect.objectContaining({ path: 'extra', code: 'additionalProperties' })]));
  });

  it('validateJSONSchema works on any schema, with formats, and reports a broken schema instead of throwing', () => {
    const schema = { type: 'object', properties: { email: { type: 'string', format: 'email' }, at: { type: 'string', format: 'date-time' } }, required: ['email'] };
    expect(validateJSONSchema({ email: 'a@example.com', at: '2026-01-01T00:00:00Z' }, schema).valid).toBe(true);
    const r = validateJSONSchema({ email: 'nope', at: 'yesterday' }, schema);
    expect(r.errors.map((e) => [e.path, e.code])).toEqual([['email', 'format'], ['at', 'format']]);
    expect(validateJSONSchema({}, { type: 'nonsense' })).toMatchObject({ valid: false, errors: [{ code: 'invalid_schema' }] });
  });
});

// A small deterministic PRNG so a failing fuzz case can be replayed from its seed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WEIRD: unknown[] = [null, true, false, 0, -1, 1.5, 1e308, '', ' ', 'latest', '500m', '512Mi', '1e9', 'x'.repeat(300), '😀', '__proto__', [], [1, 'a'], {}, { nested: { deep: [null] } }, 'production', 'api'];

function mutate(value: unknown, next: () => number, depth = 0): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  if (depth > 6 || next() < 0.15) return pick(WEIRD);
  if (Array.isArray(value)) return next() < 0.3 ? [...value, pick(WEIRD)] : value.map((v) => (next() < 0.3 ? mutate(v, next, depth + 1) : v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(out);
    const r = next();
    if (r < 0.15 && keys.length) delete out[pick(keys)];
    else if (r < 0.22) out[pick(['extra', 'replica', 'constructor', 'toString', '__proto__'])] = pick(WEIRD);
    // An own "__proto__" key, as JSON.parse makes from '{"__proto__": …}'.
    else if (r < 0.25) Object.defineProperty(out, '__proto__', { value: pick(WEIRD), enumerable: true, writable: true, configurable: true });
    else if (keys.length) {
      const k = pick(keys);
      out[k] = mutate(out[k], next, depth + 1);
    }
    return out;
  }
  return pick(WEIRD);
}

describe('fuzzing', () => {
  it('never throws on 3,000 mutated configs, and zod and the JSON Schema agree on every one', () => {
    const schema = validator.toJSONSchema();
    let valid = 0;
    for (let seed = 1; seed <= 3000; seed += 1) {
      const next = rng(seed);
      let input: unknown = productionConfig();
      const rounds = 1 + Math.floor(next() * 4);
      for (let i = 0; i < rounds; i += 1) input = mutate(input, next);
      // Round-trip through JSON: the inputs a YAML/JSON user can produce.
      input = JSON.parse(JSON.stringify(input ?? null)) as unknown;
      const result = validator.validate(input);
      expect(Array.isArray(result.errors), `seed ${seed}`).toBe(true);
      for (const e of result.errors) expect(typeof e.path === 'string' && typeof e.message === 'string' && typeof e.code === 'string', `seed ${seed}`).toBe(true);
      const zodOk = validateWithSchema(DeploymentConfigSchema, input).valid;
      const ajvOk = validateJSONSchema(input, schema).valid;
      expect(ajvOk, `seed ${seed}: zod says ${zodOk} for ${JSON.stringify(input).slice(0, 400)}`).toBe(zodOk);
      expect(() => validator.validateWithJSONSchema(input)).not.toThrow();
      if (result.valid) valid += 1;
    }
    expect(valid).toBeGreaterThan(40); // the fuzzer also reaches the rules, not only the schema
  });

  it('survives non-JSON input', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const input of [undefined, Symbol('x'), () => 1, cyclic, new Map(), Object.create(null), BigInt(1), Number.NaN]) {
      expect(() => validator.validate(input)).not.toThrow();
      expect(validator.validate(input).valid).toBe(false);
      expect(() => validator.validateWithJSONSchema(input)).not.toThrow();
    }
  });
});

/** Values no JSON parser makes, but code can pass: each must get a result, the same on both paths. */
function hostileValues(): [string, unknown][] {
  const getter = productionConfig() as Record<string, unknown>;
  Object.defineProperty(getter, 'image', { enumerable: true, get: () => { throw new Error('getter boom'); } });
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  const traps = new Proxy(productionConfig(), { get: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); } });
  const bufferProto = Object.create(Buffer.from('x')) as object;
  return [
    ['a throwing getter', getter],
    ['a Proxy whose traps throw', traps],
    ['a revoked Proxy', revoked],
    ['a revoked Proxy as env', { ...productionConfig(), env: revoked }],
    ['a Buffer-prototype object', bufferProto],
    ['a Buffer-prototype object as secrets', { ...productionConfig(), secrets: bufferProto }],
    ['a Buffer-prototype object as labels', { ...productionConfig(), labels: bufferProto }],
    ['a well-behaved Proxy of a valid config', new Proxy(productionConfig(), {})],
    ['100,000 secrets', { ...productionConfig(), secrets: new Array(100_000).fill({ secretName: 'A' }) }],
    ['100,000 unknown keys', { ...productionConfig(), ...Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, 1])) }],
    ['5,000 unknown keys', { ...productionConfig(), ...Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 1])) }],
    ['an env value of 2 MiB', { ...productionConfig(), env: { BIG: 'x'.repeat(2 * 1024 * 1024) } }],
    ['an env value of 100 KiB', { ...productionConfig(), env: { BIG: 'x'.repeat(100 * 1024) } }],
    ['10,000 invalid labels', { ...productionConfig(), labels: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`-k${i}`, '-'])) }],
  ];
}

describe('hostile and oversized input', () => {
  it.each(hostileValues())('%s: both paths answer, agree, and stay bounded', (_name, input) => {
    const started = performance.now();
    const zod = validator.validate(input);
    const ajv = validator.validateWithJSONSchema(input);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(ajv.valid).toBe(zod.valid);
    for (const r of [zod, ajv]) {
      expect(r.errors.length).toBeLessThanOrEqual(VALIDATION_LIMITS.maxIssues + 1);
      for (const e of r.errors) expect(e.message.length).toBeLessThanOrEqual(VALIDATION_LIMITS.maxMessageLength);
    }
    expect(() => validator.parse(input)).not.toThrow(TypeError);
  });

  it('a valid config behind a Proxy stays valid; a throwing one names the field', () => {
    expect(validator.validate(new Proxy(productionConfig(), {})).valid).toBe(true);
    const [, getter] = hostileValues()[0] as [string, unknown];
    expect(validator.validate(getter).errors).toEqual([{ path: 'image', code: 'unreadable', message: 'a property that throws when read (Error: getter boom)' }]);
    expect(validator.validateWithJSONSchema(getter).errors).toEqual(validator.validate(getter).errors);
  });

  it('caps the JSON Schema path too: 100 issues and "and N more"', () => {
    const r = validator.validateWithJSONSchema({ ...productionConfig(), labels: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`-k${i}`, '-'])) });
    expect(r.errors).toHaveLength(101);
    expect(r.errors[100]).toMatchObject({ code: 'too_many_issues' });
    expect(validator.validate({ ...productionConfig(), k1: 1, k2: 2 }).errors[0]?.message).toBe('Unrecognized keys: "k1", "k2"');
  });

  it.each([
    ['top level', '{"__proto__": {"replicas": 3}}', '__proto__'],
    ['env', '{"env": {"__proto__": "x", "A": "b"}}', 'env.__proto__'],
    ['labels', '{"labels": {"__proto__": "x"}}', 'labels.__proto__'],
    ['annotations', '{"annotations": {"__proto__": "x"}}', 'annotations.__proto__'],
    ['node selector', '{"kubernetes": {"clusterName": "c", "nodeSelector": {"__proto__": "x"}}}', 'kubernetes.nodeSelector.__proto__'],
    ['secret keys', '{"secrets": [{"secretName": "db", "keys": {"__proto__": "password"}}]}', 'secrets.0.keys.__proto__'],
  ])('an own __proto__ key in %s is rejected on both paths', (_where, json, path) => {
    const patch = JSON.parse(json) as Record<string, unknown>;
    const base = productionConfig() as Record<string, unknown>;
    const input: Record<string, unknown> = {};
    for (const [k, v] of Object.entries({ ...base, ...patch })) Object.defineProperty(input, k, { value: v, enumerable: true, writable: true, configurable: true });
    if (Object.hasOwn(patch, '__proto__')) Object.defineProperty(input, '__proto__', { value: patch['__proto__'], enumerable: true });
    for (const r of [validator.validate(input), validator.validateWithJSONSchema(input)]) {
      expect(r.valid).toBe(false);
      expect(r.errors).toContainEqual(expect.objectContaining({ path, code: 'forbidden_key' }));
    }
    expect(validateWithSchema(DeploymentConfigSchema, input).valid).toBe(false);
    expect(validateJSONSchema(input, validator.toJSONSchema()).valid).toBe(false);
  });
});
