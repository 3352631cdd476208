/**
 * Pools saved benchmark runs: each argument is the stderr of one `pnpm bench` run (its
 * per-slice lines). Ratios are taken per round within each run, then pooled, and reported
 * as medians with a 95 % bootstrap interval.
 *
 *   pnpm bench 2> run1.log; pnpm bench 2> run2.log
 *   npx tsx bench/pool.ts run1.log run2.log
 */
import { readFileSync } from 'node:fs';
import { median, medianInterval, parseSlice, roundRatios, type Slice } from './stats.js';

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: tsx bench/pool.ts <stderr of a bench run> [more runs...]\n');
  process.exit(2);
}
const pooled = new Map<string, { rps: number[]; cpu: number[] }>();
for (const file of files) {
  const slices = readFileSync(file, 'utf8')
    .split('\n')
    .map(parseSlice)
    .filter((s): s is Slice => s !== undefined);
  if (slices.length === 0) process.stderr.write(`${file}: no benchmark rounds found\n`);
  for (const [variant, r] of roundRatios(slices)) {
    let acc = pooled.get(variant);
    if (acc === undefined) pooled.set(variant, (acc = { rps: [], cpu: [] }));
    acc.rps.push(...r.rps);
    acc.cpu.push(...r.cpu);
  }
}
const ORDER = ['bare', 'metrics', 'logs', 'full', 'peer'];
const interval = (xs: number[]): string => medianInterval(xs).map((x) => x.toFixed(3)).join('–');
const lines = [
  `${files.length} run(s) pooled.`,
  '',
  '| variant | rounds | req/s ratio to bare (median) | 95 % interval | CPU ratio bare/variant (median) | 95 % interval |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...[...pooled]
    .sort(([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b))
    .map(([v, r]) => `| ${v} | ${r.rps.length} | ${median(r.rps).toFixed(3)} | ${interval(r.rps)} | ${median(r.cpu).toFixed(3)} | ${interval(r.cpu)} |`),
];
process.stdout.write(`${lines.join('\n')}\n`);
