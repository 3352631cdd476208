import type { AzureEmulator } from '@gati-framework/cloud-emulator/azure';
import { describeCloudProviderContract } from '@gati-framework/core/testing/contract';
import { afterAll, beforeAll } from 'vitest';
import { AzureCloudProvider } from '../index.js';
import { providerConfig, startEmulator } from '../../test/emulator.js';

let emu: AzureEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
});

describeCloudProviderContract(() => new AzureCloudProvider(), {
  initConfig: () => providerConfig(emu),
  operationTimeoutMs: 30_000,
  testTimeoutMs: 60_000,
  // Key Vault holds 25 KB per secret: the contract round-trips a value at that size and expects more refused.
  maxSecretBytes: 25 * 1024,
});
