import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AwsEmulator } from '@gati-framework/cloud-emulator/aws';
import { createCloudProvider } from '@gati-framework/core';
import { expectGatiError } from '@gati-framework/core/testing';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWSCloudProvider, mintEksToken } from '../index.js';
import { credentials, providerConfig, startEmulator } from '../../test/emulator.js';

let emu: AwsEmulator;
let provider: AWSCloudProvider;
beforeAll(async () => {
  emu = await startEmulator();
  provider = new AWSCloudProvider();
  await provider.initialize(providerConfig(emu));
});
afterAll(async () => {
  await provider.close();
  await emu.close();
});

describe('Secrets Manager semantics', () => {
  it('store creates then updates, applying tags either way; retrieve returns the map', async () => {
    const first = await provider.storeSecret({ name: 'shop/db', values: { user: 'app', password: 'p@ss' }, tags: { team: 'shop' } });
    expect(first.id).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:shop\/db-/);
    const second = await provider.storeSecret({ name: 'shop/db', values: { user: 'app', password: 'rotated' }, tags: { rotated: 'yes' } });
    expect(second.id).toBe(first.id);
    expect(second.version).not.toBe(first.version);
    expect(await provider.retrieveSecret('shop/db')).toEqual({ user: 'app', password: 'rotated' });
    expect(emu.secretsManager.secrets.get('shop/db')?.tags).toEqual({ team: 'shop', rotated: 'yes' });
    await provider.deleteSecret('shop/db', { force: true });
  });

  it('deleteSecret sends a recovery window or force, never both; a scheduled name is refused clearly unless restoring is enabled', async () => {
    await provider.storeSecret({ name: 'shop/key', values: { k: 'v1' } });
    await expectGatiError(provider.deleteSecret('shop/key', { force: true, recoveryWindowDays: 7 }), 'INVALID_CONFIG');
    await expectGatiError(provider.deleteSecret('shop/key', { recoveryWindowDays: 3 }), 'INVALID_CONFIG');
    await provider.deleteSecret('shop/key', { recoveryWindowDays: 7 });
    expect(emu.inventory().secretsScheduledForDeletion).toEqual(['shop/key']);
    const read = await expectGatiError(provider.retrieveSecret('shop/key'), 'NOT_FOUND');
    expect(read.message).toMatch(/scheduled for deletion/);
    const refused = await expectGatiError(provider.storeSecret({ name: 'shop/key', values: { k: 'v2' } }), 'ALREADY_EXISTS');
    expect(refused.message).toMatch(/restoreDeletedSecrets/);

    const restoring = new AWSCloudProvider();
    await restoring.initialize(providerConfig(emu, { restoreDeletedSecrets: true }));
    await restoring.storeSecret({ name: 'shop/key', values: { k: 'v2' }, tags: { restored: 'true' } });
    expect(await restoring.retrieveSecret('shop/key')).toEqual({ k: 'v2' });
    expect(emu.secretsManager.secrets.get('shop/key')?.tags).toEqual({ restored: 'true' });
    await restoring.deleteSecret('shop/key', { force: true });
    await restoring.close();
    expect(emu.inventory().secrets).toEqual([]);
    expect(emu.inventory().secretsScheduledForDeletion).toEqual([]);
  });

  it('secret values never appear in error messages', async () => {
    emu.faults.addRule({ match: /^secretsmanager:CreateSecret$/, error: 'AccessDenied', times: 1 });
    const error = await expectGatiError(provider.storeSecret({ name: 'shop/leak', values: { password: 'TOP-SECRET-VALUE' } }), 'PERMISSION_DENIED');
    expect(error.message).not.toContain('TOP-SECRET-VALUE');
  });
});

describe('kubeconfig and EKS tokens', () => {
  beforeAll(async () => {
    await provider.createCluster({ name: 'tok', version: '1.31', nodePools: [{ name: 'p', instanceType: 't3.large', minNodes: 1, desiredNodes: 1, maxNodes: 2 }] });
  });
  afterAll(async () => {
    await provider.deleteCluster('tok');
  });

  it('the default kubeconfig runs `aws eks get-token`; the token variant embeds a minted token', async () => {
    const doc = parse(await provider.getKubeconfig('tok')) as { clusters: { cluster: { server: string } }[]; users: { user: { exec: { command: string; args: string[]; apiVersion: string } } }[] };
    expect(doc.clusters[0]?.cluster.server).toMatch(/^https:\/\//);
    expect(doc.users[0]?.user.exec).toMatchObject({
      command: 'aws',
      args: ['--region', 'us-east-1', 'eks', 'get-token', '--cluster-name', 'tok', '--output', 'json'],
      apiVersion: 'client.authentication.k8s.io/v1beta1',
    });
    const withToken = parse(await provider.getKubeconfig('tok', { auth: 'token' })) as { users: { user: { token: string } }[] };
    const token = withToken.users[0]?.user.token ?? '';
    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    expect(emu.verifyEksToken(token, 'tok')).toMatchObject({ ok: true, arn: 'arn:aws:iam::123456789012:user/gati-emulator' });
  });

  it('the token is a presigned STS GetCallerIdentity URL signing x-k8s-aws-id, and is refused for another cluster, when expired, or with other keys', async () => {
    const { token, expiresAt } = await provider.getToken('tok');
    const url = new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString());
    expect(url.host).toBe('sts.us-east-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(13 * 60_000);
    expect(emu.verifyEksToken(token, 'tok').ok).toBe(true);
    expect(emu.verifyEksToken(token, 'other')).toMatchObject({ ok: false });
    const old = await mintEksToken({ clusterName: 'tok', region: 'us-east-1', credentials, signingDate: new Date(Date.now() - 16 * 60_000) });
    expect(emu.verifyEksToken(old.token, 'tok')).toMatchObject({ ok: false, reason: expect.stringMatching(/expired/i) });
    const forged = await mintEksToken({ clusterName: 'tok', region: 'us-east-1', credentials: { ...credentials, secretAccessKey: 'guess' } });
    expect(emu.verifyEksToken(forged.token, 'tok')).toMatchObject({ ok: false, reason: expect.stringMatching(/SignatureDoesNotMatch/) });
    expect(emu.verifyEksToken(token.replace('k8s-aws-v1.', 'k8s-aws-v2.'), 'tok').ok).toBe(false);
  });

  it('getKubeconfig of a missing cluster is NOT_FOUND', async () => {
    await expectGatiError(provider.getKubeconfig('nope'), 'NOT_FOUND');
  });
});

const built = existsSync(fileURLToPath(new URL('../../dist/index.js', import.meta.url)));
describe('registry', () => {
  it.skipIf(!built)("createCloudProvider('aws') loads this package and returns an initialized AWSCloudProvider (needs dist: pnpm build)", async () => {
    const p = await createCloudProvider('aws', providerConfig(emu), { resolveFrom: fileURLToPath(new URL('../..', import.meta.url)) });
    expect(p.name).toBe('aws');
    expect(p.constructor.name).toBe('AWSCloudProvider');
    await expectGatiError(p.getCluster('none'), 'NOT_FOUND');
    await p.close();
  });
});
