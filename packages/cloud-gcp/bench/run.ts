/**
 * Benchmarks of the built package against the GCP emulator (loopback only):
 * 1. a whole createCluster + deleteCluster, clean and under 30% throttling + 5% 5xx, with Container
 *    over REST and over gRPC (TLS, the emulator's CA) in the same run (Compute is REST in both);
 * 2. an access token for `getKubeconfig({ auth: 'token' })`: the static-token client's cost.
 * Prints medians, the same measures as cloud-aws's bench.
 */
import { GcpEmulator } from '@gati-framework/cloud-emulator/gcp';
import { OAuth2Client } from 'google-auth-library';
import { GCPCloudProvider } from '@gati-framework/cloud-gcp';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function tokenClient(token: string): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: token });
  return client;
}

type Transport = 'rest' | 'grpc';

async function lifecycle(label: string, transport: Transport, faults: { throttleRate: number; serverErrorRate: number } | undefined): Promise<number> {
  const wall: number[] = [];
  const reqs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const emu = await GcpEmulator.start({ timings: { clusterCreateMs: 100, clusterDeleteMs: 50, nodePoolCreateMs: 80, nodePoolDeleteMs: 40 }, ...(faults ? { faults: { seed: r + 1, ...faults } } : {}) });
    const provider = new GCPCloudProvider();
    const api = transport === 'grpc' ? emu.grpcUrl : emu.endpoint;
    await provider.initialize({
      projectId: emu.project,
      region: 'europe-west1',
      endpoints: { container: api, secretManager: api, compute: emu.endpoint },
      ...(transport === 'grpc' ? { ca: emu.caPem } : {}),
      authClient: tokenClient(emu.accessToken),
      pollIntervalMs: 20,
      maxPollIntervalMs: 100,
      retryBaseDelayMs: 5,
    });
    const t = performance.now();
    await provider.createCluster({ name: 'bench', version: '1.33', nodePools: [{ name: 'a', instanceType: 'e2-standard-2', minNodes: 1, desiredNodes: 1, maxNodes: 2 }, { name: 'b', instanceType: 'e2-standard-2', minNodes: 1, desiredNodes: 1, maxNodes: 2 }] });
    await provider.deleteCluster('bench');
    wall.push(performance.now() - t);
    reqs.push(emu.requests().length);
    await provider.close();
    await emu.close();
  }
  console.log(`lifecycle ${label}, ${transport}: create+delete median ${median(wall).toFixed(0)} ms, ${median(reqs)} Google API requests (emulated state delays: 100 ms create, 50 ms delete)`);
  return median(wall);
}

async function tokens(): Promise<void> {
  const emu = await GcpEmulator.start();
  const provider = new GCPCloudProvider();
  await provider.initialize({ projectId: emu.project, region: 'europe-west1', endpoints: { container: emu.endpoint, secretManager: emu.endpoint, compute: emu.endpoint }, authClient: tokenClient(emu.accessToken) });
  const runs: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    for (let i = 0; i < 500; i++) await provider.getToken();
    runs.push((performance.now() - t) / 500);
  }
  console.log(`token: getToken median ${(median(runs) * 1000).toFixed(1)} µs/token (static token client; ADC or a key file adds one token-endpoint round trip per hour)`);
  await provider.close();
  await emu.close();
}

await tokens();
for (const [label, faults] of [
  ['clean', undefined],
  ['30% throttling + 5% 5xx', { throttleRate: 0.3, serverErrorRate: 0.05 }],
] as const) {
  // Interleaved, so machine load weighs on both transports alike.
  const rest = await lifecycle(label, 'rest', faults);
  const grpc = await lifecycle(label, 'grpc', faults);
  console.log(`lifecycle ${label}: gRPC/REST ${(grpc / rest).toFixed(2)}×`);
}
