import type { GcpEmulator } from '@gati-framework/cloud-emulator/gcp';
import { describeCloudProviderContract } from '@gati-framework/core/testing/contract';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { GCPCloudProvider } from '../index.js';
import { providerConfig, startEmulator } from '../../test/emulator.js';

let emu: GcpEmulator;
let secretManager = false;
beforeAll(async () => {
  emu = await startEmulator();
  // The emulator's Secret Manager is being added on another branch; until it is served, only the secrets case is skipped.
  const probe = await fetch(`${emu.endpoint}/v1/projects/${emu.project}/secrets`, { headers: { authorization: `Bearer ${emu.accessToken}` } });
  secretManager = !(probe.status === 404 && (await probe.text()).includes('not found on the emulator'));
});
afterAll(async () => {
  await emu.close();
});
beforeEach((ctx) => {
  if (!secretManager && ctx.task.name.startsWith('secrets')) ctx.skip('the GCP emulator serves no Secret Manager API yet');
});

describeCloudProviderContract(() => new GCPCloudProvider(), {
  initConfig: () => providerConfig(emu),
  // The emulator reports 1.33 whatever version is asked for.
  clusterConfig: { name: 'contract', version: '1.33', nodePools: [{ name: 'general', instanceType: 'e2-standard-4', minNodes: 1, desiredNodes: 2, maxNodes: 4 }] },
  operationTimeoutMs: 30_000,
  testTimeoutMs: 60_000,
});
