/** Small statistics shared by the benchmark (run.ts) and the pooling of saved runs (pool.ts). */

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Seeded unsigned 32-bit integers (an LCG): the same seed, the same sequence. */
export function seededUint32(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
}

/** Seeded numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  const next = seededUint32(seed);
  return () => next() / 2 ** 32;
}

/**
 * A 95 % percentile-bootstrap interval of the median: the rounds are resampled with
 * replacement (seeded, so a rerun on the same data prints the same interval). It says how
 * far the median of this many noisy rounds can be trusted, not how fast anything is.
 */
export function medianInterval(xs: readonly number[], resamples = 2000, seed = 1): [number, number] {
  if (xs.length < 2) return [xs[0] ?? NaN, xs[0] ?? NaN];
  const random = seededRandom(seed);
  const medians: number[] = [];
  const sample = new Array<number>(xs.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < xs.length; i++) sample[i] = xs[Math.floor(random() * xs.length)]!;
    medians.push(median(sample));
  }
  medians.sort((a, b) => a - b);
  return [medians[Math.floor(0.025 * (resamples - 1))]!, medians[Math.ceil(0.975 * (resamples - 1))]!];
}

/** One slice of one variant, as run.ts prints it to stderr: `round 3 metrics  2840 req/s p99 31 ms 338 µs CPU/req`. */
export interface Slice {
  round: number;
  variant: string;
  rps: number;
  p99: number;
  cpuUs: number;
}

export function formatSlice(s: Slice): string {
  return `round ${s.round} ${s.variant.padEnd(8)} ${s.rps.toFixed(0)} req/s p99 ${s.p99} ms ${s.cpuUs.toFixed(0)} µs CPU/req`;
}

export function parseSlice(line: string): Slice | undefined {
  const m = /^round (\d+) (\w+)\s+(\d+) req\/s p99 (\S+) ms (\d+) µs CPU\/req$/.exec(line.trim());
  if (!m) return undefined;
  return { round: Number(m[1]), variant: m[2]!, rps: Number(m[3]), p99: Number(m[4]), cpuUs: Number(m[5]) };
}

/** Per-round ratios to bare of the same round: req/s variant/bare and CPU per request bare/variant. */
export function roundRatios(slices: readonly Slice[]): Map<string, { rps: number[]; cpu: number[] }> {
  const rounds = new Map<number, Map<string, Slice>>();
  for (const s of slices) {
    let r = rounds.get(s.round);
    if (r === undefined) rounds.set(s.round, (r = new Map()));
    r.set(s.variant, s);
  }
  const out = new Map<string, { rps: number[]; cpu: number[] }>();
  for (const r of rounds.values()) {
    const bare = r.get('bare');
    if (bare === undefined) continue;
    for (const [variant, s] of r) {
      let acc = out.get(variant);
      if (acc === undefined) out.set(variant, (acc = { rps: [], cpu: [] }));
      acc.rps.push(s.rps / bare.rps);
      acc.cpu.push(bare.cpuUs / s.cpuUs);
    }
  }
  return out;
}
