import { createCloudProvider, type ClusterConfigInput, type ICloudProvider, type LoadBalancerConfigInput, type ProgressEvent } from '@gati-framework/core';
import { KubeClient } from '@gati-framework/kubernetes';
import type { DeploymentConfigInput } from '@gati-framework/production-hardening';
import { ZeroDowntimeDeployment } from '@gati-framework/production-hardening/deployment';
import type { Printer } from '../print.js';

/** Where a chain runs: an emulator started for it, or the cloud (or emulator) the environment names. */
export interface ChainTarget {
  /** Options for `createCloudProvider` (besides what the environment gives). */
  providerOptions: Record<string, unknown>;
  /** The started emulator's inventory, checked empty at the end; absent when the chain did not start one. */
  inventory?: () => object;
  /** Stops what the target started and undoes what it set; idempotent. */
  close(): Promise<void>;
}

/** One cloud's part of the demo: everything that differs between AWS, GCP and Azure. */
export interface CloudChain {
  cloud: 'aws' | 'gcp' | 'azure';
  /** `AWS`, `GCP`, `Azure`. */
  label: string;
  /** `EKS`, `GKE`, `AKS`. */
  product: string;
  /** Set to `1`, the chain runs against the real cloud (billable resources). */
  realFlag: string;
  /** Set, the environment names an emulator (a sourced `gati-emulator --env-file`): use it, start none. */
  emulatorVariable?: string;
  /** Options for `createCloudProvider` in every mode; a started emulator adds its own. */
  providerOptions: Record<string, unknown>;
  /** A real cloud's deadline for create and delete. */
  realTimeoutMs: number;
  /** Lines printed under the heading. */
  notes?: string[];
  /** The shared cluster config with the cloud's machine types. */
  cluster: ClusterConfigInput;
  /** The load balancer the chain makes (its cluster is the chain's). */
  loadBalancer: Omit<LoadBalancerConfigInput, 'clusterName'>;
  /** Words in the printed lines: how the token is minted, what the load balancer and secret store are, what delete removes. */
  words: { token: string; loadBalancer: string; secrets: string; deleted: string };
  /** Starts an in-process emulator and says where it runs. */
  startEmulator(print: Printer): Promise<ChainTarget>;
}

/**
 * The same chain on every cloud: plan → create with progress → kubeconfig with an in-process
 * token → zero-downtime deploy → load balancer → secret → delete, then nothing left behind.
 */
export async function runCloudChain(print: Printer, chain: CloudChain): Promise<void> {
  const { cluster, words } = chain;
  const real = process.env[chain.realFlag] === '1';
  const external = !real && chain.emulatorVariable !== undefined && process.env[chain.emulatorVariable] !== undefined;
  const against = real ? `REAL ${chain.label.toUpperCase()}` : external ? `the emulator ${chain.emulatorVariable ?? ''} names` : `${chain.label} emulator`;
  print.heading(`${chain.label}: ${chain.product} cluster → kubeconfig → deploy → load balancer → secret → delete (${against})`);
  for (const note of chain.notes ?? []) print.line(note);
  const target: ChainTarget = real || external ? { providerOptions: {}, close: async () => {} } : await chain.startEmulator(print);
  const timeoutMs = real ? chain.realTimeoutMs : 60_000;
  let provider: ICloudProvider | undefined;
  try {
    provider = await createCloudProvider(chain.cloud, { ...chain.providerOptions, ...(real ? {} : { pollIntervalMs: 100, maxPollIntervalMs: 500 }), ...target.providerOptions });
    const plan = await provider.planCluster(cluster);
    print.line(`plan: ${plan.steps.map((s) => `${s.action} ${s.kind} ${s.name}`).join(', ')}`);
    const onProgress = (e: ProgressEvent): void => {
      if (e.phase === 'succeeded' || e.phase === 'failed') print.line(`[${String(e.elapsedMs).padStart(5)} ms] ${e.phase === 'failed' ? '✗' : '✓'} ${e.resource}: ${e.message}`, 2);
    };
    const info = await provider.createCluster(cluster, { onProgress, timeoutMs });
    print.ok(`cluster ${info.name} is ${info.status}: Kubernetes ${info.version}, ${info.nodePools.map((p) => `${p.name} ${p.minNodes}-${p.maxNodes}×${p.instanceType}`).join(', ')}`);

    const kubeconfig = await provider.getKubeconfig(cluster.name, { auth: 'token' });
    const kube = KubeClient.fromKubeconfig(kubeconfig);
    try {
      const { gitVersion } = await kube.waitUntilReachable();
      print.ok(`kubeconfig with ${words.token} reaches ${kube.server} (${gitVersion})`);
    } finally {
      kube.close();
    }

    const app: DeploymentConfigInput = {
      appName: 'shop-web',
      environment: 'production',
      cloudProvider: chain.cloud,
      image: 'registry.example.com/shop-web:1.0.0',
      replicas: 2,
      networking: { port: 8080, serviceType: 'ClusterIP' },
      kubernetes: { clusterName: cluster.name, namespace: 'shop' },
      probes: { readiness: { path: '/readyz', port: 8080 }, liveness: { path: '/livez', port: 8080 } },
    };
    const deployed = await new ZeroDowntimeDeployment().deploy(app, { kubeconfig, timeoutMs: 60_000, rollout: { minReadySeconds: 0, podCheckIntervalMs: 200 } });
    if (deployed.status !== 'succeeded') throw new Error(`deploy ${deployed.status}: ${deployed.failure?.step ?? ''} ${deployed.failure?.reason ?? ''}`);
    print.ok(`ZeroDowntimeDeployment with the ${chain.product} kubeconfig: shop-web revision ${deployed.revision ?? '?'} (${deployed.manifests.map((m) => m.kind).join(', ')})`);

    const lb = await provider.createLoadBalancer({ ...chain.loadBalancer, clusterName: cluster.name } as LoadBalancerConfigInput);
    print.ok(`${words.loadBalancer} address: ${lb.endpoint}`);

    const ref = await provider.storeSecret({ name: 'shop-demo/db', values: { user: 'shop', password: 'demo-only' }, tags: { app: 'shop' } });
    const values = await provider.retrieveSecret('shop-demo/db');
    print.ok(`${words.secrets}: stored ${ref.name} as ${ref.id} (${Object.keys(values).length} keys), read back`);
    await provider.deleteSecret('shop-demo/db', { force: true });

    await provider.deleteLoadBalancer({ clusterName: cluster.name, name: chain.loadBalancer.name, namespace: chain.loadBalancer.namespace ?? 'default' });
    await provider.deleteCluster(cluster.name, { onProgress, timeoutMs });
    print.ok(`deleted the load balancer, ${words.deleted}`);
    if (target.inventory) {
      const left = Object.entries(target.inventory() as Record<string, readonly string[]>).filter(([, v]) => v.length > 0);
      if (left.length === 0) print.ok('the emulator holds nothing any more');
      else print.bad(`left behind: ${left.map(([k, v]) => `${k}=${v.join(',')}`).join('; ')}`);
    }
  } finally {
    await provider?.close();
    await target.close();
  }
}

/** The demo cluster: two pools, one tainted for batch work; each cloud names its own machine types. */
export function demoCluster(version: string, general: string, batch: string): ClusterConfigInput {
  return {
    name: 'shop-demo',
    version,
    nodePools: [
      { name: 'general', instanceType: general, minNodes: 2, desiredNodes: 2, maxNodes: 4, diskSizeGb: 64 },
      { name: 'batch', instanceType: batch, minNodes: 0, desiredNodes: 1, maxNodes: 3, taints: [{ key: 'workload', value: 'batch', effect: 'NoSchedule' }] },
    ],
    tags: { app: 'shop', env: 'demo' },
  };
}

/** Sets environment lines for the rest of the process, as sourcing a `gati-emulator --env-file` would; the returned function restores them. */
export function applyEnv(lines: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(lines).map((k) => [k, process.env[k]]));
  Object.assign(process.env, lines);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
