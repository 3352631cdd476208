import type { AwsEmulator } from '@gati-framework/cloud-emulator/aws';
import { describeCloudProviderContract } from '@gati-framework/core/testing/contract';
import { afterAll, beforeAll } from 'vitest';
import { AWSCloudProvider } from '../index.js';
import { providerConfig, startEmulator } from '../../test/emulator.js';

let emu: AwsEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
});

describeCloudProviderContract(() => new AWSCloudProvider(), {
  initConfig: () => providerConfig(emu),
  operationTimeoutMs: 30_000,
  testTimeoutMs: 60_000,
});
