import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProductionHardeningSuite, generateManifests, toYAML, type DeploymentConfigInput } from '@gati-framework/production-hardening';
import type { Printer } from '../print.js';

export const sampleDeployment: DeploymentConfigInput = {
  appName: 'shop-api',
  environment: 'production',
  cloudProvider: 'aws',
  image: 'registry.example.com/shop-api:1.4.2',
  replicas: 3,
  resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  probes: { liveness: { path: '/health/live', port: 3000 }, readiness: { path: '/health/ready', port: 3000 } },
  autoscaling: { workload: 'api', minReplicas: 3, maxReplicas: 20 },
  networking: { port: 3000, ingress: { enabled: true, host: 'shop.example.com', tls: true } },
  kubernetes: { clusterName: 'prod-eu', namespace: 'shop' },
};

/** Production hardening: validate the config, readiness report, an encrypted secret, the generated HPA. */
export async function runHardeningStep(print: Printer): Promise<void> {
  const suite = new ProductionHardeningSuite();

  print.heading('Validate the production deployment config');
  const result = suite.validator.validate(sampleDeployment);
  if (!result.valid) throw new Error(`the sample deployment config should be valid: ${JSON.stringify(result.errors)}`);
  print.ok(`${sampleDeployment.appName}: valid for production (zod schema + cross-field rules)`);
  const broken = suite.validator.validate({ ...sampleDeployment, image: 'shop-api:latest', replicas: 1, autoscaling: undefined, resources: { requests: { cpu: '2', memory: '512m' }, limits: { cpu: '1' } } });
  print.bad(`a careless copy: ${broken.errors.length} problems`);
  for (const e of broken.errors) print.line(`- ${e.path}: ${e.message}`, 2);

  print.heading('Production readiness report (checks over the generated manifests)');
  const report = await suite.checkProductionReadiness(sampleDeployment);
  print.line(`ready: ${report.ready ? 'yes' : 'no'}   score: ${report.score}/100   checks: ${report.checks.length}`);
  for (const c of report.checks) (c.passed ? print.ok : print.bad)(`${c.id.padEnd(26)} ${c.severity.padEnd(7)} ${c.message}`);

  print.heading('Store and read an encrypted secret');
  const dir = await mkdtemp(join(tmpdir(), 'gati-quickstart-'));
  try {
    const file = join(dir, 'secrets', 'shop-api.enc');
    const started = Date.now();
    const store = await suite.secrets.open({ file, passphrase: 'quickstart demo passphrase, not for production' });
    print.ok(`opened ${file} (key derived once with scrypt N=2^17, r=8, p=1 in ${Date.now() - started} ms)`);
    const password = 'Tr0ub4dor&3-quickstart-demo';
    const strength = suite.secrets.validateStrength(password);
    print.line(`strength of the new secret: ${strength.score}/100 (${strength.level})`);
    await store.set('db-password', password);
    const back = await store.get('db-password');
    if (back !== password) throw new Error('the secret did not round-trip');
    const onDisk = await readFile(file, 'utf8');
    print.ok(`stored and read back db-password; plaintext on disk: ${onDisk.includes(password) ? 'YES (bug!)' : 'none'}; file mode ${((await stat(file)).mode & 0o777).toString(8)}`);
    const rotation = await store.rotate();
    print.ok(`rotated: key v${rotation.fromVersion} → v${rotation.toVersion}, ${rotation.reencrypted} secret re-encrypted; still reads back: ${(await store.get('db-password')) === password}`);
    const sanitizer = await store.createSanitizer();
    print.line(`a log line after sanitizing: ${sanitizer.sanitizeString(`connecting to postgres with ${password}`)}`);
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  print.heading('Generated HorizontalPodAutoscaler (autoscaling/v2) and the prometheus-adapter rule');
  const hpa = generateManifests(sampleDeployment).horizontalPodAutoscaler;
  if (!hpa) throw new Error('the sample deployment should have an HPA');
  for (const line of toYAML(hpa).trimEnd().split('\n')) print.line(line, 2);
  print.line('prometheus-adapter config:', 1);
  for (const line of suite.scaling.prometheusAdapterConfigYAML().trimEnd().split('\n')) print.line(line, 2);
}
