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

/** The two ways the provider reaches Container and Secret Manager; tests that matter run in both. */
export const TRANSPORTS = ['rest', 'grpc'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/**
 * Provider settings for the emulator: fast polling, the emulator's token. REST over http, or
 * gRPC over TLS (`https://` endpoints, the emulator's CA as `ca`; Compute is REST either way).
 */
export function providerConfig(emu: GcpEmulator, extra: Partial<GcpProviderConfig> = {}, transport: Transport = 'rest'): GcpProviderConfig {
  return {
    projectId: emu.project,
    region: 'europe-west1',
    endpoints: transport === 'grpc' ? { container: emu.grpcUrl, secretManager: emu.grpcUrl, compute: emu.endpoint } : { container: emu.endpoint, secretManager: emu.endpoint, compute: emu.endpoint },
    ...(transport === 'grpc' ? { ca: emu.caPem } : {}),
    authClient: tokenClient(emu.accessToken),
    pollIntervalMs: 20,
    maxPollIntervalMs: 100,
    retryBaseDelayMs: 5,
    maxRetryDelayMs: 50,
    ...extra,
  };
}
