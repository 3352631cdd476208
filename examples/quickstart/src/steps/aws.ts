import { AwsEmulator, DEFAULT_EMULATOR_CREDENTIALS } from '@gati-framework/cloud-emulator/aws';
import { createCloudProvider, type ClusterConfigInput, type ICloudProvider, type ProgressEvent } from '@gati-framework/core';
import { KubeClient } from '@gati-framework/kubernetes';
import type { DeploymentConfigInput } from '@gati-framework/production-hardening';
import { ZeroDowntimeDeployment } from '@gati-framework/production-hardening/deployment';
import type { Printer } from '../print.js';

/** The cluster the AWS step builds: two node pools, one tainted for batch work. */
const cluster: ClusterConfigInput = {
  name: 'shop-demo',
  version: '1.31',
  nodePools: [
    { name: 'general', instanceType: 'm6i.large', minNodes: 2, desiredNodes: 2, maxNodes: 4, diskSizeGb: 50 },
    { name: 'batch', instanceType: 'c6i.xlarge', minNodes: 0, desiredNodes: 1, maxNodes: 3, taints: [{ key: 'workload', value: 'batch', effect: 'NoSchedule' }] },
  ],
  tags: { app: 'shop', env: 'demo' },
};

/**
 * The AWS chain against the in-process AWS emulator (EKS, IAM, EC2, Secrets
 * Manager, and a Kubernetes API per cluster): create the cluster with progress →
 * kubeconfig with a minted EKS token → deploy → load balancer → secret → delete.
 * Set GATI_QUICKSTART_REAL_AWS=1 to run it against real AWS with your own credentials (it creates billable resources).
 */
export async function runAwsStep(print: Printer): Promise<void> {
  const real = process.env['GATI_QUICKSTART_REAL_AWS'] === '1';
  print.heading(`AWS: EKS cluster → kubeconfig → deploy → load balancer → delete (${real ? 'REAL AWS' : 'AWS emulator'})`);
  const emulator = real ? undefined : await AwsEmulator.start({ kubernetes: { delays: { podStartMs: 100, podReadyMs: 150, loadBalancerMs: 300 } } });
  if (emulator) print.line(`AWS emulator at ${emulator.endpoint} (region ${emulator.region}); every EKS cluster gets its own Kubernetes API`);
  if (Number(process.versions.node.split('.')[0]) < 22 && process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] === undefined) {
    // The SDK's multi-line notice would drown the demo's output; say it in one line instead.
    process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
    print.line(`note: AWS SDK v3 releases after January 2027 need Node 22 or newer (this is Node ${process.versions.node})`);
  }
  let provider: ICloudProvider | undefined;
  try {
    provider = await createCloudProvider(
      'aws',
      emulator
        ? { region: emulator.region, endpoint: emulator.endpoint, credentials: DEFAULT_EMULATOR_CREDENTIALS, pollIntervalMs: 100, maxPollIntervalMs: 500 }
        : { region: process.env['AWS_REGION'] ?? 'us-east-1' },
    );

    const plan = await provider.planCluster(cluster);
    print.line(`plan: ${plan.steps.map((s) => `${s.action} ${s.kind} ${s.name}`).join(', ')}`);
    const onProgress = (e: ProgressEvent): void => {
      if (e.phase === 'succeeded' || e.phase === 'failed') print.line(`[${String(e.elapsedMs).padStart(5)} ms] ${e.phase === 'failed' ? '✗' : '✓'} ${e.resource}: ${e.message}`, 2);
    };
    const info = await provider.createCluster(cluster, { onProgress, timeoutMs: real ? 40 * 60_000 : 60_000 });
    print.ok(`cluster ${info.name} is ${info.status}: Kubernetes ${info.version}, ${info.nodePools.map((p) => `${p.name} ${p.desiredNodes}×${p.instanceType}`).join(', ')}`);

    const kubeconfig = await provider.getKubeconfig(cluster.name, { auth: 'token' });
    const kube = KubeClient.fromKubeconfig(kubeconfig);
    try {
      const { gitVersion } = await kube.waitUntilReachable();
      print.ok(`kubeconfig with an in-process EKS token (k8s-aws-v1.…) reaches ${kube.server} (${gitVersion})`);
    } finally {
      kube.close();
    }

    const app: DeploymentConfigInput = {
      appName: 'shop-web',
      environment: 'production',
      cloudProvider: 'aws',
      image: 'registry.example.com/shop-web:1.0.0',
      replicas: 2,
      networking: { port: 8080, serviceType: 'ClusterIP' },
      kubernetes: { clusterName: cluster.name, namespace: 'shop' },
      probes: { readiness: { path: '/readyz', port: 8080 }, liveness: { path: '/livez', port: 8080 } },
    };
    const deployed = await new ZeroDowntimeDeployment().deploy(app, { kubeconfig, timeoutMs: 60_000, rollout: { minReadySeconds: 0, podCheckIntervalMs: 200 } });
    if (deployed.status !== 'succeeded') throw new Error(`deploy ${deployed.status}: ${deployed.failure?.step ?? ''} ${deployed.failure?.reason ?? ''}`);
    print.ok(`ZeroDowntimeDeployment with the EKS kubeconfig: shop-web revision ${deployed.revision ?? '?'} (${deployed.manifests.map((m) => m.kind).join(', ')})`);

    const lb = await provider.createLoadBalancer({
      clusterName: cluster.name,
      name: 'shop-web-alb',
      namespace: 'shop',
      type: 'application',
      serviceName: 'shop-web',
      port: 80,
      targetPort: 8080,
      healthCheck: { path: '/readyz' },
    });
    print.ok(`ALB (Ingress class alb) address: ${lb.endpoint}`);

    const ref = await provider.storeSecret({ name: 'shop-demo/db', values: { user: 'shop', password: 'demo-only' }, tags: { app: 'shop' } });
    const values = await provider.retrieveSecret('shop-demo/db');
    print.ok(`Secrets Manager: stored ${ref.name} (${Object.keys(values).length} keys), read back`);
    await provider.deleteSecret('shop-demo/db', { force: true });

    await provider.deleteLoadBalancer({ clusterName: cluster.name, name: 'shop-web-alb', namespace: 'shop' });
    await provider.deleteCluster(cluster.name, { onProgress, timeoutMs: real ? 40 * 60_000 : 60_000 });
    print.ok('deleted the load balancer, node groups, cluster, IAM roles and VPC');
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
