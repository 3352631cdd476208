import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ClusterConfigSchema } from './cluster.js';
import { LoadBalancerConfigSchema } from './load-balancer.js';
import { SecretConfigSchema } from './secret.js';
import { parseConfig, validateWithSchema } from './validate.js';

const good = {
  name: 'shop-prod',
  version: '1.31',
  network: { cidrBlock: '10.0.0.0/16' },
  nodePools: [{ name: 'general', instanceType: 'm5.large', minNodes: 1, desiredNodes: 2, maxNodes: 3, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }],
};

function paths(input: unknown, schema: z.ZodType = ClusterConfigSchema): string[] {
  return validateWithSchema(schema, input).errors.map((e) => e.path);
}

describe('ClusterConfigSchema', () => {
  it('accepts a valid config and infers defaults', () => {
    expect(validateWithSchema(ClusterConfigSchema, good)).toEqual({ valid: true, errors: [], warnings: [] });
    expect(parseConfig(ClusterConfigSchema, { ...good, autoscaling: {} }, 'cluster').autoscaling?.enabled).toBe(true);
  });

  it('rejects names that some cloud would refuse', () => {
    for (const name of ['Shop', 'shop_prod', '-shop', 'shop-', '1shop', 'a'.repeat(41), '']) {
      expect(paths({ ...good, name }), name).toContain('name');
    }
    expect(paths({ ...good, name: 'a'.repeat(40) })).toEqual([]);
  });

  it('checks versions, CIDRs and node counts, each with its path', () => {
    expect(paths({ ...good, version: '1.31.2' })).toEqual(['version']);
    for (const cidr of ['10.0.0.0/33', '10.0.0.0', '300.0.0.0/16', 'fd00::/8']) expect(paths({ ...good, network: { cidrBlock: cidr } }), cidr).toEqual(['network.cidrBlock']);
    const pool = good.nodePools[0]!;
    expect(paths({ ...good, nodePools: [{ ...pool, minNodes: 3, desiredNodes: 2 }] })).toEqual(['nodePools.0.minNodes']);
    expect(paths({ ...good, nodePools: [{ ...pool, desiredNodes: 5 }] })).toEqual(['nodePools.0.desiredNodes']);
    expect(paths({ ...good, nodePools: [] })).toEqual(['nodePools']);
    expect(paths({ ...good, nodePools: [{ ...pool, taints: [{ key: 'k', value: 'v', effect: 'NoRun' }] }] })).toEqual(['nodePools.0.taints.0.effect']);
  });

  it('never throws on garbage', () => {
    for (const input of [null, undefined, 42, 'x', [], { name: {} }, { nodePools: 'x' }]) {
      const r = validateWithSchema(ClusterConfigSchema, input);
      expect(r.valid).toBe(false);
      expect(r.errors.length).toBeGreaterThan(0);
    }
  });

  it('INVALID_CONFIG errors list every problem with its path', () => {
    try {
      parseConfig(ClusterConfigSchema, { ...good, name: 'Bad', version: 'x' }, 'cluster config');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'INVALID_CONFIG' });
      expect((e as Error).message).toMatch(/- name: .*\n\s+- version: /);
      expect((e as { details: { issues: unknown[] } }).details.issues).toHaveLength(2);
    }
  });
});

describe('LoadBalancerConfigSchema', () => {
  const lb = { clusterName: 'shop-prod', name: 'web', type: 'application', port: 443, targetPort: 3000, serviceName: 'web' };
  it('applies defaults', () => {
    expect(parseConfig(LoadBalancerConfigSchema, lb, 'lb')).toMatchObject({ namespace: 'default', scheme: 'internet-facing' });
  });
  it('needs a target and a sane health check', () => {
    expect(paths({ ...lb, serviceName: undefined }, LoadBalancerConfigSchema)).toEqual(['selector']);
    expect(paths({ ...lb, healthCheck: { intervalSeconds: 10, timeoutSeconds: 10 } }, LoadBalancerConfigSchema)).toEqual(['healthCheck.timeoutSeconds']);
    expect(paths({ ...lb, port: 70000, type: 'classic' }, LoadBalancerConfigSchema).sort()).toEqual(['port', 'type']);
  });
});

describe('SecretConfigSchema', () => {
  it('limits the payload to 64 KiB and checks the name', () => {
    expect(paths({ name: 'db', values: { v: 'x'.repeat(60 * 1024) } }, SecretConfigSchema)).toEqual([]);
    expect(paths({ name: 'db', values: { v: 'x'.repeat(65 * 1024) } }, SecretConfigSchema)).toEqual(['values']);
    expect(paths({ name: '../etc', values: {} }, SecretConfigSchema)).toEqual(['name']);
  });
});
