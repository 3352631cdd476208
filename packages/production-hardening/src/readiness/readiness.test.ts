import { describe, expect, it } from 'vitest';
import { generateManifests } from '../deployment/index.js';
import { ProductionHardeningSuite, type DeploymentConfigInput } from '../index.js';
import { READINESS_CHECKS, runReadinessChecks, type ReadinessReport } from './index.js';
import { productionConfig } from '../../test/fixtures/configs.js';

const suite = new ProductionHardeningSuite();
const failed = (r: ReadinessReport): string[] => [...new Set(r.checks.filter((c) => !c.passed).map((c) => c.id))].sort();

describe('checkProductionReadiness', () => {
  it('passes every check for the production config', async () => {
    const report = await suite.checkProductionReadiness(productionConfig());
    expect(failed(report)).toEqual([]);
    expect(report).toMatchObject({ ready: true, score: 100 });
    const ids = new Set(report.checks.map((c) => c.id));
    for (const def of READINESS_CHECKS) expect(ids.has(def.id), def.id).toBe(true);
    for (const c of report.checks) expect(c).toEqual(expect.objectContaining({ severity: expect.stringMatching(/^(danger|warning)$/), path: expect.any(String), remediation: expect.any(String) }));
  });

  it('flags each hardening gap in the generated manifests', async () => {
    const weak: DeploymentConfigInput = {
      ...productionConfig(),
      environment: 'development', // so the config itself is valid and the manifest checks do the work
      image: 'shop-api:latest',
      replicas: 1,
      autoscaling: undefined,
      resources: undefined,
      probes: { liveness: { path: '/health', port: 3000 }, readiness: { path: '/health', port: 3000 } },
      security: { runAsNonRoot: false, allowPrivilegeEscalation: true, readOnlyRootFilesystem: false, privileged: true },
      availability: { podDisruptionBudget: { maxUnavailable: 0 }, antiAffinity: 'none', topologySpread: false },
      shutdown: { preStopSleepSeconds: 0 },
    };
    const report = await suite.checkProductionReadiness(weak);
    expect(failed(report)).toEqual(
      [
        'graceful-shutdown', 'image-tag-pinned', 'memory-limit', 'no-privilege-escalation', 'not-privileged', 'pdb-allows-eviction', 'probes-distinct',
        'read-only-root-filesystem', 'replicas-min', 'resource-requests', 'run-as-non-root', 'spread-across-nodes',
      ].sort(),
    );
    expect(report.ready).toBe(false);
    expect(report.score).toBeLessThan(40);
    const tag = report.checks.find((c) => c.id === 'image-tag-pinned');
    expect(tag).toMatchObject({ severity: 'danger', path: 'Deployment/shop-api.spec.template.spec.containers[0].image' });
    expect(tag?.remediation).toMatch(/digest/);
  });

  it('catches HPA problems: static replicas, min < 2, max ≤ min, missing PDB and probes', () => {
    const m = generateManifests({ ...productionConfig(), availability: { podDisruptionBudget: { enabled: false } } });
    (m.deployment.spec as Record<string, unknown>)['replicas'] = 3;
    Object.assign(m.horizontalPodAutoscaler?.spec as object, { minReplicas: 1, maxReplicas: 1 });
    const containers = ((m.deployment.spec as Record<string, any>)['template'].spec.containers) as Record<string, unknown>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    delete containers[0]?.['readinessProbe'];
    delete containers[0]?.['livenessProbe'];
    const report = runReadinessChecks(m.list);
    expect(failed(report)).toEqual(['hpa-min-replicas', 'hpa-range', 'hpa-static-replicas', 'liveness-probe', 'pdb-present', 'readiness-probe', 'replicas-min']);
  });

  it('reports exemptions as exempted, not hidden, and unknown ones as typos', async () => {
    const batch: DeploymentConfigInput = {
      ...productionConfig(),
      environment: 'staging',
      autoscaling: undefined,
      replicas: 1,
      exemptions: [{ check: 'replicas-min', reason: 'nightly batch job, one replica by design' }, { check: 'replica-min', reason: 'typo' }],
    };
    const report = await suite.checkProductionReadiness(batch);
    const r = report.checks.find((c) => c.id === 'replicas-min');
    expect(r).toMatchObject({ passed: true, exempted: true, exemptionReason: 'nightly batch job, one replica by design' });
    expect(r?.message).toContain('exempted');
    expect(report.unknownExemptions).toEqual(['replica-min']);
    expect(report.ready).toBe(true);
  });

  it('turns an invalid config into a failed config-valid check instead of throwing', async () => {
    const report = await suite.checkProductionReadiness({ appName: 'x' });
    expect(report.ready).toBe(false);
    expect(report.score).toBe(0);
    expect(report.checks).toEqual([expect.objectContaining({ id: 'config-valid', severity: 'danger', passed: false })]);
    const rules = await suite.checkProductionReadiness({ ...productionConfig(), image: 'shop-api:latest' });
    expect(rules.checks[0]).toMatchObject({ id: 'config-valid', passed: false, path: 'image' });
    expect(rules.ready).toBe(false);
  });
});
