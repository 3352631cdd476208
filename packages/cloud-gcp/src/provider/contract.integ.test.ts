import type { GcpEmulator } from '@gati-framework/cloud-emulator/gcp';
import { describeCloudProviderContract } from '@gati-framework/core/testing/contract';
import { afterAll, beforeAll } from 'vitest';
import { GCPCloudProvider } from '../index.js';
import { providerConfig, startEmulator } from '../../test/emulator.js';

let emu: GcpEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
});

describeCloudProviderContract(() => new GCPCloudProvider(), {
  initConfig: () => providerConfig(emu),
  // The emulator reports 1.33 whatever version is asked for.
  clusterConfig: { name: 'contract', version: '1.33', nodePools: [{ name: 'general', instanceType: 'e2-standard-4', minNodes: 1, desiredNodes: 2, maxNodes: 4 }] },
  operationTimeoutMs: 30_000,
  testTimeoutMs: 60_000,
});
