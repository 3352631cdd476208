import { existsSync, readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { GatiError, isGatiError, noopLogger, ProgressReporter, sleep, type Logger, type OperationOptions } from '@gati-framework/core';
import { deploymentRolloutVerdict, detectPodFailure, type PodFailure } from '../rollout/rollout-status.js';
import { ownedReplicaSets, planRollback, revisionOf } from '../rollout/rollback.js';
import { ResourceResolver } from './resources.js';
import { KubeTransport } from './transport.js';
import { describeRef, refOf, type KubeObject, type ListRef, type ObjectRef } from './types.js';
import { waitForObject, type WaitForOptions, type WaitPredicate } from './wait-for.js';

export interface KubeClientOptions {
  /** Context to use; default the kubeconfig's current context. */
  context?: string;
  logger?: Logger;
}

export interface ApplyOptions {
  /** Field manager of server-side apply. Default `gati`. */
  fieldManager?: string;
  /** Take over fields another manager owns (as CI deployers do). Default true. */
  force?: boolean;
  /** Ask the server what would happen without persisting (`dryRun=All`). Default false. */
  dryRun?: boolean;
  signal?: AbortSignal;
}

/** What applying one object did. */
export interface ApplyResult {
  ref: ObjectRef;
  action: 'created' | 'configured' | 'unchanged';
  /** The object as stored (or as it would be, with `dryRun`). */
  object: KubeObject;
}

export interface DeleteOptions extends OperationOptions {
  /** Wait until the object (and, with the default Foreground policy, its dependents) is gone. Default true. */
  wait?: boolean;
  /** Default `Foreground`. */
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
}

export interface RolloutStatusOptions extends OperationOptions {
  /** Wall-clock limit of the whole rollout. Default 10 minutes. */
  timeoutMs?: number;
  /** A container restarted this many times fails the rollout. Default 3. */
  maxRestarts?: number;
  /** How often pods of the new revision are checked for failures. Default 1000 ms. */
  podCheckIntervalMs?: number;
}

/** A finished rollout. */
export interface RolloutResult {
  revision: number;
  message: string;
}

export interface RollbackResult {
  /** False when the template already matched the target revision (nothing changed). */
  rolledBack: boolean;
  fromRevision: number;
  toRevision: number;
}

/** The Kubernetes client of the toolkit: server-side apply, watches, rollouts, load balancer addresses. */
export class KubeClient {
  private readonly transport: KubeTransport;
  private readonly resolver: ResourceResolver;
  private readonly logger: Logger;
  /** The kubeconfig context's namespace (or `default`). */
  readonly namespace: string;

  private constructor(kc: KubeConfig, options: KubeClientOptions) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new GatiError('INVALID_CONFIG', 'The kubeconfig has no cluster for its current context; check current-context and clusters.', { provider: 'kubernetes' });
    this.transport = new KubeTransport(kc, cluster.server);
    this.resolver = new ResourceResolver(this.transport);
    this.logger = (options.logger ?? noopLogger).child({ component: 'kube-client' });
    const ctx = kc.getContextObject(kc.getCurrentContext());
    this.namespace = ctx?.namespace ?? 'default';
  }

  /** Closes pooled connections (open watches end with their operations); idempotent. */
  close(): void {
    this.transport.close();
  }

  /** The API server URL of the selected context. */
  get server(): string {
    return this.transport.server;
  }

  /** Loads a kubeconfig from YAML text or a file path. */
  static fromKubeconfig(yamlOrPath: string, options: KubeClientOptions = {}): KubeClient {
    const kc = new KubeConfig();
    try {
      const isText = yamlOrPath.includes('\n') || yamlOrPath.includes('apiVersion:');
      if (isText) kc.loadFromString(yamlOrPath);
      else if (existsSync(yamlOrPath)) kc.loadFromString(readFileSync(yamlOrPath, 'utf8'));
      else throw new Error(`no kubeconfig file at ${yamlOrPath}`);
      if (options.context) {
        if (!kc.getContextObject(options.context)) {
          // Cloud kubeconfigs name contexts their own way (EKS: the cluster ARN; GKE: gke_PROJECT_LOCATION_NAME).
          const names = kc.getContexts().map((c) => JSON.stringify(c.name));
          throw new Error(`context "${options.context}" is not in the kubeconfig; its contexts: ${names.length > 0 ? names.join(', ') : 'none'}`);
        }
        kc.setCurrentContext(options.context);
      }
    } catch (error) {
      throw new GatiError('INVALID_CONFIG', `Cannot load the kubeconfig: ${error instanceof Error ? error.message : String(error)}`, { provider: 'kubernetes', cause: error });
    }
    return new KubeClient(kc, options);
  }

  private ns(ref: { namespace?: string }): string {
    return ref.namespace ?? this.namespace;
  }

  private async itemPath(ref: ObjectRef): Promise<string> {
    const { path } = await this.resolver.collectionPath(ref.apiVersion, ref.kind, this.ns(ref));
    return `${path}/${encodeURIComponent(ref.name)}`;
  }

  /** Reads an object; `undefined` when it does not exist. */
  async get<T extends KubeObject = KubeObject>(ref: ObjectRef, options: { signal?: AbortSignal } = {}): Promise<T | undefined> {
    try {
      return (await this.transport.json<T>({ method: 'GET', path: await this.itemPath(ref), ...(options.signal ? { signal: options.signal } : {}) }, `get ${describeRef(ref)}`)).body;
    } catch (error) {
      if (isGatiError(error, 'NOT_FOUND')) return undefined;
      throw error;
    }
  }

  /** Lists objects of one kind, optionally by label and field selector. */
  async list<T extends KubeObject = KubeObject>(ref: ListRef, options: { signal?: AbortSignal } = {}): Promise<T[]> {
    const { path } = await this.resolver.collectionPath(ref.apiVersion, ref.kind, ref.namespace);
    const { body } = await this.transport.json<{ items: T[] }>(
      { method: 'GET', path, query: { labelSelector: ref.labelSelector, fieldSelector: ref.fieldSelector }, ...(options.signal ? { signal: options.signal } : {}) },
      `list ${ref.kind}`,
    );
    return body.items.map((o) => ({ ...o, apiVersion: ref.apiVersion, kind: ref.kind }));
  }

  /**
   * Server-side apply of each object, in order: creates or updates; applying the same objects
   * again changes nothing (`unchanged`, same resourceVersion).
   */
  async apply(objects: KubeObject[], options: ApplyOptions = {}): Promise<ApplyResult[]> {
    const results: ApplyResult[] = [];
    for (const o of objects) {
      const ref = { ...refOf(o), namespace: this.ns(o.metadata) };
      const before = await this.get(ref, options);
      const { namespaced } = await this.resolver.info(o.apiVersion, o.kind);
      const metadata = { ...o.metadata };
      if (namespaced) metadata.namespace = ref.namespace;
      else delete metadata.namespace;
      const body = { ...o, metadata };
      const { body: after } = await this.transport.json<KubeObject>(
        {
          method: 'PATCH',
          path: await this.itemPath(ref),
          query: { fieldManager: options.fieldManager ?? 'gati', force: options.force ?? true, ...(options.dryRun ? { dryRun: 'All' } : {}) },
          body,
          contentType: 'application/apply-patch+yaml',
          ...(options.signal ? { signal: options.signal } : {}),
        },
        `apply ${describeRef(ref)}`,
      );
      // Controllers may bump resourceVersion (status) between the read and the apply: compare content too.
      const unchanged = before !== undefined && ((!options.dryRun && before.metadata.resourceVersion === after.metadata.resourceVersion) || sameContent(before, after));
      const action = before === undefined ? 'created' : unchanged ? 'unchanged' : 'configured';
      this.logger.debug('applied', { object: describeRef(ref), action, dryRun: options.dryRun ?? false });
      results.push({ ref, action, object: after });
    }
    return results;
  }

  /** Deletes an object (absent already is fine) and by default waits until it is gone. */
  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<void> {
    try {
      await this.transport.json({ method: 'DELETE', path: await this.itemPath(ref), query: { propagationPolicy: options.propagationPolicy ?? 'Foreground' }, ...(options.signal ? { signal: options.signal } : {}) }, `delete ${describeRef(ref)}`);
    } catch (error) {
      if (isGatiError(error, 'NOT_FOUND')) return;
      throw error;
    }
    if (options.wait === false) return;
    await this.waitFor(ref, (o) => o === undefined, { ...options, operation: 'delete' });
  }

  /** Watches one object until `predicate` holds (see {@link WaitPredicate}); resumes, relists on 410, honours timeout and signal. */
  waitFor<T = KubeObject | undefined>(ref: ObjectRef, predicate: WaitPredicate<T>, options: WaitForOptions = {}): Promise<T> {
    return waitForObject(this.transport, this.resolver, { ...ref, namespace: this.ns(ref) }, predicate, options);
  }

  /**
   * Waits for a Deployment rollout with kubectl's rules, and fails early on pod-level failures
   * (CrashLoopBackOff, ImagePullBackOff/ErrImagePull, CreateContainerConfigError, repeated restarts)
   * of the new revision, on `ProgressDeadlineExceeded`, and at the wall-clock timeout.
   */
  async rolloutStatus(deployment: ObjectRef | string, options: RolloutStatusOptions = {}): Promise<RolloutResult> {
    const ref = typeof deployment === 'string' ? { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment } : deployment;
    const namespace = this.ns(ref);
    const maxRestarts = options.maxRestarts ?? 3;
    const checkEvery = options.podCheckIntervalMs ?? 1000;
    let lastPodCheck = 0;
    const failure = (f: PodFailure, revision: number): GatiError =>
      new GatiError('PROVIDER_ERROR', `Rollout of deployment "${ref.name}" (revision ${revision}) failed: pod ${f.pod}, container ${f.container}: ${f.reason}: ${f.message}`, {
        retryable: false,
        provider: 'kubernetes',
        details: { reason: f.reason, pod: f.pod, container: f.container, restartCount: f.restartCount, revision },
      });
    return this.waitFor<RolloutResult>(
      { ...ref, namespace },
      async (d) => {
        if (!d) throw new GatiError('NOT_FOUND', `Deployment "${ref.name}" not found in namespace ${namespace}.`, { provider: 'kubernetes' });
        const verdict = deploymentRolloutVerdict(d);
        const revision = revisionOf(d);
        if (verdict.state === 'failed') {
          throw new GatiError('TIMEOUT', `Rollout of deployment "${ref.name}" (revision ${revision}) failed: ${verdict.message}.`, { retryable: false, provider: 'kubernetes', details: { reason: verdict.reason, revision } });
        }
        if (verdict.state === 'done') return { done: true, value: { revision, message: verdict.message } };
        if (Date.now() - lastPodCheck >= checkEvery) {
          lastPodCheck = Date.now();
          const f = await this.newRevisionPodFailure(d, maxRestarts, options.signal);
          if (f) throw failure(f, revision);
        }
        return { done: false, message: verdict.message };
      },
      { ...options, timeoutMs: options.timeoutMs ?? 10 * 60_000, operation: 'rolloutStatus', resyncMs: Math.min(checkEvery, 1000) },
    );
  }

  private async newRevisionPodFailure(d: KubeObject, maxRestarts: number, signal?: AbortSignal): Promise<PodFailure | undefined> {
    const namespace = d.metadata.namespace ?? this.namespace;
    const rs = ownedReplicaSets(d, await this.list({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace }, signal ? { signal } : {}));
    const newest = rs.find((r) => revisionOf(r) === revisionOf(d)) ?? rs[0];
    const hash = newest?.metadata.labels?.['pod-template-hash'];
    if (!newest || !hash) return undefined;
    const pods = await this.list({ apiVersion: 'v1', kind: 'Pod', namespace, labelSelector: `pod-template-hash=${hash}` }, signal ? { signal } : {});
    return detectPodFailure(pods.filter((p) => (p.metadata.ownerReferences ?? []).some((o) => o.uid === newest.metadata.uid)), maxRestarts);
  }

  /**
   * `kubectl rollout undo`: restores the pod template of `toRevision` (default: the previous one).
   * Refuses paused deployments; does nothing when the template already matches.
   */
  async rollback(deployment: ObjectRef | string, toRevision?: number, options: { signal?: AbortSignal } = {}): Promise<RollbackResult> {
    const ref = typeof deployment === 'string' ? { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment } : deployment;
    const d = await this.get({ ...ref, namespace: this.ns(ref) }, options);
    if (!d) throw new GatiError('NOT_FOUND', `Deployment "${ref.name}" not found in namespace ${this.ns(ref)}.`, { provider: 'kubernetes' });
    const rs = await this.list({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: this.ns(ref) }, options);
    const plan = planRollback(d, rs, toRevision);
    if (!plan.patch) return { rolledBack: false, fromRevision: plan.fromRevision, toRevision: plan.toRevision };
    await this.transport.json(
      { method: 'PATCH', path: await this.itemPath({ ...ref, namespace: this.ns(ref) }), body: plan.patch, contentType: 'application/json-patch+json', ...(options.signal ? { signal: options.signal } : {}) },
      `roll back ${describeRef(ref)}`,
    );
    this.logger.info('rolled back', { deployment: ref.name, from: plan.fromRevision, to: plan.toRevision });
    return { rolledBack: true, fromRevision: plan.fromRevision, toRevision: plan.toRevision };
  }

  /** Waits until a Service of type LoadBalancer or an Ingress has an external address; returns the hostname or IP. */
  async waitForLoadBalancer(ref: ObjectRef | { kind: 'Service' | 'Ingress'; name: string; namespace?: string }, options: OperationOptions = {}): Promise<string> {
    const full: ObjectRef = 'apiVersion' in ref ? ref : { ...ref, apiVersion: ref.kind === 'Ingress' ? 'networking.k8s.io/v1' : 'v1' };
    return this.waitFor<string>(
      full,
      (o) => {
        if (!o) return { done: false, message: `${describeRef(full)} does not exist yet` };
        if (full.kind === 'Service' && (o.spec as { type?: string } | undefined)?.type !== 'LoadBalancer') {
          throw new GatiError('INVALID_CONFIG', `Service "${full.name}" is of type ${String((o.spec as { type?: string } | undefined)?.type ?? 'ClusterIP')}, not LoadBalancer; it will never get an external address.`, { provider: 'kubernetes' });
        }
        const ingress = ((o.status as { loadBalancer?: { ingress?: { hostname?: string; ip?: string }[] } } | undefined)?.loadBalancer?.ingress ?? [])[0];
        const address = ingress?.hostname ?? ingress?.ip;
        return address ? { done: true, value: address } : { done: false, message: `waiting for an external address of ${describeRef(full)}` };
      },
      { ...options, operation: 'waitForLoadBalancer', timeoutMs: options.timeoutMs ?? 10 * 60_000 },
    );
  }

  /** Polls until the API server answers `/version` (e.g. right after a cluster was created). */
  async waitUntilReachable(options: OperationOptions = {}): Promise<{ gitVersion: string }> {
    const progress = new ProgressReporter('waitUntilReachable', options.onProgress);
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (let attempt = 0; ; attempt++) {
      try {
        const { body } = await this.transport.json<{ gitVersion: string }>({ method: 'GET', path: '/version', ...(options.signal ? { signal: options.signal } : {}), timeoutMs: 5000 }, 'version');
        return body;
      } catch (error) {
        if (!isGatiError(error) || !error.retryable || Date.now() > deadline) throw error;
        progress.emit(this.server, 'waiting', error.message);
        await sleep(Math.min(2000, 100 * 2 ** attempt), options.signal);
      }
    }
  }
}

function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): unknown => ({ ...o, status: undefined, metadata: { ...o.metadata, resourceVersion: undefined, managedFields: undefined, generation: undefined } });
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}
