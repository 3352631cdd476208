import type { GcpEmulator } from '@gati-framework/cloud-emulator/gcp';
import { createCloudProvider } from '@gati-framework/core';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { startEmulator } from '../../test/emulator.js';

let emu: GcpEmulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await emu.close();
});

it("createCloudProvider('gcp') runs with only the lines gcloud reads, and writes nothing to process.env", async () => {
  vi.stubEnv('CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER', `${emu.endpoint}/`);
  vi.stubEnv('CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER', `${emu.endpoint}/`);
  vi.stubEnv('CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE', `${emu.endpoint}/`);
  vi.stubEnv('CLOUDSDK_AUTH_ACCESS_TOKEN', emu.accessToken);
  vi.stubEnv('CLOUDSDK_CORE_PROJECT', emu.project);
  const before = { ...process.env };
  const provider = await createCloudProvider('gcp', { region: 'europe-west1', pollIntervalMs: 20, maxPollIntervalMs: 100 });
  try {
    const plan = await provider.planCluster({ name: 'quick', version: '1.33', nodePools: [{ name: 'p', instanceType: 'e2-standard-2', minNodes: 1, desiredNodes: 1, maxNodes: 2 }] });
    expect(plan.steps.map((s) => [s.kind, s.action])).toEqual([
      ['network', 'create'],
      ['subnetwork', 'create'],
      ['cluster', 'create'],
      ['node-pool', 'create'],
    ]);
    expect(process.env).toEqual(before);
    const leaked = emu.requests().filter((r) => r.status === 401);
    expect(leaked).toEqual([]);
  } finally {
    await provider.close();
  }
});
