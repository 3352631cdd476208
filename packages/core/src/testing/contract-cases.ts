import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { ClusterConfigInput } from '../config/cluster.js';
import { isGatiError } from '../errors/gati-error.js';
import type { GatiErrorCode } from '../errors/codes.js';
import type { ProgressEvent } from '../progress/progress.js';
import type { BaseProviderConfig, ICloudProvider } from '../provider/cloud-provider.js';

/** How the contract gets providers: a new, uninitialized one per call. */
export interface ContractOptions {
  /** Passed to `initialize`. Default `{}`. */
  initConfig?: BaseProviderConfig | (() => BaseProviderConfig);
  /** The cluster to create; default a small one-pool cluster named `contract-<random>`. */
  clusterConfig?: ClusterConfigInput;
  /** Time limit handed to each long operation. Default 60 000 ms. */
  operationTimeoutMs?: number;
  /** How soon after abort() the operation must reject. Default 2000 ms. */
  abortWithinMs?: number;
  /**
   * The cloud's limit on one stored secret (its JSON), when it is under 60 KiB (Key Vault: 25 KB).
   * The contract then round-trips a value just under it and expects a 60 KiB one refused with
   * INVALID_CONFIG; without it, the 60 KiB value must round-trip.
   */
  maxSecretBytes?: number;
}

export interface ContractContext {
  provider: ICloudProvider;
  cluster: ClusterConfigInput;
  options: Required<Omit<ContractOptions, 'clusterConfig' | 'initConfig' | 'maxSecretBytes'>> & { initConfig: () => BaseProviderConfig; maxSecretBytes?: number };
  makeProvider: () => ICloudProvider | Promise<ICloudProvider>;
  firstCreatedAt?: number;
  endpoint?: string;
}

export interface ContractCase {
  name: string;
  run(ctx: ContractContext): Promise<void>;
}

/** Asserts that `promise` rejects with a GatiError of `code`, and returns that error. */
export async function expectGatiError(promise: Promise<unknown>, code: GatiErrorCode): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected a GatiError ${code}, but the call succeeded`);
  assert.ok(isGatiError(caught), `expected a GatiError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, `expected code ${code}, got ${caught.code}: ${caught.message}`);
  return caught;
}

export function defaultContractCluster(): ClusterConfigInput {
  return {
    name: `contract-${Math.random().toString(36).slice(2, 8)}`,
    version: '1.31',
    nodePools: [{ name: 'general', instanceType: 'm5.large', minNodes: 1, desiredNodes: 2, maxNodes: 3, diskSizeGb: 50 }],
    tags: { suite: 'contract' },
  };
}

function kubeconfigCluster(yamlText: string): { server: string; ca: string; user: Record<string, unknown> } {
  const doc = parse(yamlText) as Record<string, unknown>;
  assert.equal(doc['kind'], 'Config', 'kubeconfig kind must be Config');
  const contextName = doc['current-context'];
  const contexts = doc['contexts'] as { name: string; context: { cluster: string; user: string } }[];
  const context = contexts.find((c) => c.name === contextName);
  assert.ok(context, 'current-context must name a context');
  const cluster = (doc['clusters'] as { name: string; cluster: Record<string, string> }[]).find((c) => c.name === context.context.cluster);
  const user = (doc['users'] as { name: string; user: Record<string, unknown> }[]).find((u) => u.name === context.context.user);
  assert.ok(cluster && user, 'the context must name a cluster and a user that exist');
  const server = cluster.cluster['server'] ?? '';
  const ca = Buffer.from(cluster.cluster['certificate-authority-data'] ?? '', 'base64').toString('utf8');
  return { server, ca, user: user.user };
}

/** The ordered cases of the provider contract; they share one context and must run in order. */
export function contractCases(): ContractCase[] {
  return [
    {
      name: 'rejects every operation before initialize with NOT_INITIALIZED',
      async run(ctx) {
        const fresh = await ctx.makeProvider();
        try {
          await expectGatiError(fresh.getCluster(ctx.cluster.name), 'NOT_INITIALIZED');
          await expectGatiError(fresh.createCluster(ctx.cluster), 'NOT_INITIALIZED');
          await expectGatiError(fresh.storeSecret({ name: 'never-stored', values: { a: 'b' } }), 'NOT_INITIALIZED');
          await expectGatiError(fresh.retrieveSecret('never-stored'), 'NOT_INITIALIZED');
          await expectGatiError(fresh.getKubeconfig(ctx.cluster.name), 'NOT_INITIALIZED');
        } finally {
          await fresh.close();
        }
      },
    },
    {
      name: 'validateConfig and createCluster report invalid config with field paths',
      async run(ctx) {
        const bad = {
          ...ctx.cluster,
          name: 'Bad_Name',
          version: 'latest',
          nodePools: [{ name: 'p', instanceType: 'x', minNodes: 5, desiredNodes: 2, maxNodes: 3 }],
        };
        const result = await ctx.provider.validateConfig(bad);
        assert.equal(result.valid, false);
        const paths = result.errors.map((e) => e.path);
        for (const p of ['name', 'version', 'nodePools.0.minNodes']) assert.ok(paths.includes(p), `missing error at ${p}; got ${paths.join(', ')}`);
        assert.equal((await ctx.provider.validateConfig(ctx.cluster)).valid, true, 'the sample config must be valid');
        const error = await expectGatiError(ctx.provider.createCluster(bad as ClusterConfigInput), 'INVALID_CONFIG');
        assert.match(error.message, /nodePools\.0\.minNodes/);
      },
    },
    {
      name: 'planCluster lists ordered steps and changes nothing',
      async run(ctx) {
        const plan = await ctx.provider.planCluster(ctx.cluster);
        assert.equal(plan.clusterName, ctx.cluster.name);
        const cluster = plan.steps.find((s) => s.kind === 'cluster');
        assert.ok(cluster, 'plan must contain a cluster step');
        assert.equal(cluster.action, 'create');
        for (const pool of ctx.cluster.nodePools) {
          const step = plan.steps.find((s) => s.kind === 'node-pool' && s.name === pool.name);
          assert.ok(step, `plan must contain node pool ${pool.name}`);
          assert.ok(plan.steps.indexOf(step) > plan.steps.indexOf(cluster), 'node pools come after the cluster');
        }
        await expectGatiError(ctx.provider.getCluster(ctx.cluster.name), 'NOT_FOUND');
      },
    },
    {
      name: 'createCluster reaches ACTIVE with progress events in order',
      async run(ctx) {
        const events: ProgressEvent[] = [];
        const info = await ctx.provider.createCluster(ctx.cluster, { timeoutMs: ctx.options.operationTimeoutMs, onProgress: (e) => events.push(e) });
        assert.equal(info.status, 'ACTIVE');
        assert.ok(events.length >= 2, 'expected at least a started and a succeeded event');
        assert.equal(events[0]?.phase, 'started', 'the first event must be started');
        assert.equal(events.at(-1)?.phase, 'succeeded', 'the last event must be succeeded');
        assert.ok(!events.some((e) => e.phase === 'failed'), 'no failed event on success');
        for (let i = 1; i < events.length; i++) {
          assert.ok((events[i]?.elapsedMs ?? 0) >= (events[i - 1]?.elapsedMs ?? 0), 'elapsedMs must not go backwards');
        }
        const got = await ctx.provider.getCluster(ctx.cluster.name);
        assert.equal(got.status, 'ACTIVE');
        assert.equal(got.name, ctx.cluster.name);
        assert.equal(got.version, ctx.cluster.version);
        assert.deepEqual(got.nodePools.map((p) => p.name).sort(), ctx.cluster.nodePools.map((p) => p.name).sort());
        ctx.firstCreatedAt = got.createdAt.getTime();
        ctx.endpoint = got.endpoint;
      },
    },
    {
      name: 'getKubeconfig returns YAML with server, CA and user',
      async run(ctx) {
        const exec = kubeconfigCluster(await ctx.provider.getKubeconfig(ctx.cluster.name));
        assert.match(exec.server, /^https:\/\//);
        assert.match(exec.ca, /-----BEGIN CERTIFICATE-----/);
        assert.ok('exec' in exec.user || 'token' in exec.user, 'the user must carry an exec plugin or a token');
        const token = kubeconfigCluster(await ctx.provider.getKubeconfig(ctx.cluster.name, { auth: 'token' }));
        assert.equal(typeof token.user['token'], 'string');
        assert.ok((token.user['token'] as string).length > 10, 'the token must not be empty');
      },
    },
    {
      name: 'a second createCluster of the same cluster is idempotent',
      async run(ctx) {
        const again = await ctx.provider.createCluster(ctx.cluster, { timeoutMs: ctx.options.operationTimeoutMs });
        assert.equal(again.status, 'ACTIVE');
        assert.equal(again.createdAt.getTime(), ctx.firstCreatedAt, 'the same cluster must be returned, not a new one');
        assert.equal(again.endpoint, ctx.endpoint);
        const plan = await ctx.provider.planCluster(ctx.cluster);
        assert.ok(plan.steps.every((s) => s.action === 'exists'), `after create every plan step must be "exists": ${JSON.stringify(plan.steps)}`);
      },
    },
    {
      name: 'abort stops a wait promptly with ABORTED',
      async run(ctx) {
        const controller = new AbortController();
        const name = `${ctx.cluster.name.slice(0, 33)}-abort`;
        let abortedAt = 0;
        const pending = ctx.provider.createCluster(
          { ...ctx.cluster, name },
          {
            signal: controller.signal,
            timeoutMs: ctx.options.operationTimeoutMs,
            onProgress: (e) => {
              if (e.phase === 'waiting' && !abortedAt) {
                abortedAt = performance.now();
                controller.abort(new Error('test abort'));
              }
            },
          },
        );
        await expectGatiError(pending, 'ABORTED');
        assert.ok(abortedAt > 0, 'the operation must report a waiting phase before finishing');
        const took = performance.now() - abortedAt;
        assert.ok(took <= ctx.options.abortWithinMs, `ABORTED came ${Math.round(took)} ms after abort()`);
        // Leave nothing behind: finish the half-made cluster, then delete it.
        await ctx.provider.createCluster({ ...ctx.cluster, name }, { timeoutMs: ctx.options.operationTimeoutMs });
        await ctx.provider.deleteCluster(name, { timeoutMs: ctx.options.operationTimeoutMs });
      },
    },
    {
      name: 'secrets round-trip unicode, an empty map and a 60 KiB value (or the cloud\'s limit, and refuse more), and overwrite',
      async run(ctx) {
        const base = `${ctx.cluster.name}-secret`;
        const unicode = { greeting: 'héllo wörld ✓ 你好 🚀', 'multi-line': 'a\nb\r\n"quoted"\t\\' };
        await ctx.provider.storeSecret({ name: `${base}-unicode`, values: unicode });
        assert.deepEqual(await ctx.provider.retrieveSecret(`${base}-unicode`), unicode);
        await ctx.provider.storeSecret({ name: `${base}-empty`, values: {} });
        assert.deepEqual(await ctx.provider.retrieveSecret(`${base}-empty`), {});
        const limit = ctx.options.maxSecretBytes;
        const big = { blob: 'x'.repeat(limit === undefined ? 60 * 1024 : limit - 64) };
        if (limit !== undefined) {
          await expectGatiError(ctx.provider.storeSecret({ name: `${base}-big`, values: { blob: 'x'.repeat(60 * 1024) } }), 'INVALID_CONFIG');
        }
        await ctx.provider.storeSecret({ name: `${base}-big`, values: big });
        assert.deepEqual(await ctx.provider.retrieveSecret(`${base}-big`), big);
        await ctx.provider.storeSecret({ name: `${base}-unicode`, values: { replaced: 'yes' } });
        assert.deepEqual(await ctx.provider.retrieveSecret(`${base}-unicode`), { replaced: 'yes' }, 'a second store must overwrite');
        await expectGatiError(ctx.provider.retrieveSecret(`${base}-missing`), 'NOT_FOUND');
        for (const suffix of ['unicode', 'empty', 'big']) {
          await ctx.provider.deleteSecret(`${base}-${suffix}`, { force: true });
          await expectGatiError(ctx.provider.retrieveSecret(`${base}-${suffix}`), 'NOT_FOUND');
        }
      },
    },
    {
      name: 'deleteCluster removes it and getCluster then rejects NOT_FOUND',
      async run(ctx) {
        await ctx.provider.deleteCluster(ctx.cluster.name, { timeoutMs: ctx.options.operationTimeoutMs });
        await expectGatiError(ctx.provider.getCluster(ctx.cluster.name), 'NOT_FOUND');
      },
    },
  ];
}

/** Builds the shared context: an initialized provider and resolved options. */
export async function createContractContext(
  makeProvider: () => ICloudProvider | Promise<ICloudProvider>,
  options: ContractOptions = {},
): Promise<ContractContext> {
  const initConfig = typeof options.initConfig === 'function' ? options.initConfig : () => (options.initConfig ?? {}) as BaseProviderConfig;
  const provider = await makeProvider();
  await provider.initialize(initConfig());
  return {
    provider,
    makeProvider,
    cluster: options.clusterConfig ?? defaultContractCluster(),
    options: {
      initConfig,
      operationTimeoutMs: options.operationTimeoutMs ?? 60_000,
      abortWithinMs: options.abortWithinMs ?? 2000,
      ...(options.maxSecretBytes === undefined ? {} : { maxSecretBytes: options.maxSecretBytes }),
    },
  };
}
