import type { GcpEmulator } from '@gati-framework/cloud-emulator/gcp';
import { describeCloudProviderContract } from '@gati-framework/core/testing/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GCPCloudProvider } from '../index.js';
import { providerConfig, startEmulator, TRANSPORTS } from '../../test/emulator.js';

describe.each(TRANSPORTS)('over %s', (transport) => {
  let emu: GcpEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    await emu.close();
  });

  describeCloudProviderContract(() => new GCPCloudProvider(), {
    initConfig: () => providerConfig(emu, {}, transport),
    // The emulator reports 1.33 whatever version is asked for.
    clusterConfig: { name: 'contract', version: '1.33', nodePools: [{ name: 'general', instanceType: 'e2-standard-4', minNodes: 1, desiredNodes: 2, maxNodes: 4 }] },
    operationTimeoutMs: 30_000,
    testTimeoutMs: 60_000,
  });

  it(`reached ClusterManager and Secret Manager over ${transport} only`, () => {
    // The gRPC adapter logs `POST /google.container.v1.ClusterManager/Method`; REST logs the resource path.
    const viaGrpc = (api: string) => emu.requests({ service: `gcp:${api}` }).filter((r) => r.path.startsWith('/google.'));
    for (const api of ['container', 'secretmanager']) {
      const all = emu.requests({ service: `gcp:${api}` });
      expect(all.length).toBeGreaterThan(0);
      expect(viaGrpc(api).length).toBe(transport === 'grpc' ? all.length : 0);
    }
  });
});
