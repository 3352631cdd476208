import * as grpc from '@grpc/grpc-js';
import { ClusterManagerClient } from '@google-cloud/container';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { noopLogger } from '@gati-framework/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '../common/certificates.js';
import { RequestLog } from '../common/request-log.js';
import { gcpEmulatorModule } from './module.js';
import { crc32c } from '@aws-crypto/crc32c';
import { GcpEmulator, googleAuthClient } from './index.js';

let gcp: GcpEmulator;
const P = 'gati-emulator';
const L = 'europe-west1';

beforeEach(async () => {
  gcp = await GcpEmulator.start({ timings: { clusterCreateMs: 600, clusterDeleteMs: 50, nodePoolCreateMs: 300, nodePoolDeleteMs: 50, clusterUpdateMs: 300 } });
});
afterEach(() => gcp.close());

/** A TLS channel trusting the emulator's CA; the token goes per call (below) so tests can vary it. */
function grpcOptions(ca = gcp.caPem) {
  return { apiEndpoint: gcp.grpcHost, port: gcp.grpcPort, sslCreds: grpc.credentials.createSsl(Buffer.from(ca)), authClient: googleAuthClient(gcp.accessToken), grpc };
}
function withToken(token = gcp.accessToken) {
  return { otherArgs: { headers: { authorization: `Bearer ${token}` } } };
}

async function codeOf(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: number }).code;
  }
  throw new Error('expected the call to fail');
}

describe('the gRPC transport serves the same state as REST', () => {
  it('ClusterManager: creates a cluster seen over REST, adds a node pool, answers busy and not-found with gRPC codes, deletes it', async () => {
    const client = new ClusterManagerClient(grpcOptions());
    const parent = `projects/${P}/locations/${L}`;
    const [op] = await client.createCluster({ parent, cluster: { name: 'shop', initialNodeCount: 1, resourceLabels: { 'managed-by': 'gati' } } }, withToken());
    expect(op).toMatchObject({ operationType: 'CREATE_CLUSTER', status: 'RUNNING' });
    let cluster = (await client.getCluster({ name: `${parent}/clusters/shop` }, withToken()))[0];
    expect(cluster.status).toBe('PROVISIONING');
    // Busy: a second operation on the cluster is refused while the first runs.
    expect(await codeOf(client.deleteCluster({ name: `${parent}/clusters/shop` }, withToken()))).toBe(grpc.status.FAILED_PRECONDITION);
    for (let i = 0; i < 100 && (await client.getOperation({ name: `${parent}/operations/${op.name}` }, withToken()))[0].status !== 'DONE'; i++) await new Promise((r) => setTimeout(r, 20));
    cluster = (await client.getCluster({ name: `${parent}/clusters/shop` }, withToken()))[0];
    expect(cluster).toMatchObject({ name: 'shop', status: 'RUNNING', resourceLabels: { 'managed-by': 'gati' } });
    expect(cluster.masterAuth?.clusterCaCertificate).toBeTruthy();

    const rest = await fetch(`${gcp.endpoint}/v1/${parent}/clusters/shop`, { headers: { authorization: `Bearer ${gcp.accessToken}` } });
    expect(((await rest.json()) as { status: string }).status).toBe('RUNNING');

    await client.createNodePool({ parent: `${parent}/clusters/shop`, nodePool: { name: 'web', initialNodeCount: 2, autoscaling: { enabled: true, minNodeCount: 1, maxNodeCount: 3 } } }, withToken());
    expect((await client.getCluster({ name: `${parent}/clusters/shop` }, withToken()))[0].status).toBe('RECONCILING');
    const [pools] = await client.listNodePools({ parent: `${parent}/clusters/shop` }, withToken());
    expect(pools.nodePools?.map((p) => p.name)).toEqual(['default-pool', 'web']);
    await new Promise((r) => setTimeout(r, 350));
    expect((await client.getCluster({ name: `${parent}/clusters/shop` }, withToken()))[0].status).toBe('RUNNING');

    const [scaling] = await client.setNodePoolAutoscaling({ name: `${parent}/clusters/shop/nodePools/web`, autoscaling: { enabled: true, minNodeCount: 2, maxNodeCount: 5 } }, withToken());
    expect(scaling.operationType).toBe('UPDATE_CLUSTER');
    expect((await client.getCluster({ name: `${parent}/clusters/shop` }, withToken()))[0].status).toBe('RECONCILING');
    expect((await client.getNodePool({ name: `${parent}/clusters/shop/nodePools/web` }, withToken()))[0].autoscaling).toMatchObject({ enabled: true, minNodeCount: 2, maxNodeCount: 5 });
    await new Promise((r) => setTimeout(r, 350));
    await client.updateCluster({ name: `${parent}/clusters/shop`, update: { desiredReleaseChannel: { channel: 'STABLE' } } }, withToken());
    expect((await client.getCluster({ name: `${parent}/clusters/shop` }, withToken()))[0].releaseChannel?.channel).toBe('STABLE');
    await new Promise((r) => setTimeout(r, 350));
    expect(await codeOf(client.getCluster({ name: `${parent}/clusters/nope` }, withToken()))).toBe(grpc.status.NOT_FOUND);
    await client.deleteCluster({ name: `${parent}/clusters/shop` }, withToken());
    expect((await client.getCluster({ name: `${parent}/clusters/shop` }, withToken()))[0].status).toBe('STOPPING');
    await client.close();
  });

  it('SecretManagerService: a version added over gRPC is read over REST and back, with its CRC32C', async () => {
    const client = new SecretManagerServiceClient(grpcOptions());
    await client.createSecret({ parent: `projects/${P}`, secretId: 'db', secret: { replication: { automatic: {} }, labels: { 'managed-by': 'gati' } } }, withToken());
    const data = Buffer.from('over-grpc');
    await client.addSecretVersion({ parent: `projects/${P}/secrets/db`, payload: { data, dataCrc32c: crc32c(data) } }, withToken());
    expect(await codeOf(client.addSecretVersion({ parent: `projects/${P}/secrets/db`, payload: { data, dataCrc32c: 1 } }, withToken()))).toBe(grpc.status.INVALID_ARGUMENT);
    const rest = (await (await fetch(`${gcp.endpoint}/v1/projects/${P}/secrets/db/versions/latest:access`, { headers: { authorization: `Bearer ${gcp.accessToken}` } })).json()) as { payload: { data: string; dataCrc32c: string } };
    expect(Buffer.from(rest.payload.data, 'base64').toString()).toBe('over-grpc');
    expect(rest.payload.dataCrc32c).toBe(String(crc32c(data)));
    const [access] = await client.accessSecretVersion({ name: `projects/${P}/secrets/db/versions/latest` }, withToken());
    expect(Buffer.from(access.payload?.data as Uint8Array).toString()).toBe('over-grpc');
    expect(String(access.payload?.dataCrc32c)).toBe(String(crc32c(data)));
    expect(await codeOf(client.createSecret({ parent: `projects/${P}`, secretId: 'db', secret: { replication: { automatic: {} } } }, withToken()))).toBe(grpc.status.ALREADY_EXISTS);
    await client.close();
  });

  it('refuses calls without an issued token (UNAUTHENTICATED) or for another project (PERMISSION_DENIED), and renders faults as gRPC statuses', async () => {
    const client = new SecretManagerServiceClient(grpcOptions());
    const parent = { parent: `projects/${P}` };
    expect(await codeOf(client.listSecrets(parent, { ...withToken('ya29.not-issued'), autoPaginate: false, retry: null }))).toBe(grpc.status.UNAUTHENTICATED);
    expect(await codeOf(client.listSecrets(parent, { otherArgs: {}, autoPaginate: false }))).toBe(grpc.status.UNAUTHENTICATED);
    expect(await codeOf(client.listSecrets(parent, { ...withToken(gcp.issueAccessToken('other')), autoPaginate: false }))).toBe(grpc.status.PERMISSION_DENIED);
    gcp.faults.addRule({ match: /secretmanager:ListSecrets/, error: 'Throttle', times: 1 });
    expect(await codeOf(client.listSecrets(parent, { ...withToken(), autoPaginate: false, retry: null }))).toBe(grpc.status.RESOURCE_EXHAUSTED);
    gcp.faults.addRule({ match: /secretmanager:GetSecret$/, error: 'ServerError', times: 1 });
    expect(await codeOf(client.getSecret({ name: `projects/${P}/secrets/none` }, { ...withToken(), retry: null }))).toBe(grpc.status.UNAVAILABLE);
    gcp.faults.addRule({ match: /secretmanager:CreateSecret/, error: 'LostResponse', times: 1 });
    expect(await codeOf(client.createSecret({ ...parent, secretId: 'lost', secret: { replication: { automatic: {} } } }, { ...withToken(), retry: null }))).toBe(grpc.status.UNAVAILABLE);
    // The lost answer's work was done.
    expect(gcp.inventory().secrets).toEqual([`projects/${P}/secrets/lost`]);
    expect(gcp.requests({ service: 'gcp:secretmanager' }).map((e) => e.operation)).toContain('CreateSecret');
    await client.close();
  });

  it('speaks TLS only: the certificate is the CA\'s for 127.0.0.1, a client trusting another CA or none gets no answer', async () => {
    expect(gcp.grpcEndpoint).toBe(`127.0.0.1:${gcp.grpcPort}`);
    expect(gcp.grpcUrl).toBe(`https://127.0.0.1:${gcp.grpcPort}`);
    const other = await GcpEmulator.start();
    try {
      const distrusting = new SecretManagerServiceClient(grpcOptions(other.caPem));
      expect(await codeOf(distrusting.listSecrets({ parent: `projects/${P}` }, { ...withToken(), autoPaginate: false, retry: null, timeout: 5000 }))).toBe(grpc.status.UNAVAILABLE);
      await distrusting.close();
      const plaintext = new SecretManagerServiceClient({ ...grpcOptions(), sslCreds: grpc.credentials.createInsecure() });
      expect(await codeOf(plaintext.listSecrets({ parent: `projects/${P}` }, { ...withToken(), autoPaginate: false, retry: null, timeout: 5000 }))).toBe(grpc.status.UNAVAILABLE);
      await plaintext.close();
    } finally {
      await other.close();
    }
    expect(gcp.inventory().secrets).toEqual([]);
  });

  it('as a gati-emulator module, the gRPC endpoint it prints is signed by the kit CA (the file the CLI writes as GATI_EMULATOR_CA_FILE)', async () => {
    const ca = createCertificateAuthority();
    const running = await gcpEmulatorModule.start({ host: '127.0.0.1', ca, requestLog: new RequestLog(), logger: noopLogger }, {});
    try {
      const url = running.endpoints().find((e) => e.name === 'gcp grpc')?.url ?? '';
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const token = running.env?.({ artifacts: {} })['CLOUDSDK_AUTH_ACCESS_TOKEN'] ?? '';
      const client = new SecretManagerServiceClient({ ...grpcOptions(ca.caPem), port: Number(new URL(url).port) });
      const [secrets] = await client.listSecrets({ parent: `projects/${P}` }, { ...withToken(token), autoPaginate: false });
      expect(secrets).toEqual([]);
      await client.close();
    } finally {
      await running.close();
    }
  });
});
