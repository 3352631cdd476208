import { describe, expect, it } from 'vitest';
import { ConfigValidator, DeploymentConfigSchema, validateJSONSchema } from '../index.js';
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
    else if (r < 0.25) out[pick(['extra', 'replica', 'constructor', 'toString', '__proto__'])] = pick(WEIRD);
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
      const zodOk = DeploymentConfigSchema.safeParse(input).success;
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
