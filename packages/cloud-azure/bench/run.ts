/**
 * Benchmarks of the built package against the Azure emulator (loopback only):
 * 1. an in-process Entra token kubeconfig (listClusterUserCredential + token) vs. the bare ARM GET underneath;
 * 2. a whole createCluster + deleteCluster, clean and under 30% throttling + 5% 5xx + 10% lost responses;
 * 3. Key Vault store + read of a secret.
 * Prints medians, in the same shape as cloud-aws's bench.
 */
import { cpus } from 'node:os';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { AzureEmulator } from '@gati-framework/cloud-emulator/azure';
import { AzureCloudProvider, type AzureProviderConfig } from '@gati-framework/cloud-azure';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const pools = [
  { name: 'a', instanceType: 'Standard_D2s_v5', minNodes: 1, desiredNodes: 1, maxNodes: 2 },
  { name: 'b', instanceType: 'Standard_D2s_v5', minNodes: 1, desiredNodes: 1, maxNodes: 2 },
];
const timings = { resourceGroupDeleteMs: 50, networkCreateMs: 50, networkDeleteMs: 50, clusterCreateMs: 100, clusterDeleteMs: 50, agentPoolCreateMs: 80, agentPoolDeleteMs: 40 };

function config(emu: AzureEmulator): AzureProviderConfig {
  return { subscriptionId: emu.subscriptionId, resourceGroup: 'bench', location: 'westeurope', armEndpoint: emu.armEndpoint, keyVaultUrl: emu.vaultUrl(), ca: emu.caPem, credential: emu.credential(), pollIntervalMs: 20, maxPollIntervalMs: 100, retryBaseDelayMs: 5 };
}

async function timeIt(fn: () => Promise<unknown>, n: number): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - t) / n;
}

async function kubeconfigs(): Promise<void> {
  const emu = await AzureEmulator.start({ retryAfterSeconds: 0, timings });
  const provider = new AzureCloudProvider();
  await provider.initialize(config(emu));
  await provider.createCluster({ name: 'kc', version: '1.31', nodePools: pools.slice(0, 1) });
  const aks = new ContainerServiceClient(emu.credential(), emu.subscriptionId, { endpoint: emu.armEndpoint, tlsOptions: { ca: emu.caPem } });
  const token = (): Promise<unknown> => provider.getKubeconfig('kc', { auth: 'token' });
  const bare = (): Promise<unknown> => aks.managedClusters.get('bench', 'kc');
  await timeIt(token, 20);
  await timeIt(bare, 20);
  const k: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < 5; r++) {
    k.push(await timeIt(token, 50));
    b.push(await timeIt(bare, 50));
  }
  console.log(`kubeconfig: getKubeconfig({ auth: 'token' }) median ${k.length ? median(k).toFixed(2) : '?'} ms (GET cluster + listClusterUserCredential + token); bare SDK GET ${median(b).toFixed(2)} ms; ratio ${(median(k) / median(b)).toFixed(2)}×`);
  await provider.close();
  await emu.close();
}

async function lifecycle(label: string, faults: { throttleRate: number; serverErrorRate: number; lostResponseRate: number } | undefined): Promise<void> {
  const wall: number[] = [];
  const reqs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const emu = await AzureEmulator.start({ retryAfterSeconds: 0, timings, ...(faults ? { faults: { seed: r + 1, only: /^arm:/, ...faults } } : {}) });
    const provider = new AzureCloudProvider();
    await provider.initialize(config(emu));
    const t = performance.now();
    await provider.createCluster({ name: 'bench', version: '1.31', nodePools: pools });
    await provider.deleteCluster('bench');
    wall.push(performance.now() - t);
    reqs.push(emu.requests().length);
    const left = Object.values(emu.inventory()).flat();
    if (left.length > 0) throw new Error(`left behind: ${left.join(', ')}`);
    await provider.close();
    await emu.close();
  }
  console.log(`lifecycle ${label}: create+delete median ${median(wall).toFixed(0)} ms, ${median(reqs)} Azure requests (emulated state delays: 50+100+2×80 ms create, 50+50+50 ms delete)`);
}

async function secrets(): Promise<void> {
  const emu = await AzureEmulator.start({ retryAfterSeconds: 0 });
  const provider = new AzureCloudProvider();
  await provider.initialize(config(emu));
  let i = 0;
  const roundTrip = async (): Promise<void> => {
    const name = `bench/s${i++ % 10}`;
    await provider.storeSecret({ name, values: { user: 'u', password: 'p'.repeat(64) } });
    await provider.retrieveSecret(name);
  };
  await timeIt(roundTrip, 20);
  const s: number[] = [];
  for (let r = 0; r < 5; r++) s.push(await timeIt(roundTrip, 50));
  console.log(`key vault: storeSecret + retrieveSecret median ${median(s).toFixed(2)} ms`);
  await provider.close();
  await emu.close();
}

console.log(`cloud-azure bench — node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})`);
await kubeconfigs();
await lifecycle('clean', undefined);
await lifecycle('30% throttling + 5% 5xx + 10% lost responses', { throttleRate: 0.3, serverErrorRate: 0.05, lostResponseRate: 0.1 });
await secrets();
