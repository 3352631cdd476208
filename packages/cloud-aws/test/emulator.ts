import { AwsEmulator, DEFAULT_EMULATOR_CREDENTIALS, type AwsEmulatorOptions } from '@gati-framework/cloud-emulator/aws';
import type { AwsProviderConfig } from '../src/index.js';

/** Static test credentials: credential discovery must never reach IMDS. */
export const credentials = { accessKeyId: DEFAULT_EMULATOR_CREDENTIALS.accessKeyId, secretAccessKey: DEFAULT_EMULATOR_CREDENTIALS.secretAccessKey };

export const fastTimings = { clusterCreateMs: 150, clusterDeleteMs: 80, nodegroupCreateMs: 100, nodegroupDeleteMs: 60 };

export function startEmulator(options: AwsEmulatorOptions = {}): Promise<AwsEmulator> {
  return AwsEmulator.start({ timings: fastTimings, ...options });
}

/** Provider settings for the emulator: fast polling, static credentials. */
export function providerConfig(emu: AwsEmulator, extra: Partial<AwsProviderConfig> = {}): AwsProviderConfig {
  return { region: 'us-east-1', endpoint: emu.endpoint, credentials, pollIntervalMs: 20, maxPollIntervalMs: 100, ...extra };
}
