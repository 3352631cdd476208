import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crc32c } from '@aws-crypto/crc32c';
import { GcpEmulator, googleAuthClient } from './index.js';

let gcp: GcpEmulator;
const P = 'gati-emulator';

beforeEach(async () => {
  gcp = await GcpEmulator.start();
});
afterEach(() => gcp.close());

function restClient(token = gcp.accessToken): SecretManagerServiceClient {
  return new SecretManagerServiceClient({ apiEndpoint: '127.0.0.1', port: Number(new URL(gcp.endpoint).port), protocol: 'http', fallback: 'rest', authClient: googleAuthClient(token) });
}

/** The error's gRPC code (gax maps REST statuses to them when the auth client's fetch is not gaxios). */
async function codeOf(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: number }).code;
  }
  throw new Error('expected the call to fail');
}

describe('Secret Manager v1 over REST through @google-cloud/secret-manager', () => {
  it('creates a secret, adds checksummed versions, accesses latest, disables, enables, destroys and deletes', async () => {
    const client = restClient();
    const [secret] = await client.createSecret({ parent: `projects/${P}`, secretId: 'app_db-password', secret: { replication: { automatic: {} }, labels: { 'managed-by': 'gati' } } });
    expect(secret.name).toMatch(/^projects\/\d+\/secrets\/app_db-password$/);
    expect(secret.labels).toEqual({ 'managed-by': 'gati' });
    expect(await codeOf(client.createSecret({ parent: `projects/${P}`, secretId: 'app_db-password', secret: { replication: { automatic: {} } } }))).toBe(6);
    expect(await codeOf(client.createSecret({ parent: `projects/${P}`, secretId: 'app.db/password', secret: { replication: { automatic: {} } } }))).toBe(3);

    const name = `projects/${P}/secrets/app_db-password`;
    const one = Buffer.from('s3cret-1');
    const [v1] = await client.addSecretVersion({ parent: name, payload: { data: one, dataCrc32c: crc32c(one) } });
    expect(v1).toMatchObject({ state: 'ENABLED', clientSpecifiedPayloadChecksum: true });
    expect(v1.name).toMatch(/\/versions\/1$/);
    expect(await codeOf(client.addSecretVersion({ parent: name, payload: { data: Buffer.from('x'), dataCrc32c: 12345 } }))).toBe(3);
    const two = Buffer.from('s3cret-2');
    await client.addSecretVersion({ parent: name, payload: { data: two } });

    const [latest] = await client.accessSecretVersion({ name: `${name}/versions/latest` });
    expect(Buffer.from(latest.payload?.data as Uint8Array).toString()).toBe('s3cret-2');
    expect(String(latest.payload?.dataCrc32c)).toBe(String(crc32c(two)));
    expect(latest.name).toMatch(/\/versions\/2$/);

    await client.disableSecretVersion({ name: `${name}/versions/1` });
    expect(await codeOf(client.accessSecretVersion({ name: `${name}/versions/1` }))).toBe(9);
    await client.enableSecretVersion({ name: `${name}/versions/1` });
    expect(Buffer.from((await client.accessSecretVersion({ name: `${name}/versions/1` }))[0].payload?.data as Uint8Array).toString()).toBe('s3cret-1');
    await client.destroySecretVersion({ name: `${name}/versions/1` });
    expect(await codeOf(client.accessSecretVersion({ name: `${name}/versions/1` }))).toBe(9);
    const [versions] = await client.listSecretVersions({ parent: name });
    expect(versions.map((v) => [v.name?.split('/').pop(), v.state])).toEqual([
      ['2', 'ENABLED'],
      ['1', 'DESTROYED'],
    ]);

    const [patched] = await client.updateSecret({ secret: { name, labels: { 'managed-by': 'gati', env: 'prod' } }, updateMask: { paths: ['labels'] } });
    expect(patched.labels).toEqual({ 'managed-by': 'gati', env: 'prod' });
    const [listed] = await client.listSecrets({ parent: `projects/${P}` });
    expect(listed.map((s) => s.name?.split('/').pop())).toEqual(['app_db-password']);
    expect((await client.listSecrets({ parent: `projects/${P}`, filter: 'labels.managed-by=gati' }))[0]).toHaveLength(1);
    expect((await client.listSecrets({ parent: `projects/${P}`, filter: 'labels.managed-by=other' }))[0]).toHaveLength(0);
    expect(gcp.inventory().secrets).toEqual([`projects/${P}/secrets/app_db-password`]);

    await client.deleteSecret({ name });
    expect(await codeOf(client.getSecret({ name }))).toBe(5);
    expect(gcp.inventory().secrets).toEqual([]);
    await client.close();
  });

  it('keeps user-managed replicas, and refuses a token it did not issue or one for another project', async () => {
    const client = restClient();
    const [secret] = await client.createSecret({ parent: `projects/${P}`, secretId: 'eu', secret: { replication: { userManaged: { replicas: [{ location: 'europe-west1' }, { location: 'europe-west4' }] } } } });
    expect(secret.replication?.userManaged?.replicas?.map((r) => r.location)).toEqual(['europe-west1', 'europe-west4']);
    expect(await codeOf(restClient('ya29.not-issued').getSecret({ name: `projects/${P}/secrets/eu` }))).toBe(16);
    expect(await codeOf(restClient(gcp.issueAccessToken('other-project')).getSecret({ name: `projects/${P}/secrets/eu` }))).toBe(7);
    await client.close();
  });
});
