import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AzureEmulator } from '@gati-framework/cloud-emulator/azure';
import type { ProgressEvent } from '@gati-framework/core';
import { describeKubernetesContract } from '@gati-framework/kubernetes/testing';
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
  dir = mkdtempSync(join(tmpdir(), 'gati-azure-'));
  writeFileSync(join(dir, 'kubelogin'), kubelogin);
  chmodSync(join(dir, 'kubelogin'), 0o755);
}, 60_000);
afterAll(async () => {
  await provider?.close();
  await emu?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('AKS specifics: kubeconfigs from listClusterUserCredential, Azure load balancer annotations', () => {
  beforeAll(async () => {
    await provider.createCluster({ name: 'kube-x', version: '1.31', nodePools: pools });
  }, 60_000);
  afterAll(async () => {
    await provider.deleteCluster('kube-x');
  }, 60_000);

  it('default: kubelogin exec for the AKS server app (login azurecli), never an embedded credential', async () => {
    const kc = parse(await provider.getKubeconfig('kube-x')) as Kubeconfig;
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
    writeFileSync(file, await provider.getKubeconfig('kube-x'), { mode: 0o600 });
    const kubectl = (token: string): Promise<{ stdout: string }> =>
      run('kubectl', ['--kubeconfig', file, 'get', 'namespaces', '-o', 'name'], { env: { PATH: `${dir}:${process.env['PATH'] ?? ''}`, HOME: dir, STAND_IN_TOKEN: token } });
    expect((await kubectl(emu.issueToken(`${AKS_SERVER_APP_ID}/.default`).token)).stdout).toContain('namespace/default');
    await expect(kubectl(emu.issueToken('https://management.azure.com/.default').token)).rejects.toMatchObject({ stderr: expect.stringMatching(/Unauthorized|must be logged in/i) });
  });

  it('auth token: an in-process Entra token whose audience is the AKS server app', async () => {
    const kc = parse(await provider.getKubeconfig('kube-x', { auth: 'token' })) as Kubeconfig;
    const token = kc.users[0]?.user.token ?? '';
    expect(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString())).toMatchObject({ aud: AKS_SERVER_APP_ID });
  });

  it('network: the health probe settings and progress events of an Azure Load Balancer', async () => {
    const events: ProgressEvent[] = [];
    const info = await provider.createLoadBalancer(
      { clusterName: 'kube-x', name: 'api-lb', type: 'network', selector: { app: 'api' }, port: 443, targetPort: 8443, healthCheck: { path: '/healthz', intervalSeconds: 10, timeoutSeconds: 3 } },
      { onProgress: (e) => events.push(e), timeoutMs: 20_000 },
    );
    expect(info.endpoint).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(events[0]?.phase).toBe('started');
    expect(events.at(-1)?.phase).toBe('succeeded');
    const svc = api('kube-x')?.getObject('Service', 'default', 'api-lb') as { metadata: { annotations: Record<string, string> } };
    expect(svc.metadata.annotations).toMatchObject({
      'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path': '/healthz',
      'service.beta.kubernetes.io/azure-load-balancer-health-probe-interval': '10',
    });
    expect(svc.metadata.annotations['service.beta.kubernetes.io/azure-load-balancer-internal']).toBeUndefined();
    await provider.deleteLoadBalancer({ clusterName: 'kube-x', name: 'api-lb' });
  }, 30_000);
});

describeKubernetesContract({
  provider: () => provider,
  clusterConfig: (name) => ({ name, version: '1.32', nodePools: pools }),
  execCommand: 'kubelogin',
  // The kubelogin stand-in, printing an Entra token for the AKS server app.
  execEnv: () => ({ PATH: `${dir}:${process.env['PATH'] ?? ''}`, STAND_IN_TOKEN: emu.issueToken(`${AKS_SERVER_APP_ID}/.default`).token }),
  networkAnnotations: { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true', 'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path': '/readyz' },
  application: { ingressClassName: 'webapprouting.kubernetes.azure.com' },
  inventory: () => emu.inventory(),
});
