import { type ClusterContext, ownedBy, type } from './cluster-context.js';
import { DeploymentController } from './deployment-controller.js';
import { Kubelet } from './kubelet.js';
import type { JsonObject } from './merge.js';
import { ReplicaSetController } from './replica-set-controller.js';
import type { ResourceType } from './resources.js';
import { meta, nowTimestamp, type StoreEvent } from './store.js';
import { ServiceControllers } from './service-controllers.js';

const WATCHED = new Set(['Deployment', 'ReplicaSet', 'Pod', 'Service', 'Ingress', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Namespace']);

/**
 * Runs every controller after each batch of changes (deferred, so watchers see events in order)
 * and on a resync timer. Each pass reconciles everything; writes that change nothing are no-ops.
 */
export class ControllerManager {
  private readonly kubelet: Kubelet;
  private readonly deployments: DeploymentController;
  private readonly replicaSets: ReplicaSetController;
  private readonly services: ServiceControllers;
  private scheduled = false;
  private running = false;
  private stopped = false;
  private readonly unsubscribe: () => void;
  private readonly resync: NodeJS.Timeout;

  constructor(private readonly c: ClusterContext) {
    this.kubelet = new Kubelet(c);
    this.deployments = new DeploymentController(c);
    this.replicaSets = new ReplicaSetController(c, (pod) => this.deletePod(pod));
    this.services = new ServiceControllers(c);
    this.unsubscribe = c.store.subscribe((e) => this.onEvent(e));
    this.resync = setInterval(() => this.schedule(), c.delays.resyncMs);
    this.resync.unref();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    clearInterval(this.resync);
  }

  private onEvent(e: StoreEvent): void {
    if (!WATCHED.has(e.resource.kind)) return;
    if (e.type === 'DELETED') {
      this.kubelet.forget(meta(e.object).uid);
      this.deployments.forget(meta(e.object).uid);
      this.services.forget(meta(e.object).uid);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.running || this.stopped) return;
      this.running = true;
      try {
        this.pass();
      } catch (error) {
        this.c.logger.warn('controller pass failed', { error: String(error) });
      } finally {
        this.running = false;
      }
    });
  }

  private pass(): void {
    const s = this.c.store;
    this.collectGarbage();
    for (const pod of s.list(type('Pod'))) this.kubelet.observe(pod);
    for (const rs of s.list(type('ReplicaSet'))) this.replicaSets.reconcile(rs);
    for (const d of s.list(type('Deployment'))) this.deployments.reconcile(d);
    for (const hpa of s.list(type('HorizontalPodAutoscaler'))) this.services.horizontalPodAutoscaler(hpa);
    for (const svc of s.list(type('Service'))) {
      this.services.endpoints(svc);
      this.services.loadBalancer(svc);
    }
    for (const ing of s.list(type('Ingress'))) this.services.loadBalancer(ing);
    for (const pdb of s.list(type('PodDisruptionBudget'))) this.services.podDisruptionBudget(pdb);
  }

  /** Deletes orphans of deleted owners; finishes foreground deletions whose dependents are gone. */
  private collectGarbage(): void {
    const s = this.c.store;
    const owners = [type('Deployment'), type('ReplicaSet')];
    const uids = new Set(owners.flatMap((t) => s.list(t).map((o) => meta(o).uid)));
    for (const t of [type('ReplicaSet'), type('Pod')]) {
      for (const o of s.list(t)) {
        const refs = meta(o).ownerReferences ?? [];
        if (refs.length > 0 && refs.every((r) => !uids.has(r.uid))) this.deleteObject(t, o);
      }
    }
    for (const t of owners) {
      for (const o of s.list(t)) {
        const m = meta(o);
        if (!m.deletionTimestamp) continue;
        const dependents = [type('ReplicaSet'), type('Pod')].some((dt) => s.list(dt, m.namespace).some((x) => ownedBy(x, m.uid)));
        if (dependents) {
          for (const x of s.list(type('Pod'), m.namespace)) if (ownedBy(x, m.uid)) this.deletePod(x);
          // Dependents that own pods are deleted in the foreground too, so the owner outlives its pods.
          for (const x of s.list(type('ReplicaSet'), m.namespace)) {
            if (ownedBy(x, m.uid) && !meta(x).deletionTimestamp) {
              s.update(type('ReplicaSet'), { ...x, metadata: { ...(x['metadata'] as JsonObject), deletionTimestamp: nowTimestamp(), finalizers: ['foregroundDeletion'] } });
            }
          }
        } else if (s.get(t, m.namespace, m.name)) s.delete(t, m.namespace, m.name);
      }
    }
  }

  private deleteObject(t: ResourceType, o: JsonObject): void {
    if (t.kind === 'Pod') return this.deletePod(o);
    if (!meta(o).deletionTimestamp && this.c.store.get(t, meta(o).namespace, meta(o).name)) this.c.store.delete(t, meta(o).namespace, meta(o).name);
  }

  /** Graceful pod deletion: marked terminating (out of endpoints), removed after `podTerminationMs`. */
  deletePod(pod: JsonObject): void {
    const m = meta(pod);
    const live = this.c.store.get(type('Pod'), m.namespace, m.name);
    if (!live || meta(live).deletionTimestamp) return;
    if (this.c.delays.podTerminationMs <= 0) {
      this.c.store.delete(type('Pod'), m.namespace, m.name);
      return;
    }
    const marked = { ...live, metadata: { ...(live['metadata'] as JsonObject), deletionTimestamp: nowTimestamp(), deletionGracePeriodSeconds: 30 } };
    this.c.store.update(type('Pod'), marked);
    this.c.timers.after(this.c.delays.podTerminationMs, () => {
      const still = this.c.store.get(type('Pod'), m.namespace, m.name);
      if (still && meta(still).uid === m.uid) this.c.store.delete(type('Pod'), m.namespace, m.name);
    });
  }

  /**
   * Deletion through the API: pods terminate gracefully; a foreground deletion of an owner
   * keeps it (with `deletionTimestamp`) until its dependents are gone. Returns the kept object, if any.
   */
  onApiDelete(t: ResourceType, o: JsonObject, propagation: string | undefined): JsonObject | undefined {
    const m = meta(o);
    if (t.kind === 'Pod') {
      if (this.c.delays.podTerminationMs <= 0) return undefined;
      this.deletePod(o);
      return this.c.store.get(t, m.namespace, m.name);
    }
    if (t.kind === 'Namespace') {
      for (const rt of [type('Deployment'), type('ReplicaSet'), type('Pod'), type('Service'), type('Endpoints'), type('Ingress'), type('HorizontalPodAutoscaler'), type('PodDisruptionBudget'), type('ConfigMap'), type('Secret'), type('ServiceAccount'), type('Event')]) {
        for (const x of this.c.store.list(rt, m.name)) this.c.store.delete(rt, m.name, meta(x).name);
      }
      return undefined;
    }
    if (propagation === 'Orphan') {
      for (const dt of [type('ReplicaSet'), type('Pod')]) {
        for (const x of this.c.store.list(dt, m.namespace).filter((x) => ownedBy(x, m.uid))) {
          this.c.store.update(dt, { ...x, metadata: { ...(x['metadata'] as JsonObject), ownerReferences: (meta(x).ownerReferences ?? []).filter((r) => r.uid !== m.uid) } as unknown as JsonObject });
        }
      }
      return undefined;
    }
    if (propagation === 'Foreground' && (t.kind === 'Deployment' || t.kind === 'ReplicaSet')) {
      if (m.deletionTimestamp) return o;
      const kept = this.c.store.update(t, { ...o, metadata: { ...(o['metadata'] as JsonObject), deletionTimestamp: nowTimestamp(), finalizers: ['foregroundDeletion'] } });
      this.schedule();
      return kept;
    }
    return undefined;
  }
}
