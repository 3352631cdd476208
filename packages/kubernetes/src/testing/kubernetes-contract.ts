import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isGatiError, type ClusterConfigInput, type ICloudProvider } from '@gati-framework/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KubeClient } from '../client/kube-client.js';

/** What one cloud expects of its kubeconfigs and load balancers. */
export interface KubernetesContractOptions {
  /** An initialized provider (the suite closes nothing: the caller owns it). */
  provider: () => ICloudProvider;
  /** The config of a small cluster of that name; the suite creates two and deletes them at the end. */
  clusterConfig: (name: string) => ClusterConfigInput;
  /** The command of the default kubeconfig's exec user (`aws`, `gke-gcloud-auth-plugin`, `kubelogin`). */
  execCommand: string;
  /**
   * The environment under which that command works (e.g. `PATH` with the plugin or a stand-in, the
   * emulator's credentials), set only while the exec kubeconfig is used; the case is skipped without it.
   */
  execEnv?: () => Record<string, string> | Promise<Record<string, string>>;
  /** Annotations the cloud's internal network load balancer (health check on `/readyz`) must carry on its Service (a subset). */
  networkAnnotations: Record<string, string>;
  /** The Ingress the cloud's application load balancer is: its class and annotations (a subset). */
  application: { ingressClassName?: string; annotations?: Record<string, string> };
  /** The emulator's inventory once both clusters are deleted: every list in it must be empty. */
  inventory?: () => object;
  /** Per-test deadline. Default 60 s. */
  testTimeoutMs?: number;
}

const run = promisify(execFile);
const hasKubectl = await run('kubectl', ['version', '--client']).then(
  () => true,
  () => false,
);

type KubeconfigYaml = { users: { user: { token?: string; exec?: { command: string } } }[] };

/**
 * The Vitest suite each managed-Kubernetes provider runs against its emulator, through public APIs
 * only: both kubeconfig forms, a rollout through `KubeClient`, stock kubectl, both load balancer
 * kinds with the cloud's annotations, and a teardown that leaves nothing.
 */
export function describeKubernetesContract(options: KubernetesContractOptions): void {
  const timeout = options.testTimeoutMs ?? 60_000;
  const [a, b] = ['lb-contract-a', 'lb-contract-b'];
  const client = async (cluster: string): Promise<KubeClient> => KubeClient.fromKubeconfig(await options.provider().getKubeconfig(cluster, { auth: 'token' }));
  const withClient = async <T>(cluster: string, use: (kube: KubeClient) => Promise<T>): Promise<T> => {
    const kube = await client(cluster);
    try {
      return await use(kube);
    } finally {
      kube.close();
    }
  };

  describe('kubernetes contract: kubeconfigs and load balancers', () => {
    let dir = '';
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'gati-kube-contract-'));
      for (const name of [a, b]) await options.provider().createCluster(options.clusterConfig(name));
    }, timeout * 2);
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('the default kubeconfig runs the cloud\'s CLI plugin and embeds no credential', async () => {
      const kubeconfig = parse(await options.provider().getKubeconfig(a)) as KubeconfigYaml;
      expect(kubeconfig.users).toHaveLength(1);
      expect(kubeconfig.users[0]?.user.exec?.command).toBe(options.execCommand);
      expect(kubeconfig.users[0]?.user.token).toBeUndefined();
    }, timeout);

    it.skipIf(!options.execEnv)(`the default kubeconfig drives KubeClient through the exec plugin${options.execEnv ? '' : ' (skipped: no execEnv given)'}`, async () => {
      const env = (await options.execEnv?.()) ?? {};
      const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
      Object.assign(process.env, env);
      const kube = KubeClient.fromKubeconfig(await options.provider().getKubeconfig(a));
      try {
        const namespaces = await kube.list({ apiVersion: 'v1', kind: 'Namespace' });
        expect(namespaces.map((n) => n.metadata.name)).toContain('default');
      } finally {
        kube.close();
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    }, timeout);

    it('a token kubeconfig drives KubeClient: the API server runs the cluster\'s version, and a deployment rolls out', async () => {
      const { version } = await options.provider().getCluster(a);
      await withClient(a, async (kube) => {
        const { gitVersion } = await kube.waitUntilReachable();
        expect(gitVersion.startsWith(`v${version}`), `${gitVersion} runs Kubernetes ${version}`).toBe(true);
        await kube.apply([
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'web', namespace: 'default' },
            spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
          },
        ]);
        await expect(kube.rolloutStatus('web', { timeoutMs: timeout / 2 })).resolves.toMatchObject({ revision: 1 });
      });
    }, timeout);

    it.skipIf(!hasKubectl)(`stock kubectl applies and reads objects with the token kubeconfig; the other cluster does not see them${hasKubectl ? '' : ' (skipped: no kubectl on PATH)'}`, async () => {
      const file = join(dir, 'kubeconfig');
      writeFileSync(file, await options.provider().getKubeconfig(a, { auth: 'token' }), { mode: 0o600 });
      const manifest = join(dir, 'cm.yaml');
      writeFileSync(manifest, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop-settings\n  namespace: default\ndata:\n  mode: production\n');
      await run('kubectl', ['--kubeconfig', file, 'apply', '--server-side', '-f', manifest]);
      const { stdout } = await run('kubectl', ['--kubeconfig', file, 'get', 'configmap', 'shop-settings', '-o', 'json']);
      expect((JSON.parse(stdout) as { data: Record<string, string> }).data).toEqual({ mode: 'production' });
      await withClient(b, async (kube) => expect(await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'shop-settings', namespace: 'default' })).toBeUndefined());
    }, timeout);

    it('network, internal: a Service of type LoadBalancer with the cloud\'s annotations, its address, and gone after delete', async () => {
      const provider = options.provider();
      const info = await provider.createLoadBalancer({ clusterName: a, name: 'web-lb', type: 'network', scheme: 'internal', selector: { app: 'web' }, port: 80, targetPort: 8080, healthCheck: { path: '/readyz' } }, { timeoutMs: timeout / 2 });
      expect(info).toMatchObject({ clusterName: a, name: 'web-lb', namespace: 'default', type: 'network', status: 'ACTIVE' });
      expect(info.endpoint).toBeTruthy();
      const ref = { apiVersion: 'v1', kind: 'Service', name: 'web-lb', namespace: 'default' };
      await withClient(a, async (kube) => {
        const service = await kube.get(ref);
        expect(service?.['spec']).toMatchObject({ type: 'LoadBalancer', selector: { app: 'web' } });
        expect(service?.metadata.annotations).toMatchObject(options.networkAnnotations);
      });
      await provider.deleteLoadBalancer({ clusterName: a, name: 'web-lb' }, { timeoutMs: timeout / 2 });
      await withClient(a, async (kube) => expect(await kube.get(ref)).toBeUndefined());
    }, timeout);

    it('application: an Ingress of the cloud\'s class and annotations in front of a Service, its address, and gone after delete', async () => {
      const provider = options.provider();
      await withClient(a, (kube) => kube.apply([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 8080, targetPort: 8080 }] } }]));
      const info = await provider.createLoadBalancer({ clusterName: a, name: 'web-app', type: 'application', serviceName: 'web', port: 80, targetPort: 8080, healthCheck: { path: '/readyz' } }, { timeoutMs: timeout / 2 });
      expect(info).toMatchObject({ clusterName: a, type: 'application', status: 'ACTIVE' });
      expect(info.endpoint).toBeTruthy();
      const ref = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'web-app', namespace: 'default' };
      await withClient(a, async (kube) => {
        const ingress = await kube.get(ref);
        if (options.application.ingressClassName) expect(ingress?.['spec']).toMatchObject({ ingressClassName: options.application.ingressClassName });
        expect(ingress?.metadata.annotations ?? {}).toMatchObject(options.application.annotations ?? {});
      });
      await provider.deleteLoadBalancer({ clusterName: a, name: 'web-app' }, { timeoutMs: timeout / 2 });
      await withClient(a, async (kube) => {
        expect(await kube.get(ref)).toBeUndefined();
        expect(await kube.get({ apiVersion: 'v1', kind: 'Service', name: 'web', namespace: 'default' })).toBeDefined(); // the user's Service stays
      });
    }, timeout);

    it('a kubeconfig for a missing cluster is NOT_FOUND', async () => {
      const error = await options.provider().getKubeconfig('no-such-cluster').catch((e: unknown) => e);
      expect(isGatiError(error, 'NOT_FOUND')).toBe(true);
    }, timeout);

    it('deleting both clusters (a load balancer still up in one) leaves nothing behind', async () => {
      const provider = options.provider();
      await provider.createLoadBalancer({ clusterName: b, name: 'left-over', type: 'network', selector: { app: 'x' }, port: 80, targetPort: 80 }, { timeoutMs: timeout / 2 });
      for (const name of [a, b]) await provider.deleteCluster(name, { timeoutMs: timeout });
      const error = await provider.getCluster(a).catch((e: unknown) => e);
      expect(isGatiError(error, 'NOT_FOUND')).toBe(true);
      if (options.inventory) {
        const left = Object.entries(options.inventory()).filter(([, v]) => Array.isArray(v) && v.length > 0);
        expect(left).toEqual([]);
      }
    }, timeout * 2);
  });
}
