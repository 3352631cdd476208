import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

type Entry = Record<string, string>;
const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, Entry | string> };

/** What a user reaches on each subpath (a sample per concern; the subpath holds the whole concern). */
const EXPECTED: Record<string, string[]> = {
  '.': ['ProductionHardeningSuite', 'AppSecrets', 'SecretStore', 'ConfigValidator', 'DeploymentConfigSchema', 'runReadinessChecks', 'AutoScalingOptimizer', 'ZeroDowntimeDeployment', 'generateManifests', 'toYAML'],
  './secrets': ['AppSecrets', 'SecretStore', 'SecretIntegrityError', 'isSecretIntegrityError', 'Sanitizer', 'sanitizeFormat', 'validateSecretStrength', 'DEFAULT_SCRYPT_N'],
  './validation': ['ConfigValidator', 'DeploymentConfigSchema', 'deploymentConfigJSONSchema', 'validateJSONSchema', 'checkDeploymentRules', 'parseQuantity', 'IMAGE_PATTERN'],
  './readiness': ['READINESS_CHECKS', 'runReadinessChecks'],
  './scaling': ['AutoScalingOptimizer', 'HPAController', 'POLICIES', 'generateHPAManifest', 'simulateAutoscaling', 'recommendResources', 'toYAML'],
  './deployment': ['ZeroDowntimeDeployment', 'runSmokeTests', 'verifyDeploymentHealth', 'ROLLOUT_STRATEGY', 'generateManifests', 'toYAML'],
};

describe('package entries', () => {
  it('one entry per concern, each with types first, the source condition and a default', () => {
    expect(Object.keys(pkg.exports)).toEqual([...Object.keys(EXPECTED), './package.json']);
    for (const [subpath, entry] of Object.entries(pkg.exports)) {
      if (subpath === './package.json') continue;
      const dir = subpath === '.' ? '' : `${subpath.slice(2)}/`;
      expect(entry, subpath).toEqual({ types: `./dist/${dir}index.d.ts`, '@gati-framework/source': `./src/${dir}index.ts`, default: `./dist/${dir}index.js` });
      expect(Object.keys(entry)[0], subpath).toBe('types');
    }
  });

  it.each(Object.entries(EXPECTED))('%s exports what its concern needs', async (subpath, names) => {
    const entry = pkg.exports[subpath] as Entry;
    const mod = (await import(new URL(`../${entry['@gati-framework/source'] as string}`, import.meta.url).href)) as Record<string, unknown>;
    for (const name of names) expect(mod[name], `${subpath} → ${name}`).toBeDefined();
    expect(mod['SecretManager'], 'the old name is gone').toBeUndefined();
  });

  it('the root stays short: the handful a user starts with', async () => {
    const root = (await import('./index.js')) as Record<string, unknown>;
    expect(Object.keys(root).sort()).toEqual([...(EXPECTED['.'] as string[])].sort());
  });
});
