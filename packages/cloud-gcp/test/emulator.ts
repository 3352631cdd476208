import { GcpEmulator, type GcpEmulatorOptions } from '@gati-framework/cloud-emulator/gcp';
import { OAuth2Client } from 'google-auth-library';
import type { GcpProviderConfig } from '../src/index.js';

export const fastTimings = { clusterCreateMs: 150, clusterDeleteMs: 80, nodePoolCreateMs: 100, nodePoolDeleteMs: 60 };

export function startEmulator(options: GcpEmulatorOptions = {}): Promise<GcpEmulator> {
  return GcpEmulator.start({ timings: fastTimings, ...options });
}

/** A static-token auth client: the Google clients never probe the metadata server. */
export function tokenClient(token: string): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: token });
  return client;
}

/** Provider settings for the emulator over REST: fast polling, the emulator's token. */
export function providerConfig(emu: GcpEmulator, extra: Partial<GcpProviderConfig> = {}): GcpProviderConfig {
  return {
    projectId: emu.project,
    region: 'europe-west1',
    endpoints: { container: emu.endpoint, secretManager: emu.endpoint, compute: emu.endpoint },
    authClient: tokenClient(emu.accessToken),
    pollIntervalMs: 20,
    maxPollIntervalMs: 100,
    retryBaseDelayMs: 5,
    maxRetryDelayMs: 50,
    ...extra,
  };
}
