import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startKubernetesEmulator } from '@gati-framework/cloud-emulator';
import { KubeClient } from '@gati-framework/kubernetes';
import { ZeroDowntimeDeployment, type DeployOptions, type DeployResult } from '@gati-framework/production-hardening/deployment';
import type { DeploymentConfigInput } from '@gati-framework/production-hardening';
import type { Printer } from '../print.js';

const appConfig = (image: string): DeploymentConfigInput => ({
  appName: 'shop',
  environment: 'production',
  cloudProvider: 'aws',
  image,
  replicas: 3,
  networking: { port: 8080, serviceType: 'LoadBalancer' },
  kubernetes: { clusterName: 'gati-emulator', namespace: 'shop' },
  probes: { readiness: { path: '/readyz', port: 8080 }, liveness: { path: '/livez', port: 8080 } },
});

function summary(print: Printer, r: DeployResult): void {
  const revs = `revision ${r.revision ?? '-'}${r.previousRevision ? ` (was ${r.previousRevision})` : ''}`;
  if (r.status === 'succeeded') print.ok(`${r.unchanged ? 'unchanged' : 'succeeded'}: ${revs}`);
  else print.bad(`${r.status}: ${revs}; failed at ${r.failure?.step}: ${r.failure?.reason}`);
}

/**
 * Step: zero-downtime deploys to the emulated cluster: a first deploy with rollout progress,
 * an unchanged redeploy (no-op), an update, then a broken image that is rolled back automatically.
 */
export async function runDeployStep(print: Printer): Promise<void> {
  print.heading('Zero-downtime deployment to an emulated Kubernetes cluster');
  const cluster = await startKubernetesEmulator({ delays: { podStartMs: 150, podReadyMs: 300, crashLoopRestartMs: 200 } });
  // The emulator schedules pods but runs no containers: this local server answers the smoke tests for the new revision.
  const app = createServer((req, res) => {
    res.writeHead(req.url === '/readyz' ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', revision: req.headers['x-gati-revision'] }));
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  try {
    print.line(`Kubernetes API (emulated): ${cluster.url}`);
    const deployer = new ZeroDowntimeDeployment();
    let last = '';
    const options: DeployOptions = {
      kubeconfig: cluster.kubeconfig(),
      timeoutMs: 30_000,
      rollout: { minReadySeconds: 0, podCheckIntervalMs: 200 },
      smokeTests: { baseUrl: `http://127.0.0.1:${(app.address() as AddressInfo).port}`, tests: [{ name: 'readiness endpoint', path: '/readyz', bodyIncludes: '"ok"', maxLatencyMs: 1000 }] },
      onProgress: (e) => {
        if (e.message !== last) print.line(`[${String(e.elapsedMs).padStart(5)} ms] ${e.resource.padEnd(11)} ${e.message}`, 2);
        last = e.message;
      },
    };

    const plan = await deployer.deploy(appConfig('registry.example.com/shop:1.0.0'), { ...options, dryRun: true });
    print.line(`dry run: ${plan.changes?.map((c) => `${c.kind} ${c.action}`).join(', ')}`);

    print.line('deploy shop:1.0.0');
    summary(print, await deployer.deploy(appConfig('registry.example.com/shop:1.0.0'), options));
    const kube = KubeClient.fromKubeconfig(cluster.kubeconfig());
    const address = await kube.waitForLoadBalancer({ kind: 'Service', name: 'shop', namespace: 'shop' }, { timeoutMs: 10_000 }).finally(() => kube.close());
    print.ok(`Service shop has its load balancer address: ${address}`);

    print.line('deploy shop:1.0.0 again');
    summary(print, await deployer.deploy(appConfig('registry.example.com/shop:1.0.0'), { ...options, onProgress: () => undefined }));

    print.line('deploy shop:1.1.0');
    summary(print, await deployer.deploy(appConfig('registry.example.com/shop:1.1.0'), options));

    print.line('deploy a broken image (shop-crash-loop:2.0.0)');
    const broken = await deployer.deploy(appConfig('registry.example.com/shop-crash-loop:2.0.0'), options);
    summary(print, broken);
    const live = cluster.getObject('Deployment', 'shop', 'shop') as { spec: { template: { spec: { containers: { image: string }[] } } } };
    print.ok(`live image after the automatic rollback: ${live.spec.template.spec.containers[0]?.image}`);
  } finally {
    await new Promise((resolve) => app.close(resolve));
    await cluster.close();
  }
}
