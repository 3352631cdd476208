import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AzureEmulator } from '@gati-framework/cloud-emulator/azure';
import type { ProgressEvent } from '@gati-framework/core';
import { expectGatiError } from '@gati-framework/core/testing';
import { KubeClient } from '@gati-framework/kubernetes';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AKS_SERVER_APP_ID, AzureCloudProvider } from '../index.js';
import { providerConfig, startEmulator } from '../../test/emulator.js';

const run = promisify(execFile);
const hasKubectl = await run('kubectl', ['version', '--client']).then(
  () => true,
  () => false,
);
if (!hasKubectl) console.warn('[cloud-azure] kubectl not found: the kubectl part of the AKS kubeconfig test is SKIPPED (apt-get install kubectl)');

// A stand-in for kubelogin: insists on `get-token --server-id <AKS app>` and a --login mode, prints the ExecCredential kubectl expects.
const kubelogin = `#!/bin/sh
case " $* " in *" get-token "*"--server-id ${AKS_SERVER_APP_ID} "*"--login "*) ;; *) echo "unexpected arguments: $*" >&2; exit 2;; esac
printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"%s"}}' "$STAND_IN_TOKEN"
`;

let emu: AzureEmulator;
let provider: AzureCloudProvider;
let dir: string;
const pools = [{ name: 'apps', instanceType: 'Standard_D2s_v5', minNodes: 1, desiredNodes: 1, maxNodes: 2 }];

interface Kubeconfig {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { token?: string; exec?: { command: string; args: string[] } } }[];
}

/** The emulated Kubernetes API of a cluster (keyed by the emulator's own cluster key). */
function api(name: string): ReturnType<AzureEmulator['pool']['api']> {
  const key = emu.pool.names().find((k) => k.toLowerCase().endsWith(`/${name}`) || k.toLowerCase().includes(name));
  return key ? emu.pool.api(key) : undefined;
}

beforeAll(async () => {
  emu = await startEmulator();
  provider = new AzureCloudProvider();
  await provider.initialize(providerConfig(emu, { azure: { applicationRouting: true } }));
  await provider.createCluster({ name: 'kube-a', version: '1.31', nodePools: pools });
  await provider.createCluster({ name: 'kube-b', version: '1.31', nodePools: pools });
  dir = mkdtempSync(join(tmpdir(), 'gati-azure-'));
  writeFileSync(join(dir, 'kubelogin'), kubelogin);
  chmodSync(join(dir, 'kubelogin'), 0o755);
}, 60_000);
afterAll(async () => {
  await provider?.close();
  await emu?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('AKS kubeconfigs from listClusterUserCredential', () => {
  it('default: kubelogin exec for the AKS server app (login azurecli), never an embedded credential', async () => {
    const kc = parse(await provider.getKubeconfig('kube-a')) as Kubeconfig;
    const user = kc.users[0]?.user;
    expect(user?.token).toBeUndefined();
    expect(user?.exec?.command).toBe('kubelogin');
    expect(user?.exec?.args).toEqual(expect.arrayContaining(['get-token', '--server-id', AKS_SERVER_APP_ID, '--login', 'azurecli']));
    expect(kc.clusters[0]?.cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    // Admin credentials are never asked for (they fail with local accounts disabled).
    expect(emu.requests().filter((r) => /listClusterAdminCredential/i.test(r.path))).toEqual([]);
  });

  it.skipIf(!hasKubectl)('kubectl works with the exec kubeconfig through kubelogin, and is refused with a Resource Manager token', async () => {
    const file = join(dir, 'kubeconfig-exec');
    writeFileSync(file, await provider.getKubeconfig('kube-a'), { mode: 0o600 });
    const kubectl = (token: string): Promise<{ stdout: string }> =>
      run('kubectl', ['--kubeconfig', file, 'get', 'namespaces', '-o', 'name'], { env: { PATH: `${dir}:${process.env['PATH'] ?? ''}`, HOME: dir, STAND_IN_TOKEN: token } });
    expect((await kubectl(emu.issueToken(`${AKS_SERVER_APP_ID}/.default`).token)).stdout).toContain('namespace/default');
    await expect(kubectl(emu.issueToken('https://management.azure.com/.default').token)).rejects.toMatchObject({ stderr: expect.stringMatching(/Unauthorized|must be logged in/i) });
  });

  it.skipIf(!hasKubectl)('kubectl applies and reads objects with the token kubeconfig', async () => {
    const file = join(dir, 'kubeconfig-token');
    writeFileSync(file, await provider.getKubeconfig('kube-a', { auth: 'token' }), { mode: 0o600 });
    const manifest = join(dir, 'cm.yaml');
    writeFileSync(manifest, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop-settings\n  namespace: default\ndata:\n  mode: production\n');
    await run('kubectl', ['--kubeconfig', file, 'apply', '--server-side', '-f', manifest]);
    const { stdout } = await run('kubectl', ['--kubeconfig', file, 'get', 'configmap', 'shop-settings', '-o', 'json']);
    expect((JSON.parse(stdout) as { data: Record<string, string> }).data).toEqual({ mode: 'production' });
    expect(api('kube-b')?.getObject('ConfigMap', 'default', 'shop-settings')).toBeUndefined();
  });

  it('auth token: an in-process Entra token for the AKS app drives @gati-framework/kubernetes, and a deployment rolls out', async () => {
    const kc = parse(await provider.getKubeconfig('kube-a', { auth: 'token' })) as Kubeconfig;
    const token = kc.users[0]?.user.token ?? '';
    expect(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString())).toMatchObject({ aud: AKS_SERVER_APP_ID });
    const kube = KubeClient.fromKubeconfig(await provider.getKubeconfig('kube-a', { auth: 'token' }));
    try {
      await kube.apply([
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'default' },
          spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
        },
      ]);
      const rollout = await kube.rolloutStatus('web', { timeoutMs: 20_000 });
      expect(rollout.revision).toBeGreaterThanOrEqual(1);
    } finally {
      kube.close();
    }
  }, 30_000);

  it('a kubeconfig for a missing cluster is NOT_FOUND', async () => {
    await expectGatiError(provider.getKubeconfig('ghost'), 'NOT_FOUND');
  });
});

describe('load balancers through Kubernetes on AKS', () => {
  it('network: a Service of type LoadBalancer with the Azure annotations, and its address', async () => {
    const events: ProgressEvent[] = [];
    const info = await provider.createLoadBalancer(
      { clusterName: 'kube-a', name: 'api-lb', type: 'network', scheme: 'internal', selector: { app: 'api' }, port: 443, targetPort: 8443, healthCheck: { path: '/healthz', intervalSeconds: 10, timeoutSeconds: 3 } },
      { onProgress: (e) => events.push(e), timeoutMs: 20_000 },
    );
    expect(info).toMatchObject({ name: 'api-lb', clusterName: 'kube-a', type: 'network', status: 'ACTIVE' });
    expect(info.endpoint).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(events[0]?.phase).toBe('started');
    expect(events.at(-1)?.phase).toBe('succeeded');
    const svc = api('kube-a')?.getObject('Service', 'default', 'api-lb') as { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> };
    expect(svc.spec).toMatchObject({ type: 'LoadBalancer', selector: { app: 'api' } });
    expect(svc.metadata.annotations).toMatchObject({
      'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
      'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path': '/healthz',
    });
    await provider.deleteLoadBalancer({ clusterName: 'kube-a', name: 'api-lb' });
    expect(api('kube-a')?.getObject('Service', 'default', 'api-lb')).toBeUndefined();
  }, 30_000);

  it('application: an Ingress of the application routing add-on class', async () => {
    const info = await provider.createLoadBalancer({ clusterName: 'kube-a', name: 'shop-web', type: 'application', selector: { app: 'shop' }, port: 80, targetPort: 8080 }, { timeoutMs: 20_000 });
    expect(info).toMatchObject({ type: 'application', status: 'ACTIVE' });
    const ingress = api('kube-a')?.getObject('Ingress', 'default', 'shop-web') as { spec: { ingressClassName: string } };
    expect(ingress.spec.ingressClassName).toBe('webapprouting.kubernetes.azure.com');
    await provider.deleteLoadBalancer({ clusterName: 'kube-a', name: 'shop-web' });
  }, 30_000);

  it('deleting both clusters leaves the inventory empty and stops their API servers', async () => {
    await provider.deleteCluster('kube-a');
    await provider.deleteCluster('kube-b');
    const inv = emu.inventory();
    expect([inv.resourceGroups, inv.virtualNetworks, inv.subnets, inv.managedClusters, inv.agentPools]).toEqual([[], [], [], [], []]);
    await new Promise((r) => setTimeout(r, 100));
    expect(emu.inventory().kubernetesApis).toEqual([]);
  }, 30_000);
});
