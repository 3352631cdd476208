import { AzureEmulator } from '@gati-framework/cloud-emulator/azure';
import { createCloudProvider, type ClusterConfigInput, type ICloudProvider, type ProgressEvent } from '@gati-framework/core';
import { KubeClient } from '@gati-framework/kubernetes';
import type { DeploymentConfigInput } from '@gati-framework/production-hardening';
import { ZeroDowntimeDeployment } from '@gati-framework/production-hardening/deployment';
import type { Printer } from '../print.js';

/** The same cluster config the AWS step builds on EKS, here on AKS. */
const cluster: ClusterConfigInput = {
  name: 'shop-demo',
  version: '1.31',
  nodePools: [
    { name: 'general', instanceType: 'Standard_D4s_v5', minNodes: 2, desiredNodes: 2, maxNodes: 4, diskSizeGb: 64 },
    { name: 'batch', instanceType: 'Standard_F8s_v2', minNodes: 0, desiredNodes: 1, maxNodes: 3, taints: [{ key: 'workload', value: 'batch', effect: 'NoSchedule' }] },
  ],
  tags: { app: 'shop', env: 'demo' },
};

/**
 * The Azure chain against the in-process Azure emulator (Resource Manager, Entra ID, Key Vault,
 * and a Kubernetes API per AKS cluster): plan → create with progress → kubeconfig with an
 * in-process Entra token → deploy → load balancer → Key Vault secret → delete.
 * Set GATI_QUICKSTART_REAL_AZURE=1 (with AZURE_SUBSCRIPTION_ID, AZURE_KEYVAULT_URL and a signed-in
 * DefaultAzureCredential) to run it against a real subscription: it creates billable resources.
 */
export async function runAzureStep(print: Printer): Promise<void> {
  const real = process.env['GATI_QUICKSTART_REAL_AZURE'] === '1';
  print.heading(`Azure: AKS cluster → kubeconfig → deploy → load balancer → Key Vault → delete (${real ? 'REAL AZURE' : 'Azure emulator'})`);
  const emulator = real ? undefined : await AzureEmulator.start({ retryAfterSeconds: 0, kubernetes: { delays: { podStartMs: 100, podReadyMs: 150, loadBalancerMs: 300 } } });
  if (emulator) print.line(`Azure emulator at ${emulator.armEndpoint}; vault ${emulator.vaultUrl()}; every AKS cluster gets its own Kubernetes API`);
  let provider: ICloudProvider | undefined;
  try {
    provider = await createCloudProvider(
      'azure',
      emulator
        ? {
            subscriptionId: emulator.subscriptionId,
            resourceGroup: 'shop-demo',
            location: 'westeurope',
            armEndpoint: emulator.armEndpoint,
            keyVaultUrl: emulator.vaultUrl(),
            ca: emulator.caPem,
            credential: emulator.credential(),
            azure: { applicationRouting: true },
            pollIntervalMs: 100,
            maxPollIntervalMs: 500,
          }
        : { resourceGroup: process.env['AZURE_RESOURCE_GROUP'] ?? 'shop-demo', location: process.env['AZURE_LOCATION'] ?? 'westeurope', azure: { applicationRouting: true } },
    );

    const plan = await provider.planCluster(cluster);
    print.line(`plan: ${plan.steps.map((s) => `${s.action} ${s.kind} ${s.name}`).join(', ')}`);
    const onProgress = (e: ProgressEvent): void => {
      if (e.phase === 'succeeded' || e.phase === 'failed') print.line(`[${String(e.elapsedMs).padStart(5)} ms] ${e.phase === 'failed' ? '✗' : '✓'} ${e.resource}: ${e.message}`, 2);
    };
    const info = await provider.createCluster(cluster, { onProgress, timeoutMs: real ? 40 * 60_000 : 60_000 });
    print.ok(`cluster ${info.name} is ${info.status}: Kubernetes ${info.version}, ${info.nodePools.map((p) => `${p.name} ${p.desiredNodes}×${p.instanceType}`).join(', ')} (+ Gati's system pool)`);

    const kubeconfig = await provider.getKubeconfig(cluster.name, { auth: 'token' });
    const kube = KubeClient.fromKubeconfig(kubeconfig);
    try {
      const { gitVersion } = await kube.waitUntilReachable();
      print.ok(`kubeconfig with an in-process Entra token for the AKS server app reaches ${kube.server} (${gitVersion})`);
    } finally {
      kube.close();
    }

    const app: DeploymentConfigInput = {
      appName: 'shop-web',
      environment: 'production',
      cloudProvider: 'azure',
      image: 'registry.example.com/shop-web:1.0.0',
      replicas: 2,
      networking: { port: 8080, serviceType: 'ClusterIP' },
      kubernetes: { clusterName: cluster.name, namespace: 'shop' },
      probes: { readiness: { path: '/readyz', port: 8080 }, liveness: { path: '/livez', port: 8080 } },
    };
    const deployed = await new ZeroDowntimeDeployment().deploy(app, { kubeconfig, timeoutMs: 60_000, rollout: { minReadySeconds: 0, podCheckIntervalMs: 200 } });
    if (deployed.status !== 'succeeded') throw new Error(`deploy ${deployed.status}: ${deployed.failure?.step ?? ''} ${deployed.failure?.reason ?? ''}`);
    print.ok(`ZeroDowntimeDeployment with the AKS kubeconfig: shop-web revision ${deployed.revision ?? '?'} (${deployed.manifests.map((m) => m.kind).join(', ')})`);

    const lb = await provider.createLoadBalancer({ clusterName: cluster.name, name: 'shop-web-lb', namespace: 'shop', type: 'network', serviceName: 'shop-web', port: 80, targetPort: 8080, healthCheck: { path: '/readyz' } });
    print.ok(`Azure Load Balancer (Service of type LoadBalancer) address: ${lb.endpoint}`);

    const ref = await provider.storeSecret({ name: 'shop-demo/db', values: { user: 'shop', password: 'demo-only' }, tags: { app: 'shop' } });
    const values = await provider.retrieveSecret('shop-demo/db');
    print.ok(`Key Vault: stored ${ref.name} (${Object.keys(values).length} keys), read back`);
    await provider.deleteSecret('shop-demo/db', { force: true });

    await provider.deleteLoadBalancer({ clusterName: cluster.name, name: 'shop-web-lb', namespace: 'shop' });
    await provider.deleteCluster(cluster.name, { onProgress, timeoutMs: real ? 40 * 60_000 : 60_000 });
    print.ok('deleted the load balancer, the AKS cluster, its virtual network and resource group');
    if (emulator) {
      const left = Object.entries(emulator.inventory()).filter(([, v]) => v.length > 0);
      if (left.length === 0) print.ok('the emulator holds nothing any more');
      else print.bad(`left behind: ${left.map(([k, v]) => `${k}=${v.join(',')}`).join('; ')}`);
    }
  } finally {
    await provider?.close();
    await emulator?.close();
  }
}
