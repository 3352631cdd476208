import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { noopLogger } from '@gati-framework/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '../common/certificates.js';
import type { RunningEmulator } from '../common/module.js';
import { RequestLog } from '../common/request-log.js';
import { gcpEmulatorModule } from './module.js';

const run = promisify(execFile);

function onPath(command: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

const missing = ['gcloud', 'gke-gcloud-auth-plugin', 'kubectl'].filter((c) => !onPath(c));
if (missing.length > 0) console.warn(`[cloud-emulator] ${missing.join(', ')} not on PATH: the gcloud acceptance test is SKIPPED (install google-cloud-cli with gke-gcloud-auth-plugin and kubectl)`);

describe.skipIf(missing.length > 0)('gcloud and kubectl against the GCP emulator, with only the lines its module prints', () => {
  const requestLog = new RequestLog();
  let running: RunningEmulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    running = await gcpEmulatorModule.start({ host: '127.0.0.1', ca: createCertificateAuthority(), requestLog, logger: noopLogger }, { 'gke-create-ms': '300', 'gke-delete-ms': '200' });
    dir = mkdtempSync(join(tmpdir(), 'gati-gcloud-test-'));
    env = {
      PATH: process.env['PATH'],
      HOME: dir,
      KUBECONFIG: join(dir, 'kubeconfig'),
      // A guard besides the endpoint overrides: anything gcloud would send elsewhere goes to a dead proxy.
      HTTPS_PROXY: 'http://127.0.0.1:9',
      HTTP_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1,localhost',
      ...running.env?.({ artifacts: {} }),
    };
  });
  afterAll(async () => {
    await running?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function gcloud(...args: string[]): Promise<string> {
    const { stdout } = await run('gcloud', args, { env, timeout: 30_000 });
    return stdout;
  }

  it('creates, lists, describes, gets credentials for (kubectl reaches the cluster), adds a node pool to and deletes a cluster', async () => {
    expect(env['CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(readFileSync(join(String(env['CLOUDSDK_CONFIG']), 'gce'), 'utf8')).toBe('False');

    await gcloud('container', 'clusters', 'create', 'shop', '--region', 'europe-west1', '--num-nodes', '1');
    const list = JSON.parse(await gcloud('container', 'clusters', 'list', '--format', 'json')) as { name: string; status: string; location: string }[];
    expect(list.map((c) => [c.name, c.location, c.status])).toEqual([['shop', 'europe-west1', 'RUNNING']]);
    const described = JSON.parse(await gcloud('container', 'clusters', 'describe', 'shop', '--region', 'europe-west1', '--format', 'json')) as { endpoint: string; currentNodeCount: number };
    expect(described.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(described.currentNodeCount).toBe(3); // one node in each of the region's three zones

    rmSync(String(env['KUBECONFIG']), { force: true });
    await gcloud('container', 'clusters', 'get-credentials', 'shop', '--region', 'europe-west1');
    const kubeconfig = readFileSync(String(env['KUBECONFIG']), 'utf8');
    expect(kubeconfig).toContain(`server: https://${described.endpoint}`);
    expect(kubeconfig).toContain('command: gke-gcloud-auth-plugin');
    expect(kubeconfig).toContain('gke_gati-emulator_europe-west1_shop');
    const { stdout: namespaces } = await run('kubectl', ['get', 'namespaces', '-o', 'name'], { env, timeout: 20_000 });
    expect(namespaces.split('\n')).toContain('namespace/default');
    expect(requestLog.entries({ service: 'kubernetes' }).some((e) => e.status === 200)).toBe(true);

    await gcloud('container', 'node-pools', 'create', 'web', '--cluster', 'shop', '--region', 'europe-west1', '--num-nodes', '2', '--machine-type', 'e2-standard-4');
    const pools = JSON.parse(await gcloud('container', 'node-pools', 'list', '--cluster', 'shop', '--region', 'europe-west1', '--format', 'json')) as { name: string; status: string; config: { machineType: string } }[];
    expect(pools.map((p) => [p.name, p.status, p.config.machineType])).toEqual([
      ['default-pool', 'RUNNING', 'e2-medium'],
      ['web', 'RUNNING', 'e2-standard-4'],
    ]);

    await gcloud('container', 'clusters', 'delete', 'shop', '--region', 'europe-west1', '--quiet');
    expect(JSON.parse(await gcloud('container', 'clusters', 'list', '--format', 'json'))).toEqual([]);
    const calls = requestLog.entries({ service: 'gcp:container' }).map((e) => e.operation);
    expect(calls).toEqual(expect.arrayContaining(['CreateCluster', 'GetOperation', 'GetCluster', 'ListClusters', 'CreateNodePool', 'ListNodePools', 'DeleteCluster']));
    // Nothing gcloud sent was refused by the emulator as unauthenticated.
    expect(requestLog.entries().filter((e) => e.status === 401)).toEqual([]);
  }, 60_000);

  it('creates, lists and deletes a custom-mode network, a subnetwork with secondary ranges and a router with Cloud NAT', async () => {
    expect(env['CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/compute\/v1\/$/);
    await gcloud('compute', 'networks', 'create', 'shop-vpc', '--subnet-mode', 'custom', '--description', 'managed-by=gati');
    await gcloud('compute', 'networks', 'subnets', 'create', 'shop-nodes', '--network', 'shop-vpc', '--region', 'europe-west1', '--range', '10.0.0.0/20', '--secondary-range', 'pods=10.4.0.0/14,services=10.8.0.0/20', '--enable-private-ip-google-access');
    await gcloud('compute', 'routers', 'create', 'shop-router', '--network', 'shop-vpc', '--region', 'europe-west1');
    await gcloud('compute', 'routers', 'nats', 'create', 'shop-nat', '--router', 'shop-router', '--region', 'europe-west1', '--auto-allocate-nat-external-ips', '--nat-all-subnet-ip-ranges');
    const networks = JSON.parse(await gcloud('compute', 'networks', 'list', '--format', 'json')) as { name: string; description: string }[];
    expect(networks.map((n) => [n.name, n.description])).toEqual([['shop-vpc', 'managed-by=gati']]);
    const subnet = JSON.parse(await gcloud('compute', 'networks', 'subnets', 'describe', 'shop-nodes', '--region', 'europe-west1', '--format', 'json')) as { secondaryIpRanges: { rangeName: string }[] };
    expect(subnet.secondaryIpRanges.map((r) => r.rangeName)).toEqual(['pods', 'services']);
    const router = JSON.parse(await gcloud('compute', 'routers', 'describe', 'shop-router', '--region', 'europe-west1', '--format', 'json')) as { nats: { name: string }[] };
    expect(router.nats.map((n) => n.name)).toEqual(['shop-nat']);
    await expect(gcloud('compute', 'networks', 'delete', 'shop-vpc', '--quiet')).rejects.toThrow(/already being used/);
    await gcloud('compute', 'routers', 'delete', 'shop-router', '--region', 'europe-west1', '--quiet');
    await gcloud('compute', 'networks', 'subnets', 'delete', 'shop-nodes', '--region', 'europe-west1', '--quiet');
    await gcloud('compute', 'networks', 'delete', 'shop-vpc', '--quiet');
    expect(JSON.parse(await gcloud('compute', 'networks', 'list', '--format', 'json'))).toEqual([]);
    expect(requestLog.entries().filter((e) => e.status === 401)).toEqual([]);
  }, 90_000);

  it('creates a secret, adds a version from a file and accesses the latest one (gcloud verifies its CRC32C)', async () => {
    expect(env['CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await gcloud('secrets', 'create', 'db-password', '--replication-policy', 'automatic', '--labels', 'managed-by=gati');
    const file = join(dir, 'value');
    writeFileSync(file, 'hunter2-from-a-file');
    await gcloud('secrets', 'versions', 'add', 'db-password', '--data-file', file);
    expect(await gcloud('secrets', 'versions', 'access', 'latest', '--secret', 'db-password')).toBe('hunter2-from-a-file');
    const listed = JSON.parse(await gcloud('secrets', 'list', '--format', 'json')) as { name: string; labels: Record<string, string> }[];
    expect(listed.map((s) => [s.name.split('/').pop(), s.labels])).toEqual([['db-password', { 'managed-by': 'gati' }]]);
    await gcloud('secrets', 'delete', 'db-password', '--quiet');
    expect(JSON.parse(await gcloud('secrets', 'list', '--format', 'json'))).toEqual([]);
    expect(requestLog.entries().filter((e) => e.status === 401)).toEqual([]);
  }, 60_000);
});
