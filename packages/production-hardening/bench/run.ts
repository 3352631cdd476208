/**
 * Benchmarks of the BUILT package (run `pnpm build` first; root `pnpm bench` does):
 *  1. encrypt + decrypt of a 1 KiB secret with an open store vs bare node:crypto AES-256-GCM;
 *  2. validating a typical deployment config;
 *  3. opening a file store of 10,000 secrets (production scrypt cost) and rotating it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConfigValidator, AppSecrets } from '@gati-framework/production-hardening';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Median ops/s of each function over `rounds` interleaved rounds (same load conditions for all). */
function opsPerSecond(ops: number, rounds: number, fns: (() => void)[]): number[] {
  for (const fn of fns) for (let i = 0; i < ops; i += 1) fn(); // warm-up
  const rates: number[][] = fns.map(() => []);
  for (let r = 0; r < rounds; r += 1) {
    fns.forEach((fn, k) => {
      const t0 = performance.now();
      for (let i = 0; i < ops; i += 1) fn();
      rates[k]?.push(ops / ((performance.now() - t0) / 1000));
    });
  }
  return rates.map(median);
}

async function main(): Promise<void> {
  const out: string[] = [];
  const value = randomBytes(768).toString('base64').slice(0, 1024); // 1 KiB of text
  const manager = new AppSecrets();

  // 1. Envelope encrypt + decrypt with an open store, against bare AES-256-GCM with a fresh IV and AAD.
  const store = await manager.open({ key: randomBytes(32) });
  let sink = 0;
  const key = randomBytes(32);
  const aad = Buffer.from('db-password');
  const plain = Buffer.from(value);
  const storeBytes = (): void => {
    sink += store.decryptBytes('db-password', store.encryptBytes('db-password', plain)).length;
  };
  const storeString = (): void => {
    sink += store.decrypt('db-password', store.encrypt('db-password', value)).length;
  };
  const bare = (): void => {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    c.setAAD(aad);
    const ct = Buffer.concat([c.update(plain), c.final()]);
    const tag = c.getAuthTag();
    const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    d.setAAD(aad);
    d.setAuthTag(tag);
    sink += Buffer.concat([d.update(ct), d.final()]).length;
  };
  const [storeRate = 0, bareRate = 0, stringRate = 0] = opsPerSecond(10_000, 9, [storeBytes, bare, storeString]);
  await store.close();

  // 2. Validation of a typical production config.
  const validator = new ConfigValidator();
  const config = {
    appName: 'shop-api',
    environment: 'production',
    cloudProvider: 'aws',
    image: 'registry.example.com/shop-api:1.4.2',
    replicas: 3,
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    probes: { liveness: { path: '/health/live', port: 3000 }, readiness: { path: '/health/ready', port: 3000 } },
    autoscaling: { workload: 'api', minReplicas: 3, maxReplicas: 20 },
    networking: { port: 3000, ingress: { enabled: true, host: 'shop.example.com', tls: true } },
    kubernetes: { clusterName: 'prod-eu', namespace: 'shop' },
  };
  for (let i = 0; i < 2000; i += 1) validator.validate(config);
  const times: number[] = [];
  for (let i = 0; i < 5000; i += 1) {
    const t0 = performance.now();
    if (!validator.validate(config).valid) throw new Error('config should be valid');
    times.push(performance.now() - t0);
  }
  const jsonTimes: number[] = [];
  for (let i = 0; i < 5000; i += 1) {
    const t0 = performance.now();
    validator.validateWithJSONSchema(config);
    jsonTimes.push(performance.now() - t0);
  }

  // 3. A file store of 10,000 secrets: open (scrypt N = 2^17, derived once) and rotate.
  const dir = await mkdtemp(join(tmpdir(), 'gati-bench-'));
  let openMs: number[] = [];
  let rotateMs: number[] = [];
  try {
    const file = join(dir, 'secrets.enc');
    const passphrase = 'benchmark passphrase, production cost';
    const seed = await manager.open({ file, passphrase });
    const t0 = performance.now();
    await seed.setMany(Array.from({ length: 10_000 }, (_, i) => [`secret-${i}`, `${value.slice(0, 64)}-${i}`] as const));
    const writeMs = performance.now() - t0;
    await seed.close();
    openMs = [];
    rotateMs = [];
    for (let r = 0; r < 3; r += 1) {
      const a = performance.now();
      const s = await manager.open({ file, passphrase });
      openMs.push(performance.now() - a);
      const b = performance.now();
      const res = await s.rotate();
      rotateMs.push(performance.now() - b);
      if (res.reencrypted !== 10_000) throw new Error('rotation lost secrets');
      await s.close();
    }
    out.push(`- 10,000 secrets written in one atomic write: ${writeMs.toFixed(0)} ms`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(
    [
      '## @gati-framework/production-hardening',
      '',
      `Machine: ${cpus().length} CPUs (\`nproc\`), ${cpu}, Node ${process.version}. Command: \`pnpm --filter @gati-framework/production-hardening bench\` (after \`pnpm build\`).`,
      '',
      '| measurement | result | goal |',
      '| --- | --- | --- |',
      `| encrypt + decrypt 1 KiB, open store (envelope v1, \`encryptBytes\`/\`decryptBytes\`) | ${Math.round(storeRate).toLocaleString('en-US')} ops/s (median of 9 interleaved rounds × 10,000) | ≥ 50,000 ops/s |`,
      `| same, bare node:crypto AES-256-GCM (randomBytes IV, AAD), same rounds | ${Math.round(bareRate).toLocaleString('en-US')} ops/s | — |`,
      `| ratio bare / store | ${(bareRate / storeRate).toFixed(2)}× | ≤ 2× |`,
      `| same through the string API (\`encrypt\`/\`decrypt\`, base64url + UTF-8) | ${Math.round(stringRate).toLocaleString('en-US')} ops/s | — |`,
      `| validate a typical deployment config (zod + rules) | median ${(median(times) * 1000).toFixed(1)} µs (5,000 runs) | ≤ 0.2 ms |`,
      `| validate through the JSON Schema (Ajv 2020) + rules | median ${(median(jsonTimes) * 1000).toFixed(1)} µs | — |`,
      `| open a 10,000-secret file store (scrypt N = 2^17, r = 8, p = 1) | median ${median(openMs).toFixed(0)} ms (3 runs) | report |`,
      `| rotate it (new key version, re-encrypt all, one atomic write) | median ${median(rotateMs).toFixed(0)} ms (3 runs) | report |`,
      '',
      ...out,
      '',
    ].join('\n'),
  );
  if (sink < 0) process.stdout.write(String(sink));
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
