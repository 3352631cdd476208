import { createHash } from 'node:crypto';
import { clone, deepEqual, type Json, type JsonObject } from './merge.js';
import { type ClusterContext, controllerRef, intOrPercent, num, ownedBy, spec, status, terminating, type } from './cluster-context.js';
import { meta, nowTimestamp } from './store.js';

export const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
const HASH_LABEL = 'pod-template-hash';
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A short, label-safe hash of a pod template (what `pod-template-hash` holds). */
export function templateHash(template: Json): string {
  const digest = createHash('sha256').update(JSON.stringify(template)).digest();
  let n = digest.readUInt32BE(0);
  let s = '';
  for (let i = 0; i < 10; i++) {
    s += ALPHABET[n % ALPHABET.length];
    n = Math.floor(n / ALPHABET.length) || digest.readUInt32BE(4 + (i % 7) * 4);
  }
  return s;
}

function withoutHash(template: Json): Json {
  const t = clone(template) as JsonObject;
  const labels = (t['metadata'] as JsonObject | undefined)?.['labels'] as JsonObject | undefined;
  if (labels) delete labels[HASH_LABEL];
  return t;
}

const revisionOf = (o: JsonObject): number => Number(meta(o).annotations?.[REVISION] ?? 0);

interface Snapshot {
  updated: number;
  ready: number;
  available: number;
  oldReplicas: number;
  newRs: string;
}

/** The deployment controller: ReplicaSet per template, rolling updates within maxSurge/maxUnavailable, status and conditions. */
export class DeploymentController {
  private readonly lastProgress = new Map<string, { at: number; snapshot: Snapshot }>();

  constructor(private readonly c: ClusterContext) {}

  forget(uid: string): void {
    this.lastProgress.delete(uid);
  }

  reconcile(d: JsonObject): void {
    if (terminating(d)) return;
    const m = meta(d);
    const s = spec(d);
    const replicas = num(s['replicas'], 1);
    const template = s['template'] as JsonObject;
    const all = this.c.store.list(type('ReplicaSet'), m.namespace).filter((rs) => ownedBy(rs, m.uid));
    let newRs = all.find((rs) => deepEqual(withoutHash(spec(rs)['template'] ?? null), template));
    const old = all.filter((rs) => rs !== newRs);
    const maxRevision = Math.max(0, ...old.map(revisionOf));
    let created = false;

    if (s['paused'] === true) return this.syncStatus(d, newRs, old, false);

    if (!newRs) {
      newRs = this.createReplicaSet(d, template, maxRevision + 1);
      created = true;
    } else if (revisionOf(newRs) <= maxRevision) {
      // Rolling back to an older template: it becomes the newest revision again.
      const nm = meta(newRs);
      const history = [nm.annotations?.[REVISION_HISTORY], nm.annotations?.[REVISION]].filter(Boolean).join(',');
      newRs = this.c.store.update(type('ReplicaSet'), {
        ...newRs,
        metadata: { ...newRs['metadata'] as JsonObject, annotations: { ...(nm.annotations ?? {}), [REVISION]: String(maxRevision + 1), [REVISION_HISTORY]: history } },
      });
    }
    const revision = String(revisionOf(newRs));
    if (m.annotations?.[REVISION] !== revision) {
      d = this.c.store.update(type('Deployment'), { ...d, metadata: { ...(d['metadata'] as JsonObject), annotations: { ...(m.annotations ?? {}), [REVISION]: revision } } });
    }

    const strategy = (s['strategy'] ?? {}) as JsonObject;
    if (strategy['type'] === 'Recreate') this.recreate(newRs, old, replicas);
    else this.rolling(d, newRs, old, replicas);
    this.cleanup(d, old);
    this.syncStatus(d, newRs, old, created);
  }

  /** maxSurge (rounded up) and maxUnavailable (rounded down); both 0 means maxUnavailable 1, as upstream. */
  static fenceposts(d: JsonObject): { surge: number; unavailable: number } {
    const s = spec(d);
    const replicas = num(s['replicas'], 1);
    const ru = ((s['strategy'] as JsonObject | undefined)?.['rollingUpdate'] ?? {}) as JsonObject;
    if ((s['strategy'] as JsonObject | undefined)?.['type'] === 'Recreate') return { surge: 0, unavailable: replicas };
    const surge = intOrPercent(ru['maxSurge'], replicas, true, Math.ceil(replicas * 0.25));
    let unavailable = intOrPercent(ru['maxUnavailable'], replicas, false, Math.floor(replicas * 0.25));
    if (surge === 0 && unavailable === 0) unavailable = 1;
    return { surge, unavailable: Math.min(unavailable, replicas) };
  }

  private scale(rs: JsonObject, replicas: number, owner?: JsonObject): JsonObject {
    const from = num(spec(rs)['replicas']);
    if (from === replicas) return rs;
    const out = this.c.store.update(type('ReplicaSet'), { ...rs, spec: { ...spec(rs), replicas } });
    const d = owner ?? this.ownerOf(rs);
    if (d) this.c.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${replicas > from ? 'up' : 'down'} replica set ${meta(rs).name} from ${from} to ${replicas}`, 'deployment-controller');
    return out;
  }

  private ownerOf(rs: JsonObject): JsonObject | undefined {
    const ref = (meta(rs).ownerReferences ?? []).find((r) => r.controller);
    return ref ? this.c.store.get(type('Deployment'), meta(rs).namespace, ref.name) : undefined;
  }

  private rolling(d: JsonObject, newRs: JsonObject, old: JsonObject[], replicas: number): void {
    const { surge, unavailable } = DeploymentController.fenceposts(d);
    const sum = (list: JsonObject[]): number => list.reduce((a, rs) => a + num(spec(rs)['replicas']), 0);
    // Scale up the new ReplicaSet within maxSurge.
    const newReplicas = num(spec(newRs)['replicas']);
    if (newReplicas > replicas) newRs = this.scale(newRs, replicas);
    else if (newReplicas < replicas) {
      const room = replicas + surge - sum([newRs, ...old]);
      if (room > 0) newRs = this.scale(newRs, newReplicas + Math.min(room, replicas - newReplicas));
    }
    // Scale down old ReplicaSets without going under replicas - maxUnavailable available pods.
    const oldCount = sum(old);
    if (oldCount === 0) return;
    const minAvailable = replicas - unavailable;
    const newUnavailable = num(spec(newRs)['replicas']) - num(status(newRs)['availableReplicas']);
    let maxScaledDown = sum([newRs, ...old]) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return;
    const byAge = [...old].sort((a, b) => meta(a).creationTimestamp.localeCompare(meta(b).creationTimestamp));
    // First remove old pods that are not available anyway.
    for (let i = 0; i < byAge.length && maxScaledDown > 0; i++) {
      const rs = byAge[i] as JsonObject;
      const unhealthy = num(spec(rs)['replicas']) - num(status(rs)['availableReplicas']);
      const n = Math.min(maxScaledDown, Math.max(0, unhealthy));
      if (n > 0) {
        byAge[i] = this.scale(rs, num(spec(rs)['replicas']) - n);
        maxScaledDown -= n;
      }
    }
    // Then available ones, keeping minAvailable.
    const availableNow = [newRs, ...byAge].reduce((a, rs) => a + Math.min(num(status(rs)['availableReplicas']), num(spec(rs)['replicas'])), 0);
    let budget = availableNow - minAvailable;
    for (const rs of byAge) {
      if (budget <= 0) break;
      const n = Math.min(num(spec(rs)['replicas']), budget);
      if (n > 0) {
        this.scale(rs, num(spec(rs)['replicas']) - n);
        budget -= n;
      }
    }
  }

  private recreate(newRs: JsonObject, old: JsonObject[], replicas: number): void {
    for (const rs of old) this.scale(rs, 0);
    const oldPods = this.c.store.list(type('Pod'), meta(newRs).namespace).filter((p) => old.some((rs) => ownedBy(p, meta(rs).uid)));
    if (oldPods.length === 0) this.scale(newRs, replicas);
  }

  private cleanup(d: JsonObject, old: JsonObject[]): void {
    const limit = num(spec(d)['revisionHistoryLimit'], 10);
    const idle = old.filter((rs) => num(spec(rs)['replicas']) === 0 && num(status(rs)['replicas']) === 0).sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) this.c.store.delete(type('ReplicaSet'), meta(rs).namespace, meta(rs).name);
  }

  private createReplicaSet(d: JsonObject, template: JsonObject, revision: number): JsonObject {
    const m = meta(d);
    const hash = templateHash(template);
    const t = clone(template);
    const tm = (t['metadata'] ?? (t['metadata'] = {})) as JsonObject;
    tm['labels'] = { ...((tm['labels'] ?? {}) as JsonObject), [HASH_LABEL]: hash };
    const selector = clone((spec(d)['selector'] ?? {}) as JsonObject);
    selector['matchLabels'] = { ...((selector['matchLabels'] ?? {}) as JsonObject), [HASH_LABEL]: hash };
    const { surge } = DeploymentController.fenceposts(d);
    const replicas = num(spec(d)['replicas'], 1);
    return this.c.store.create(type('ReplicaSet'), {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${m.name}-${hash}`,
        namespace: m.namespace ?? 'default',
        labels: tm['labels'],
        annotations: { [REVISION]: String(revision), 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + surge) },
        ownerReferences: [controllerRef(d)],
      },
      spec: { replicas: 0, minReadySeconds: num(spec(d)['minReadySeconds']), selector, template: t },
    });
  }

  private syncStatus(d: JsonObject, newRs: JsonObject | undefined, oldIn: JsonObject[], created: boolean): void {
    const m = meta(d);
    const s = spec(d);
    const replicas = num(s['replicas'], 1);
    const all = this.c.store.list(type('ReplicaSet'), m.namespace).filter((rs) => ownedBy(rs, m.uid));
    const fresh = newRs ? all.find((rs) => meta(rs).uid === meta(newRs).uid) : undefined;
    const old = all.filter((rs) => rs !== fresh);
    void oldIn;
    const sumS = (k: string): number => all.reduce((a, rs) => a + num(status(rs)[k]), 0);
    const available = sumS('availableReplicas');
    const totalSpec = all.reduce((a, rs) => a + num(spec(rs)['replicas']), 0);
    const updated = fresh ? num(status(fresh)['replicas']) : 0;
    const next: JsonObject = {
      observedGeneration: m.generation ?? 1,
      replicas: sumS('replicas'),
      updatedReplicas: updated,
      readyReplicas: sumS('readyReplicas'),
      availableReplicas: available,
      ...(Math.max(0, totalSpec - available) > 0 ? { unavailableReplicas: Math.max(0, totalSpec - available) } : {}),
    };
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas']) if (next[k] === 0) delete next[k];

    const now = Date.now();
    const ts = nowTimestamp();
    const snapshot: Snapshot = {
      updated,
      ready: num(next['readyReplicas']),
      available,
      oldReplicas: old.reduce((a, rs) => a + num(status(rs)['replicas']), 0),
      newRs: fresh ? meta(fresh).name : '',
    };
    const prev = this.lastProgress.get(m.uid);
    const progressed =
      created ||
      !prev ||
      snapshot.newRs !== prev.snapshot.newRs ||
      snapshot.updated > prev.snapshot.updated ||
      snapshot.ready > prev.snapshot.ready ||
      snapshot.available > prev.snapshot.available ||
      snapshot.oldReplicas < prev.snapshot.oldReplicas;
    if (progressed) this.lastProgress.set(m.uid, { at: now, snapshot });
    else if (prev) prev.snapshot = snapshot;
    const lastAt = this.lastProgress.get(m.uid)?.at ?? now;

    const conds = (Array.isArray(status(d)['conditions']) ? (status(d)['conditions'] as JsonObject[]) : []).map(clone);
    const set = (type: string, st: string, reason: string, message: string, touch: boolean): void => {
      const i = conds.findIndex((c) => c['type'] === type);
      const cur = conds[i];
      if (cur && cur['status'] === st && cur['reason'] === reason && cur['message'] === message && !touch) return;
      const c: JsonObject = { type, status: st, lastUpdateTime: ts, lastTransitionTime: cur && cur['status'] === st ? (cur['lastTransitionTime'] as string) : ts, reason, message };
      if (i >= 0) conds[i] = c;
      else conds.push(c);
    };
    const { unavailable } = DeploymentController.fenceposts(d);
    if (available >= replicas - unavailable) set('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', false);
    else set('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', false);

    const rsName = fresh ? meta(fresh).name : m.name;
    const complete = updated === replicas && num(next['replicas']) === replicas && available === replicas && totalSpec === replicas;
    const deadline = num(s['progressDeadlineSeconds'], 600) * 1000;
    const current = conds.find((c) => c['type'] === 'Progressing');
    if (s['paused'] === true) set('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', false);
    else if (complete) set('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`, false);
    else if (created) set('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${rsName}"`, true);
    else if (progressed) set('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`, true);
    else if (current?.['reason'] !== 'ProgressDeadlineExceeded' && now - lastAt > deadline) {
      set('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${rsName}" has timed out progressing.`, false);
    }
    // Conditions are listed Available, Progressing, as upstream does.
    conds.sort((a, b) => (a['type'] === 'Available' ? -1 : b['type'] === 'Available' ? 1 : 0));
    next['conditions'] = conds;
    if (!deepEqual(status(d), next)) this.c.store.update(type('Deployment'), { ...d, status: next }, { statusOnly: true });
  }
}
