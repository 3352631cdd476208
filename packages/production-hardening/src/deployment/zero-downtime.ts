import {
  GatiError,
  isGatiError,
  noopLogger,
  parseConfig,
  type DeploymentEvent,
  type DeploymentResult,
  type Logger,
  type OperationOptions,
  type ProgressEvent,
} from '@gati-framework/core';
import { KubeClient, REVISION_ANNOTATION, type KubeObject, type ObjectRef } from '@gati-framework/kubernetes';
import { generateManifests } from '../manifests/deployment-manifests.js';
import type { KubernetesObject } from '../manifests/types.js';
import { DeploymentConfigSchema, type DeploymentConfig, type DeploymentConfigInput } from '../validation/deployment-config.js';
import { checkDeployOptions, checkSmokeTests } from './deploy-options.js';
import { diffDesired, type FieldChange } from './diff.js';
import { keptCleanup, removeCreated, type FirstDeployCleanup } from './first-deploy.js';
import { withRolloutStrategy, type RolloutOverrides } from './rollout-strategy.js';
import { runSmokeTests, verifyDeploymentHealth, type HealthVerdict, type SmokeTest, type SmokeTestReport, type SmokeTestOptions } from './smoke-tests.js';

/** Where smoke tests go: a URL, or a function of the new revision (e.g. a per-revision preview address). */
export type SmokeTestTarget = string | ((context: { revision: number; config: DeploymentConfig }) => string | Promise<string>);

export interface DeployOptions extends OperationOptions {
  /** Kubeconfig YAML or a path to one. */
  kubeconfig: string;
  /** Kubeconfig context; default the current one. */
  context?: string;
  /** HTTP checks run after the rollout, when only the new revision serves. */
  smokeTests?: { baseUrl: SmokeTestTarget; tests: SmokeTest[] };
  /** Report the manifests and the difference to what is live; change nothing. */
  dryRun?: boolean;
  /** Server-side apply field manager. Default `gati-deploy`. */
  fieldManager?: string;
  /** Overall limit for apply + rollout + smoke tests, 1 ms to 24 h. Default 10 minutes. */
  timeoutMs?: number;
  /** Limit for rolling back and verifying the rollback (it runs even after an abort), 1 ms to 24 h. Default 5 minutes. */
  rollbackTimeoutMs?: number;
  /**
   * A first deploy (no earlier revision) that fails has nothing to roll back to: `keep` (default)
   * leaves what it created and reports the `kubectl delete` command in `cleanup`; `remove` deletes
   * the objects it created (never ones that existed before; the namespace stays).
   */
  onFirstDeployFailure?: 'keep' | 'remove';
  /** Deployment fields to override (strategy fenceposts, `minReadySeconds`, `progressDeadlineSeconds`). */
  rollout?: RolloutOverrides & { maxRestarts?: number; podCheckIntervalMs?: number };
}

/** One object a deploy (or dry run) would change. */
export interface ManifestChange {
  kind: string;
  name: string;
  action: 'create' | 'update' | 'unchanged';
  fields: FieldChange[];
}

export interface DeployResult extends DeploymentResult {
  /** The manifests that were (or would be) applied, in order. */
  manifests: KubernetesObject[];
  /** With `dryRun`: what would change. */
  changes?: ManifestChange[];
  /** True when the config matched what was live and nothing was touched. */
  unchanged?: boolean;
  smokeTests?: SmokeTestReport;
  /** After a failed first deploy: what it created, and whether it was removed. */
  cleanup?: FirstDeployCleanup;
}

export interface ZeroDowntimeDeploymentOptions {
  logger?: Logger;
}

type Step = 'validate' | 'apply' | 'rollout' | 'smoke-tests' | 'rollback';

/**
 * Zero-downtime deploys of a validated `DeploymentConfig`: apply (server-side) → verify the rollout
 * → smoke tests → and on any failure roll back to the previous revision and verify that too.
 */
export class ZeroDowntimeDeployment {
  private readonly logger: Logger;

  constructor(options: ZeroDowntimeDeploymentOptions = {}) {
    this.logger = (options.logger ?? noopLogger).child({ component: 'zero-downtime-deployment' });
  }

  /** The manifests `deploy` applies for a config (environment rolling-update strategy and overrides included). */
  manifests(config: DeploymentConfigInput | DeploymentConfig, overrides: RolloutOverrides = {}): KubernetesObject[] {
    const parsed = this.parse(config);
    const generated = generateManifests(parsed);
    return generated.list.map((o) => (o === generated.deployment ? withRolloutStrategy(o, parsed.environment, overrides) : o));
  }

  /** Runs HTTP smoke tests on their own. */
  runSmokeTests(baseUrl: string, tests: SmokeTest[], options: SmokeTestOptions = {}): Promise<SmokeTestReport> {
    return runSmokeTests(baseUrl, tests, options);
  }

  /** Polls a health URL until it answers 2xx or the time runs out. */
  verifyDeploymentHealth(url: string, timeoutMs?: number): Promise<HealthVerdict> {
    return verifyDeploymentHealth(url, timeoutMs);
  }

  private parse(config: unknown): DeploymentConfig {
    return parseConfig(DeploymentConfigSchema, config, 'deployment config');
  }

  async deploy(input: DeploymentConfigInput | DeploymentConfig, options: DeployOptions): Promise<DeployResult> {
    const events: DeploymentEvent[] = [];
    const started = performance.now();
    const note = (step: string, message: string, phase: ProgressEvent['phase'] = 'waiting'): void => {
      events.push({ at: new Date(), step, message });
      this.logger.info(message, { step });
      try {
        options.onProgress?.({ operation: 'deploy', resource: step, phase, message, elapsedMs: Math.round(performance.now() - started) });
      } catch {
        // a faulty listener must not break the deploy
      }
    };
    const config = this.parse(input);
    checkDeployOptions(options); // before anything reaches the cluster: a bad timeout or URL is INVALID_CONFIG
    const manifests = this.manifests(config, options.rollout);
    const kube = KubeClient.fromKubeconfig(options.kubeconfig, { ...(options.context ? { context: options.context } : {}), logger: this.logger });
    try {
      return await this.run(kube, config, manifests, options, note, events);
    } finally {
      kube.close();
    }
  }

  private async run(
    kube: KubeClient,
    config: DeploymentConfig,
    manifests: KubernetesObject[],
    options: DeployOptions,
    note: (step: string, message: string, phase?: ProgressEvent['phase']) => void,
    events: DeploymentEvent[],
  ): Promise<DeployResult> {
    const name = config.appName;
    const namespace = config.kubernetes.namespace;
    const depRef = { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace };
    const objects: KubeObject[] = manifests;

    if (options.dryRun) return { status: 'succeeded', events, manifests, changes: await this.plan(kube, objects, namespace) };

    const timeout = AbortSignal.timeout(options.timeoutMs ?? 10 * 60_000);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const created: ObjectRef[] = [];
    const before = await kube.get(depRef, { signal });
    const previousRevision = before ? Number(before.metadata.annotations?.[REVISION_ANNOTATION] ?? 0) || undefined : undefined;
    let revision: number | undefined;
    let step: Step = 'apply';
    note('deploy', `deploying ${config.image} as ${namespace}/${name} (${config.environment})${previousRevision ? `, live revision ${previousRevision}` : ''}`, 'started');
    try {
      await this.ensureNamespace(kube, namespace, signal);
      // One object at a time, so a failure part-way still knows what this deploy created.
      const applied = [];
      for (const o of objects) {
        const [a] = await kube.apply([o], { fieldManager: options.fieldManager ?? 'gati-deploy', signal });
        if (!a) continue;
        applied.push(a);
        if (a.action === 'created') created.push(a.ref);
        note('apply', `${a.ref.kind}/${a.ref.name} ${a.action}`);
      }
      if (applied.every((a) => a.action === 'unchanged')) {
        step = 'rollout';
        const status = await kube.rolloutStatus(depRef, this.rolloutOptions(options, signal, note));
        note('deploy', `nothing changed: revision ${status.revision} is live and rolled out`, 'succeeded');
        return { status: 'succeeded', revision: status.revision, ...(previousRevision ? { previousRevision } : {}), events, manifests, unchanged: true };
      }
      step = 'rollout';
      const rollout = await kube.rolloutStatus(depRef, this.rolloutOptions(options, signal, note));
      revision = rollout.revision;
      note('rollout', `revision ${revision} rolled out`);
      let smokeTests: SmokeTestReport | undefined;
      if (options.smokeTests && options.smokeTests.tests.length > 0) {
        step = 'smoke-tests';
        const target = options.smokeTests.baseUrl;
        const baseUrl = typeof target === 'string' ? target : await target({ revision, config });
        checkSmokeTests(baseUrl, options.smokeTests.tests); // a function's answer is only known now
        smokeTests = await runSmokeTests(baseUrl, options.smokeTests.tests, { signal, headers: { 'x-gati-revision': String(revision) } });
        for (const r of smokeTests.results) note('smoke-tests', `${r.passed ? 'passed' : 'FAILED'}: ${r.name}${r.error ? ` (${r.error})` : ''} after ${r.attempts} attempt(s)`);
        if (!smokeTests.passed) {
          const failed = smokeTests.results.filter((r) => !r.passed);
          throw new GatiError('PROVIDER_ERROR', `${failed.length} smoke test(s) failed: ${failed.map((r) => `${r.name}: ${r.error ?? 'failed'}`).join('; ')}`, { retryable: false, details: { smokeTests } });
        }
      }
      note('deploy', `revision ${revision} of ${name} is live`, 'succeeded');
      return { status: 'succeeded', revision, ...(previousRevision ? { previousRevision } : {}), events, manifests, ...(smokeTests ? { smokeTests } : {}) };
    } catch (error) {
      const reason = this.reason(error, options.signal, timeout, options.timeoutMs ?? 10 * 60_000);
      note(step, `${step} failed: ${reason}`, 'waiting');
      const failure = { step, reason };
      const base = { ...(previousRevision ? { previousRevision } : {}), ...(revision ? { revision } : {}), events, manifests };
      if (!previousRevision) return { status: 'failed', failure, ...base, cleanup: await this.firstDeployFailed(kube, namespace, created, options, note) };
      return this.rollBack(kube, depRef, previousRevision, options, note, failure, base);
    }
  }

  private async rollBack(
    kube: KubeClient,
    depRef: { apiVersion: string; kind: string; name: string; namespace: string },
    previousRevision: number,
    options: DeployOptions,
    note: (step: string, message: string, phase?: ProgressEvent['phase']) => void,
    failure: { step: string; reason: string },
    base: Omit<DeployResult, 'status'>,
  ): Promise<DeployResult> {
    // The rollback must run even when the caller aborted the deploy: it gets its own time budget.
    const signal = AbortSignal.timeout(options.rollbackTimeoutMs ?? 5 * 60_000);
    try {
      note('rollback', `rolling back to revision ${previousRevision}`);
      const r = await kube.rollback(depRef, previousRevision, { signal });
      if (!r.rolledBack) note('rollback', `revision ${previousRevision} already holds the live template`);
      const status = await kube.rolloutStatus(depRef, this.rolloutOptions({ ...options, timeoutMs: options.rollbackTimeoutMs ?? 5 * 60_000 }, signal, note));
      note('rollback', `rolled back: revision ${status.revision} (the template of revision ${previousRevision}) is live and healthy`, 'failed');
      return { ...base, status: 'rolled_back', failure, revision: status.revision };
    } catch (error) {
      const reason = this.reason(error, undefined, signal, options.rollbackTimeoutMs ?? 5 * 60_000);
      note('rollback', `rollback failed: ${reason}`, 'failed');
      return { ...base, status: 'failed', failure: { step: failure.step, reason: `${failure.reason}; rollback failed: ${reason}` } };
    }
  }

  private rolloutOptions(options: DeployOptions, signal: AbortSignal, note: (step: string, message: string) => void): Parameters<KubeClient['rolloutStatus']>[1] {
    return {
      signal,
      timeoutMs: options.timeoutMs ?? 10 * 60_000,
      ...(options.rollout?.maxRestarts !== undefined ? { maxRestarts: options.rollout.maxRestarts } : {}),
      ...(options.rollout?.podCheckIntervalMs !== undefined ? { podCheckIntervalMs: options.rollout.podCheckIntervalMs } : {}),
      onProgress: (e) => {
        if (e.phase === 'waiting') note('rollout', e.message);
      },
    };
  }

  private async firstDeployFailed(
    kube: KubeClient,
    namespace: string,
    created: ObjectRef[],
    options: DeployOptions,
    note: (step: string, message: string, phase?: ProgressEvent['phase']) => void,
  ): Promise<FirstDeployCleanup> {
    if (options.onFirstDeployFailure !== 'remove') {
      const kept = keptCleanup(namespace, created);
      const how = kept.command ? ` Remove what it created with: ${kept.command} (or deploy with onFirstDeployFailure: 'remove').` : '';
      note('rollback', `no previous revision to roll back to; the failed revision stays in place.${how}`, 'failed');
      return kept;
    }
    // Like a rollback, the removal runs even after an abort, with its own budget.
    const removed = await removeCreated(kube, created, AbortSignal.timeout(options.rollbackTimeoutMs ?? 5 * 60_000));
    note(
      'rollback',
      removed.removed
        ? `no previous revision to roll back to; removed what this deploy created: ${removed.objects.join(', ') || 'nothing'}`
        : `no previous revision to roll back to; removing what this deploy created failed (${(removed.errors ?? []).join('; ')}). Remove it with: ${removed.command}`,
      'failed',
    );
    return removed;
  }

  private reason(error: unknown, userSignal: AbortSignal | undefined, timeout: AbortSignal, timeoutMs: number): string {
    if (userSignal?.aborted) {
      const why = userSignal.reason as { name?: unknown } | undefined;
      return why?.name === 'TimeoutError' ? "timed out: the caller's signal (a timeout) fired" : 'aborted by the caller';
    }
    // Our own limit fired: say so, not the "aborted" of the wait it interrupted.
    if (timeout.aborted && !(isGatiError(error) && error.details?.['reason'])) return `timed out after ${timeoutMs} ms`;
    if (isGatiError(error)) {
      const r = error.details?.['reason'];
      return typeof r === 'string' ? `${r}: ${error.message}` : `${error.code}: ${error.message}`;
    }
    return error instanceof Error ? error.message : String(error);
  }

  private async ensureNamespace(kube: KubeClient, namespace: string, signal: AbortSignal): Promise<void> {
    if (await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace }, { signal })) return;
    await kube.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }], { fieldManager: 'gati-deploy', signal });
  }

  private async plan(kube: KubeClient, objects: KubeObject[], namespace: string): Promise<ManifestChange[]> {
    const nsExists = (await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace })) !== undefined;
    const out: ManifestChange[] = [];
    for (const o of objects) {
      const live = nsExists ? await kube.get({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace }) : undefined;
      if (!live) {
        out.push({ kind: o.kind, name: o.metadata.name, action: 'create', fields: [] });
        continue;
      }
      const fields = diffDesired({ metadata: { labels: o.metadata.labels, annotations: o.metadata.annotations }, spec: o.spec }, live);
      out.push({ kind: o.kind, name: o.metadata.name, action: fields.length ? 'update' : 'unchanged', fields });
    }
    return out;
  }
}
