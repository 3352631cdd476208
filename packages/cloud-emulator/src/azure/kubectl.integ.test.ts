import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { ResourceManagementClient } from '@azure/arm-resources';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AKS_SERVER_APP_ID, AzureEmulator } from './index.js';

const run = promisify(execFile);
const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';
const hasKubectl = existsSync(KUBECTL);
if (!hasKubectl) console.warn(`[cloud-emulator] kubectl not found at ${KUBECTL}: the AKS kubeconfig + kubectl test is SKIPPED`);

// A stand-in for kubelogin: checks it was asked for an AKS token and prints the ExecCredential kubectl expects.
const kubelogin = `#!/bin/sh
case " $* " in *" get-token "*"--server-id ${AKS_SERVER_APP_ID} "*) ;; *) echo "unexpected arguments: $*" >&2; exit 2;; esac
printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"%s"}}' "$STAND_IN_TOKEN"
`;

let emulator: AzureEmulator;
let dir: string;

beforeAll(async () => {
  emulator = await AzureEmulator.start({ retryAfterSeconds: 0, timings: { clusterCreateMs: 50 } });
  dir = mkdtempSync(join(tmpdir(), 'gati-aks-kubectl-'));
  writeFileSync(join(dir, 'kubelogin'), kubelogin);
  chmodSync(join(dir, 'kubelogin'), 0o755);
});

afterAll(async () => {
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasKubectl)('Azure emulator: the AKS user kubeconfig drives kubectl through kubelogin', () => {
  it('accepts the token kubelogin hands over for the AKS server app, and refuses an ARM token', async () => {
    const options = { endpoint: emulator.armEndpoint, tlsOptions: { ca: emulator.caPem } };
    await new ResourceManagementClient(emulator.credential(), emulator.subscriptionId, { ...options, credentialScopes: ['https://management.azure.com/.default'] }).resourceGroups.createOrUpdate('kube', { location: 'westeurope' });
    const aks = new ContainerServiceClient(emulator.credential(), emulator.subscriptionId, options);
    await aks.managedClusters.createOrUpdate('kube', 'k1', { location: 'westeurope', aadProfile: { managed: true, enableAzureRbac: true }, disableLocalAccounts: true, agentPoolProfiles: [{ name: 'system', mode: 'System', count: 1 }] }, { updateIntervalInMs: 10 }).pollUntilDone();
    const credentials = await aks.managedClusters.listClusterUserCredentials('kube', 'k1');
    writeFileSync(join(dir, 'kubeconfig'), Buffer.from(credentials.kubeconfigs?.[0]?.value ?? new Uint8Array()));
    const kubectl = (token: string): Promise<{ stdout: string }> =>
      run(KUBECTL, ['get', 'namespaces', '-o', 'name'], { env: { PATH: `${dir}:${process.env['PATH'] ?? ''}`, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig'), STAND_IN_TOKEN: token } });
    const { stdout } = await kubectl(emulator.issueToken(`${AKS_SERVER_APP_ID}/.default`).token);
    expect(stdout).toContain('namespace/default');
    await expect(kubectl(emulator.issueToken('https://management.azure.com/.default').token)).rejects.toMatchObject({ stderr: expect.stringMatching(/Unauthorized|must be logged in/) });
  }, 30_000);
});
