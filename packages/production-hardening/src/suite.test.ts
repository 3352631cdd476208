import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProductionHardeningSuite } from './index.js';
import { productionConfig } from '../test/fixtures/configs.js';

describe('ProductionHardeningSuite', () => {
  it('constructs without a key: validation and scaling work, secrets say how to provide one', async () => {
    const suite = new ProductionHardeningSuite();
    expect(suite.validator.validate(productionConfig()).valid).toBe(true);
    expect(suite.scaling.generateHPAManifest({ name: 'shop-api', namespace: 'shop', workload: 'api' }).spec.minReplicas).toBe(3);
    expect(suite.scaling.calculateOptimalReplicas({ currentReplicas: 3, currentValue: 1500, targetValue: 1000 })).toBe(5);
    const err = await suite.secrets.open({ file: './never-created.enc' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_INITIALIZED' });
    expect((err as Error).message).toMatch(/open\(\{ file, passphrase \}\)/);
  });

  it('runs the issue example end to end', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gati-suite-'));
    try {
      const suite = new ProductionHardeningSuite({ secrets: { unsafeTestOnlyScryptN: 1024 } });
      const report = await suite.checkProductionReadiness(productionConfig());
      expect(report.ready).toBe(true);
      const store = await suite.secrets.open({ file: join(dir, 'secrets.enc'), passphrase: 'suite passphrase' });
      await store.set('db-password', 'pw-from-the-suite');
      expect(await store.get('db-password')).toBe('pw-from-the-suite');
      await store.rotate();
      expect(await store.get('db-password')).toBe('pw-from-the-suite');
      await store.close();
      await store.close(); // idempotent
      await expect(store.get('db-password')).rejects.toMatchObject({ code: 'NOT_INITIALIZED' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('checkProductionReadiness answers a report for hostile input, never a throw', async () => {
    const suite = new ProductionHardeningSuite();
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const getter = { ...productionConfig() };
    Object.defineProperty(getter, 'image', { enumerable: true, get: () => { throw new Error('boom'); } });
    for (const input of [revoked, getter, { ...productionConfig(), env: revoked }, Object.create(Buffer.from('x')) as object]) {
      const report = await suite.checkProductionReadiness(input);
      expect(report.ready).toBe(false);
      expect(report.checks.map((c) => c.id)).toEqual(['config-valid']);
    }
  });
});
