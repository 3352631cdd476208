/**
 * Benchmarks of @gati-framework/kubernetes against the Kubernetes emulator (built packages):
 * server-side apply through KubeClient vs @kubernetes/client-node's KubernetesObjectApi (the peer),
 * and the latency from a change to a satisfied waitFor.
 */
import { cpus } from 'node:os';
import { KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { startKubernetesEmulator } from '@gati-framework/cloud-emulator';
import { KubeClient } from '@gati-framework/kubernetes';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);
const OBJECTS = 50;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const emulator = await startKubernetesEmulator();
try {
  const kube = KubeClient.fromKubeconfig(emulator.kubeconfig());
  const kc = new KubeConfig();
  kc.loadFromString(emulator.kubeconfig());
  const peer = KubernetesObjectApi.makeApiClient(kc);
  const cm = (i: number, round: number, who: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${who}-${i}`, namespace: 'default' }, data: { round: String(round) } });

  const ours: number[] = [];
  const theirs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let t = performance.now();
    await kube.apply(Array.from({ length: OBJECTS }, (_, i) => cm(i, round, 'gati')), { fieldManager: 'bench' });
    ours.push((performance.now() - t) / OBJECTS);
    t = performance.now();
    for (let i = 0; i < OBJECTS; i++) await peer.patch(cm(i, round, 'peer'), undefined, undefined, 'bench', true, PatchStrategy.ServerSideApply);
    theirs.push((performance.now() - t) / OBJECTS);
  }

  const waits: number[] = [];
  for (let round = 0; round < ROUNDS * 3; round++) {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'watched', namespace: 'default' };
    let changedAt = 0;
    const waiting = kube.waitFor(ref, (o) => (o?.['data'] as { n?: string } | undefined)?.n === String(round), { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 20));
    changedAt = performance.now();
    await kube.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched', namespace: 'default' }, data: { n: String(round) } }]);
    await waiting;
    waits.push(performance.now() - changedAt);
  }

  const o = median(ours);
  const p = median(theirs);
  process.stdout.write(`machine: ${cpus().length} CPUs, ${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}\n`);
  process.stdout.write(`server-side apply, ms per object (median of ${ROUNDS} rounds x ${OBJECTS} ConfigMaps):\n`);
  process.stdout.write(`  KubeClient.apply (GET + apply, reports created/configured/unchanged): ${o.toFixed(2)}\n`);
  process.stdout.write(`  client-node KubernetesObjectApi.patch (apply only):                  ${p.toFixed(2)}\n`);
  process.stdout.write(`  ratio KubeClient / client-node: ${(o / p).toFixed(2)}\n`);
  process.stdout.write(`waitFor, ms from apply call to satisfied predicate (median of ${waits.length}): ${median(waits).toFixed(2)}\n`);
} finally {
  await emulator.close();
}
