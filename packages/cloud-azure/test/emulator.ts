import { AzureEmulator, type AzureEmulatorOptions } from '@gati-framework/cloud-emulator/azure';
import type { AzureProviderConfig } from '../src/index.js';

export const fastTimings = { resourceGroupDeleteMs: 20, networkCreateMs: 20, networkDeleteMs: 20, clusterCreateMs: 60, clusterDeleteMs: 30, agentPoolCreateMs: 40, agentPoolDeleteMs: 20 };

/** An Azure emulator answering polls at once (Retry-After 0). */
export function startEmulator(options: AzureEmulatorOptions = {}): Promise<AzureEmulator> {
  return AzureEmulator.start({ retryAfterSeconds: 0, ...options, timings: { ...fastTimings, ...options.timings } });
}

/** Provider settings for the emulator: its endpoints, CA and a static credential (nothing probes the network), fast polling. */
export function providerConfig(emu: AzureEmulator, extra: Partial<AzureProviderConfig> = {}): AzureProviderConfig {
  return {
    subscriptionId: emu.subscriptionId,
    resourceGroup: 'shop-test',
    location: 'westeurope',
    armEndpoint: emu.armEndpoint,
    keyVaultUrl: emu.vaultUrl(),
    ca: emu.caPem,
    credential: emu.credential(),
    pollIntervalMs: 10,
    maxPollIntervalMs: 50,
    retryBaseDelayMs: 5,
    maxRetryDelayMs: 50,
    ...extra,
  };
}
