import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AwsEmulator } from '@gati-framework/cloud-emulator/aws';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWSCloudProvider, mintEksToken } from '../index.js';
import { credentials, providerConfig, startEmulator } from '../../test/emulator.js';

const run = promisify(execFile);
const hasKubectl = await run('kubectl', ['version', '--client']).then(
  () => true,
  () => false,
);
if (!hasKubectl) console.warn('[cloud-aws] kubectl not found: the kubectl part of the EKS kubeconfig test is SKIPPED (apt-get install kubectl)');

let emu: AwsEmulator;
let provider: AWSCloudProvider;
let dir: string;
const pools = [{ name: 'p', instanceType: 't3.large', minNodes: 1, desiredNodes: 1, maxNodes: 2 }];

/** GET on the cluster's API with a bearer token; returns the HTTP status. */
function apiStatus(server: string, caPem: string, token: string, path = '/api/v1/namespaces'): Promise<number> {
  return new Promise((resolve, reject) => {
    request(`${server}${path}`, { ca: caPem, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

beforeAll(async () => {
  emu = await startEmulator({ kubernetes: true });
  provider = new AWSCloudProvider();
  await provider.initialize(providerConfig(emu));
  await provider.createCluster({ name: 'kube-a', version: '1.31', nodePools: pools });
  await provider.createCluster({ name: 'kube-b', version: '1.31', nodePools: pools });
  dir = mkdtempSync(join(tmpdir(), 'gati-aws-'));
});
afterAll(async () => {
  await provider.deleteCluster('kube-a');
  await provider.deleteCluster('kube-b');
  await provider.close();
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('EKS clusters expose a Kubernetes API that accepts only their own tokens', () => {
  it('the cluster endpoint and CA come from the cluster API; a minted token is accepted there and refused elsewhere', async () => {
    const kc = parse(await provider.getKubeconfig('kube-a', { auth: 'token' })) as {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
      users: { user: { token: string } }[];
    };
    const server = kc.clusters[0]?.cluster.server ?? '';
    const ca = Buffer.from(kc.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64').toString();
    expect(server).toBe(emu.kubernetes?.api('kube-a')?.url);
    const token = kc.users[0]?.user.token ?? '';
    expect(await apiStatus(server, ca, token)).toBe(200);
    const tokenB = (await provider.getToken('kube-b')).token;
    expect(await apiStatus(server, ca, tokenB)).toBe(401);
    const expired = await mintEksToken({ clusterName: 'kube-a', region: 'us-east-1', credentials, signingDate: new Date(Date.now() - 20 * 60_000) });
    expect(await apiStatus(server, ca, expired.token)).toBe(401);
    const forged = await mintEksToken({ clusterName: 'kube-a', region: 'us-east-1', credentials: { ...credentials, secretAccessKey: 'guessed' } });
    expect(await apiStatus(server, ca, forged.token)).toBe(401);
  });

  it.skipIf(!hasKubectl)('stock kubectl applies and reads objects with the token kubeconfig, and is refused with another cluster’s token', async () => {
    const file = join(dir, 'kubeconfig-a');
    writeFileSync(file, await provider.getKubeconfig('kube-a', { auth: 'token' }), { mode: 0o600 });
    const manifest = join(dir, 'cm.yaml');
    writeFileSync(manifest, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop-settings\n  namespace: default\ndata:\n  mode: production\n');
    await run('kubectl', ['--kubeconfig', file, 'apply', '--server-side', '-f', manifest]);
    const { stdout } = await run('kubectl', ['--kubeconfig', file, 'get', 'configmap', 'shop-settings', '-o', 'json']);
    expect((JSON.parse(stdout) as { data: Record<string, string> }).data).toEqual({ mode: 'production' });
    expect(emu.kubernetes?.api('kube-b')?.getObject('ConfigMap', 'default', 'shop-settings')).toBeUndefined();

    const wrong = parse(await provider.getKubeconfig('kube-a', { auth: 'token' })) as { users: { user: { token: string } }[] };
    const first = wrong.users[0];
    if (first) first.user.token = (await provider.getToken('kube-b')).token;
    const wrongFile = join(dir, 'kubeconfig-wrong');
    const { stringify } = await import('yaml');
    writeFileSync(wrongFile, stringify(wrong), { mode: 0o600 });
    await expect(run('kubectl', ['--kubeconfig', wrongFile, 'get', 'configmaps'])).rejects.toMatchObject({ stderr: expect.stringMatching(/Unauthorized|must be logged in/i) });
  });
});
