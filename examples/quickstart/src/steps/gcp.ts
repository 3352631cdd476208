import { GcpEmulator } from '@gati-framework/cloud-emulator/gcp';
import { createCloudProvider, type ClusterConfigInput, type ICloudProvider, type ProgressEvent } from '@gati-framework/core';
import { KubeClient } from '@gati-framework/kubernetes';
import type { DeploymentConfigInput } from '@gati-framework/production-hardening';
import { ZeroDowntimeDeployment } from '@gati-framework/production-hardening/deployment';
import type { Printer } from '../print.js';

/** The same shape of cluster as the AWS step, with Compute Engine machine types. */
const cluster: ClusterConfigInput = {
  name: 'shop-demo',
  version: '1.33',
  nodePools: [
    { name: 'general', instanceType: 'e2-standard-4', minNodes: 2, desiredNodes: 2, maxNodes: 4, diskSizeGb: 50 },
    { name: 'batch', instanceType: 'c3-standard-4', minNodes: 0, desiredNodes: 1, maxNodes: 3, taints: [{ key: 'workload', value: 'batch', effect: 'NoSchedule' }] },
  ],
  tags: { app: 'shop', env: 'demo' },
};

/**
 * The GCP chain against the in-process GCP emulator, configured only through the lines gcloud
 * reads (CLOUDSDK_API_ENDPOINT_OVERRIDES_*, CLOUDSDK_AUTH_ACCESS_TOKEN, CLOUDSDK_CORE_PROJECT):
 * plan → create with progress → kubeconfig with an access token → deploy → load balancer → secret → delete.
 * Set GATI_QUICKSTART_REAL_GCP=1 (with CLOUDSDK_CORE_PROJECT and ADC) to run it against a real project: it creates billable resources.
 */
export async function runGcpStep(print: Printer): Promise<void> {
  const real = process.env['GATI_QUICKSTART_REAL_GCP'] === '1';
  print.heading(`GCP: GKE cluster → kubeconfig → deploy → load balancer → delete (${real ? 'REAL GCP' : 'GCP emulator'})`);
  const emulator = real ? undefined : await GcpEmulator.start({ timings: { clusterCreateMs: 300, clusterDeleteMs: 200, nodePoolCreateMs: 200, nodePoolDeleteMs: 100 } });
  const env = emulator
    ? {
        CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER: `${emulator.endpoint}/`,
        CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER: `${emulator.endpoint}/`,
        CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: `${emulator.endpoint}/`,
        CLOUDSDK_AUTH_ACCESS_TOKEN: emulator.accessToken,
        CLOUDSDK_CORE_PROJECT: emulator.project,
      }
    : {};
  // The demo sets the gcloud lines for itself, as `gati-emulator --env-file` would; they are removed again below.
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  if (emulator) print.line(`GCP emulator at ${emulator.endpoint} (project ${emulator.project}); every GKE cluster gets its own Kubernetes API`);
  let provider: ICloudProvider | undefined;
  try {
    provider = await createCloudProvider('gcp', { region: process.env['CLOUDSDK_COMPUTE_REGION'] ?? 'europe-west1', ...(emulator ? { pollIntervalMs: 100, maxPollIntervalMs: 500 } : {}) });
    const plan = await provider.planCluster(cluster);
    print.line(`plan: ${plan.steps.map((s) => `${s.action} ${s.kind} ${s.name}`).join(', ')}`);
    const onProgress = (e: ProgressEvent): void => {
      if (e.phase === 'succeeded' || e.phase === 'failed') print.line(`[${String(e.elapsedMs).padStart(5)} ms] ${e.phase === 'failed' ? '✗' : '✓'} ${e.resource}: ${e.message}`, 2);
    };
    const info = await provider.createCluster(cluster, { onProgress, timeoutMs: real ? 45 * 60_000 : 60_000 });
    print.ok(`cluster ${info.name} is ${info.status}: Kubernetes ${info.version}, ${info.nodePools.map((p) => `${p.name} ${p.minNodes}-${p.maxNodes}×${p.instanceType}`).join(', ')}`);

    const kubeconfig = await provider.getKubeconfig(cluster.name, { auth: 'token' });
    const kube = KubeClient.fromKubeconfig(kubeconfig);
    try {
      const { gitVersion } = await kube.waitUntilReachable();
      print.ok(`kubeconfig with an in-process access token reaches ${kube.server} (${gitVersion})`);
    } finally {
      kube.close();
    }

    const app: DeploymentConfigInput = {
      appName: 'shop-web',
      environment: 'production',
      cloudProvider: 'gcp',
      image: 'registry.example.com/shop-web:1.0.0',
      replicas: 2,
      networking: { port: 8080, serviceType: 'ClusterIP' },
      kubernetes: { clusterName: cluster.name, namespace: 'shop' },
      probes: { readiness: { path: '/readyz', port: 8080 }, liveness: { path: '/livez', port: 8080 } },
    };
    const deployed = await new ZeroDowntimeDeployment().deploy(app, { kubeconfig, timeoutMs: 60_000, rollout: { minReadySeconds: 0, podCheckIntervalMs: 200 } });
    if (deployed.status !== 'succeeded') throw new Error(`deploy ${deployed.status}: ${deployed.failure?.step ?? ''} ${deployed.failure?.reason ?? ''}`);
    print.ok(`ZeroDowntimeDeployment with the GKE kubeconfig: shop-web revision ${deployed.revision ?? '?'}`);

    const lb = await provider.createLoadBalancer({ clusterName: cluster.name, name: 'shop-web-lb', namespace: 'shop', type: 'network', selector: { app: 'shop-web' }, port: 80, targetPort: 8080 });
    print.ok(`passthrough Network Load Balancer (cloud.google.com/l4-rbs) address: ${lb.endpoint}`);

    try {
      const ref = await provider.storeSecret({ name: 'shop-demo/db', values: { user: 'shop', password: 'demo-only' }, tags: { app: 'shop' } });
      const values = await provider.retrieveSecret('shop-demo/db');
      print.ok(`Secret Manager: stored ${ref.name} as ${ref.id} (${Object.keys(values).length} keys, CRC32C checked), read back`);
      await provider.deleteSecret('shop-demo/db', { force: true });
    } catch (error) {
      print.bad(`Secret Manager: ${(error as Error).message.split('\n')[0] ?? ''}`);
    }

    await provider.deleteLoadBalancer({ clusterName: cluster.name, name: 'shop-web-lb', namespace: 'shop' });
    await provider.deleteCluster(cluster.name, { onProgress, timeoutMs: real ? 45 * 60_000 : 60_000 });
    print.ok('deleted the load balancer, node pools, cluster, subnetwork and VPC network');
    if (emulator) {
      const left = Object.entries(emulator.inventory()).filter(([, v]) => v.length > 0);
      if (left.length === 0) print.ok('the emulator holds nothing any more');
      else print.bad(`left behind: ${left.map(([k, v]) => `${k}=${v.join(',')}`).join('; ')}`);
    }
  } finally {
    await provider?.close();
    await emulator?.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
