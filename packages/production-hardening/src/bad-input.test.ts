import { describe, expect, it } from 'vitest';
import { ZeroDowntimeDeployment, generateManifests } from './deployment/index.js';
import { runReadinessChecks } from './readiness/index.js';
import { AutoScalingOptimizer, HPAController, renderAdapterQuery } from './scaling/index.js';
import { checkDeploymentRules } from './validation/index.js';

const optimizer = new AutoScalingOptimizer();

/** Public calls with input of the wrong shape, as JavaScript or YAML-driven callers make them. */
const CALLS: [string, () => unknown][] = [
  ['generateManifests({})', () => generateManifests({} as never)],
  ['ZeroDowntimeDeployment.manifests({})', () => new ZeroDowntimeDeployment().manifests({} as never)],
  ['checkDeploymentRules({})', () => checkDeploymentRules({} as never)],
  ['runReadinessChecks(null)', () => runReadinessChecks(null as never)],
  ['runReadinessChecks([], { exemptions: "x" })', () => runReadinessChecks([], { exemptions: 'x' } as never)],
  ['generateHPAManifest({})', () => optimizer.generateHPAManifest({} as never)],
  ['generateHPAManifest minReplicas 5 > maxReplicas 2', () => optimizer.generateHPAManifest({ name: 'x', minReplicas: 5, maxReplicas: 2 })],
  ['simulate without a trace', () => optimizer.simulate({ workload: 'web' } as never)],
  ['simulate with a NaN load', () => optimizer.simulate({ workload: 'web', trace: [1, Number.NaN] })],
  ['recommend({})', () => optimizer.recommend({} as never)],
  ['prometheusAdapterRule({ counter: 5 })', () => optimizer.prometheusAdapterRule({ counter: 5 } as never)],
  ['prometheusAdapterRule({ window: "soon" })', () => optimizer.prometheusAdapterRule({ window: 'soon' })],
  ['renderAdapterQuery({}, {})', () => renderAdapterQuery({} as never, {} as never)],
  ['new HPAController({})', () => new HPAController({} as never)],
];

describe('bad input to public functions', () => {
  it.each(CALLS)('%s is INVALID_CONFIG, never a TypeError or ZodError', (_name, call) => {
    expect(call).toThrow(expect.objectContaining({ name: 'GatiError', code: 'INVALID_CONFIG' }) as Error);
  });
});
