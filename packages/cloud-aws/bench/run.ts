/**
 * Benchmarks of the built package against the AWS emulator (loopback only):
 * 1. minting an EKS token vs. the bare SigV4 presign underneath it;
 * 2. a whole createCluster + deleteCluster, clean and under 30% throttling + 5% 5xx;
 * 3. the emulator's round trip through the SDK vs. a bare HTTP request.
 * Prints medians; see docs/benchmarks.md.
 */
import { request } from 'node:http';
import { cpus } from 'node:os';
import { Sha256 } from '@aws-crypto/sha256-js';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { AwsEmulator, DEFAULT_EMULATOR_CREDENTIALS } from '@gati-framework/cloud-emulator/aws';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { AWSCloudProvider, mintEksToken } from '@gati-framework/cloud-aws';

const credentials = { accessKeyId: DEFAULT_EMULATOR_CREDENTIALS.accessKeyId, secretAccessKey: DEFAULT_EMULATOR_CREDENTIALS.secretAccessKey };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function timeIt(fn: () => Promise<unknown>, n: number): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - t) / n;
}

async function tokens(): Promise<void> {
  const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'sts', sha256: Sha256 });
  const bare = (): Promise<unknown> =>
    signer.presign(
      new HttpRequest({ method: 'GET', protocol: 'https:', hostname: 'sts.us-east-1.amazonaws.com', path: '/', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, headers: { host: 'sts.us-east-1.amazonaws.com', 'x-k8s-aws-id': 'c' } }),
      { expiresIn: 60 },
    );
  const mint = (): Promise<unknown> => mintEksToken({ clusterName: 'c', region: 'us-east-1', credentials });
  await timeIt(mint, 200);
  await timeIt(bare, 200);
  const m: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < 7; r++) {
    m.push(await timeIt(mint, 500));
    b.push(await timeIt(bare, 500));
  }
  console.log(`token: mintEksToken median ${(median(m) * 1000).toFixed(1)} µs/token; bare SignatureV4.presign ${(median(b) * 1000).toFixed(1)} µs; ratio ${(median(m) / median(b)).toFixed(2)}×`);
}

async function lifecycle(label: string, faults: { throttleRate: number; serverErrorRate: number } | undefined): Promise<void> {
  const wall: number[] = [];
  const reqs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const emu = await AwsEmulator.start({ timings: { clusterCreateMs: 100, clusterDeleteMs: 50, nodegroupCreateMs: 80, nodegroupDeleteMs: 40 }, ...(faults ? { faults: { seed: r + 1, ...faults } } : {}) });
    const provider = new AWSCloudProvider();
    await provider.initialize({ region: 'us-east-1', endpoint: emu.endpoint, credentials, pollIntervalMs: 20, maxPollIntervalMs: 100, maxAttempts: 1, retryBaseDelayMs: 5 });
    const t = performance.now();
    await provider.createCluster({ name: 'bench', version: '1.31', nodePools: [{ name: 'a', instanceType: 'm5.large', minNodes: 1, desiredNodes: 1, maxNodes: 2 }, { name: 'b', instanceType: 'm5.large', minNodes: 1, desiredNodes: 1, maxNodes: 2 }] });
    await provider.deleteCluster('bench');
    wall.push(performance.now() - t);
    reqs.push(emu.requests().length);
    await provider.close();
    await emu.close();
  }
  console.log(`lifecycle ${label}: create+delete median ${median(wall).toFixed(0)} ms, ${median(reqs)} AWS requests (emulated state delays: 100+80 ms create, 50+40 ms delete)`);
}

async function roundTrip(): Promise<void> {
  const emu = await AwsEmulator.start({ verifySignatures: true });
  const eks = new EKSClient({ region: 'us-east-1', endpoint: emu.endpoint, credentials, maxAttempts: 1 });
  const sdk = (): Promise<unknown> => eks.send(new DescribeClusterCommand({ name: 'none' })).catch(() => undefined);
  const url = new URL('/clusters/none', emu.endpoint);
  const bare = (): Promise<unknown> =>
    new Promise((resolve) => {
      request(url, (res) => {
        res.resume();
        res.on('end', resolve);
      }).end();
    });
  await timeIt(sdk, 100);
  await timeIt(bare, 100);
  const s: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < 5; r++) {
    s.push(await timeIt(sdk, 300));
    b.push(await timeIt(bare, 300));
  }
  console.log(`emulator: SDK DescribeCluster (signed, verified, 404) median ${(median(s) * 1000).toFixed(0)} µs; bare unsigned HTTP GET (403) ${(median(b) * 1000).toFixed(0)} µs; ratio ${(median(s) / median(b)).toFixed(2)}×`);
  eks.destroy();
  await emu.close();
}

console.log(`cloud-aws bench — node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})`);
await tokens();
await lifecycle('clean', undefined);
await lifecycle('30% throttling + 5% 5xx', { throttleRate: 0.3, serverErrorRate: 0.05 });
await roundTrip();
