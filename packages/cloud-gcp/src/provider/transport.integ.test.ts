import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GcpEmulator } from '@gati-framework/cloud-emulator/gcp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GCPCloudProvider } from '../index.js';
import { providerConfig, startEmulator, tokenClient } from '../../test/emulator.js';

let emu: GcpEmulator | undefined;
const providers: GCPCloudProvider[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(providers.splice(0).map((p) => p.close()));
  await emu?.close();
});

async function provider(config: Parameters<GCPCloudProvider['initialize']>[0]): Promise<GCPCloudProvider> {
  const p = new GCPCloudProvider();
  providers.push(p);
  await p.initialize(config);
  return p;
}

/** Requests the gRPC adapter served (it logs `/google.…Service/Method`), per API. */
const grpcCalls = (e: GcpEmulator, api: string) => e.requests({ service: `gcp:${api}` }).filter((r) => r.path.startsWith('/google.'));

describe('gRPC over TLS: the token travels as call credentials', () => {
  it('a token the emulator never issued is UNAUTHENTICATED, another project\'s is PERMISSION_DENIED, both at once and without the token in the message', async () => {
    emu = await startEmulator();
    const stranger = await provider(providerConfig(emu, { authClient: tokenClient('ya29.never-issued-token') }, 'grpc'));
    const started = Date.now();
    const error = await stranger.retrieveSecret('db/password').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/^reading secret db\/password failed: Request had invalid authentication credentials/) });
    expect((error as Error).message).not.toContain('never-issued-token');
    const other = await provider(providerConfig(emu, { authClient: tokenClient(emu.issueAccessToken('someone-else')) }, 'grpc'));
    await expect(other.getCluster('shop')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(grpcCalls(emu, 'secretmanager').map((r) => r.errorCode)).toEqual(['UNAUTHENTICATED']);
    expect(grpcCalls(emu, 'container').map((r) => r.errorCode)).toEqual(['PERMISSION_DENIED']);
  });

  it('reads the CA from GATI_EMULATOR_CA_FILE (the line gati-emulator --env-file writes) when `ca` is not given', async () => {
    emu = await startEmulator();
    const dir = mkdtempSync(join(tmpdir(), 'gati-gcp-ca-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), emu.caPem);
      vi.stubEnv('GATI_EMULATOR_CA_FILE', join(dir, 'ca.pem'));
      const { ca: _none, ...withoutCa } = providerConfig(emu, {}, 'grpc');
      const p = await provider(withoutCa);
      await p.storeSecret({ name: 'app/api.key', values: { token: 'from-env-ca' } });
      expect(await p.retrieveSecret('app/api.key')).toEqual({ token: 'from-env-ca' });
      expect(grpcCalls(emu, 'secretmanager').length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unreadable CA file is INVALID_CONFIG naming `ca`', async () => {
    emu = await startEmulator();
    vi.stubEnv('GATI_EMULATOR_CA_FILE', '/nonexistent/gati-ca.pem');
    const { ca: _none, ...withoutCa } = providerConfig(emu, {}, 'grpc');
    await expect(provider(withoutCa)).rejects.toMatchObject({ code: 'INVALID_CONFIG', details: { issues: [expect.objectContaining({ path: 'ca' })] } });
  });
});

describe('REST over TLS', () => {
  it('`ca` is trusted by REST too: https endpoints with transport rest plan a cluster and round-trip a secret', async () => {
    emu = await startEmulator({ restTls: true });
    expect(emu.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const p = await provider(providerConfig(emu, { ca: emu.caPem, gcp: { transport: 'rest' } }));
    const plan = await p.planCluster({ name: 'tls', version: '1.33', nodePools: [{ name: 'p', instanceType: 'e2-standard-2', minNodes: 1, desiredNodes: 1, maxNodes: 2 }] });
    expect(plan.steps.map((s) => s.kind)).toEqual(['network', 'subnetwork', 'cluster', 'node-pool']);
    await p.storeSecret({ name: 'tls', values: { a: 'b' } });
    expect(await p.retrieveSecret('tls')).toEqual({ a: 'b' });
    // REST paths, not the gRPC adapter's; Compute answered too (the plan reads the network).
    expect(grpcCalls(emu, 'secretmanager')).toEqual([]);
    expect(emu.requests({ service: 'gcp:compute' }).length).toBeGreaterThan(0);
  });

  it('without the CA the emulator\'s certificate is refused', async () => {
    emu = await startEmulator({ restTls: true });
    const { ca: _none, ...config } = providerConfig(emu, { gcp: { transport: 'rest' }, operationTimeoutMs: 2000 });
    await expect(provider(config).then((p) => p.retrieveSecret('tls'))).rejects.toMatchObject({ message: expect.stringMatching(/certificate|self.signed|issuer/i) });
    expect(emu.requests({ service: 'gcp:secretmanager' })).toEqual([]);
  });
});
