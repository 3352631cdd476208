import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gcloudEnv, prepareGcloudConfig, type GcpEmulator } from '@gati-framework/cloud-emulator/gcp';
import { KubeClient } from '@gati-framework/kubernetes';
import { describeKubernetesContract } from '@gati-framework/kubernetes/testing';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GCPCloudProvider } from '../index.js';
import { providerConfig, startEmulator, tokenClient } from '../../test/emulator.js';

const run = promisify(execFile);
const has = (command: string, args: string[]): Promise<boolean> => run(command, args).then(() => true, () => false);
const hasKubectl = await has('kubectl', ['version', '--client']);
const hasPlugin = await has('gke-gcloud-auth-plugin', ['--version']);
if (!hasKubectl) console.warn('[cloud-gcp] kubectl not found: the kubectl parts of the GKE kubeconfig tests are SKIPPED');
if (!hasPlugin) console.warn('[cloud-gcp] gke-gcloud-auth-plugin not found: the exec-user kubectl and KubeClient tests are SKIPPED');

let emu: GcpEmulator;
let provider: GCPCloudProvider;
let dir: string;
const location = 'europe-west1';

beforeAll(async () => {
  emu = await startEmulator();
  provider = new GCPCloudProvider();
  await provider.initialize(providerConfig(emu));
  dir = mkdtempSync(join(tmpdir(), 'gati-gcp-'));
}, 60_000);
afterAll(async () => {
  await provider.close();
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
  if (gcloudConfig) rmSync(gcloudConfig, { recursive: true, force: true });
});

type Kubeconfig = {
  'current-context': string;
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { token?: string; exec?: { command: string; apiVersion: string; provideClusterInfo: boolean } } }[];
};

/** What gke-gcloud-auth-plugin needs to mint from the emulator's token, offline (gcloud's own lines). */
let gcloudConfig: string | undefined;
const pluginEnv = (): Record<string, string> => {
  gcloudConfig ??= prepareGcloudConfig();
  return { ...gcloudEnv(emu.endpoint, emu.project, emu.accessToken, gcloudConfig), HOME: dir };
};

describe('GKE specifics: kubeconfig as gcloud writes it, external passthrough load balancer', () => {
  beforeAll(async () => {
    await provider.createCluster({ name: 'kube', version: '1.33', nodePools: [{ name: 'p', instanceType: 'e2-standard-2', minNodes: 1, desiredNodes: 1, maxNodes: 2 }] });
  }, 60_000);
  afterAll(async () => {
    await provider.deleteCluster('kube');
  }, 60_000);

  it('default: context gke_PROJECT_LOCATION_NAME, server and CA from the cluster, an exec user running gke-gcloud-auth-plugin', async () => {
    const kc = parse(await provider.getKubeconfig('kube')) as Kubeconfig;
    expect(kc['current-context']).toBe(`gke_${emu.project}_${location}_kube`);
    expect(kc.clusters[0]?.cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(Buffer.from(kc.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64').toString()).toContain('BEGIN CERTIFICATE');
    expect(kc.users[0]?.user.exec).toMatchObject({ command: 'gke-gcloud-auth-plugin', apiVersion: 'client.authentication.k8s.io/v1beta1', provideClusterInfo: true });
  });

  it('network, external: a backend-service-based passthrough load balancer (cloud.google.com/l4-rbs) and its address', async () => {
    const lb = await provider.createLoadBalancer({ clusterName: 'kube', name: 'web', type: 'network', port: 80, targetPort: 8080, selector: { app: 'web' } }, { timeoutMs: 20_000 });
    expect(lb).toMatchObject({ clusterName: 'kube', type: 'network', status: 'ACTIVE' });
    expect(lb.endpoint).toBeTruthy();
    const check = KubeClient.fromKubeconfig(await provider.getKubeconfig('kube', { auth: 'token' }));
    try {
      const service = await check.get({ apiVersion: 'v1', kind: 'Service', name: 'web', namespace: 'default' });
      expect(service?.metadata.annotations).toMatchObject({ 'cloud.google.com/l4-rbs': 'enabled' });
    } finally {
      check.close();
    }
    await provider.deleteLoadBalancer({ clusterName: 'kube', name: 'web', namespace: 'default' }, { timeoutMs: 20_000 });
  }, 60_000);

  it('a token of another project is refused by the cluster API', async () => {
    const other = new GCPCloudProvider();
    await other.initialize(providerConfig(emu, { authClient: tokenClient(emu.issueAccessToken('someone-else')) }));
    try {
      // The other project's token cannot even read this project's cluster.
      await expect(other.getKubeconfig('kube', { auth: 'token' })).rejects.toMatchObject({ code: expect.stringMatching(/PERMISSION_DENIED|UNAUTHENTICATED|NOT_FOUND/) });
    } finally {
      await other.close();
    }
  });

  it.skipIf(!hasKubectl || !hasPlugin)('kubectl reads the cluster through gke-gcloud-auth-plugin with CLOUDSDK_AUTH_ACCESS_TOKEN', async () => {
    const file = join(dir, 'exec');
    writeFileSync(file, await provider.getKubeconfig('kube'), { mode: 0o600 });
    const { stdout } = await run('kubectl', ['--kubeconfig', file, 'get', 'namespaces', '-o', 'name'], { env: { PATH: process.env['PATH'] ?? '', ...pluginEnv() } });
    expect(stdout).toContain('namespace/default');
  }, 30_000);
});

describeKubernetesContract({
  provider: () => provider,
  clusterConfig: (name) => ({ name, version: '1.33', nodePools: [{ name: 'p', instanceType: 'e2-standard-2', minNodes: 1, desiredNodes: 1, maxNodes: 2 }] }),
  execCommand: 'gke-gcloud-auth-plugin',
  ...(hasPlugin ? { execEnv: pluginEnv } : {}),
  networkAnnotations: { 'networking.gke.io/load-balancer-type': 'Internal' },
  application: { annotations: { 'kubernetes.io/ingress.class': 'gce' } },
  inventory: () => emu.inventory(),
});
