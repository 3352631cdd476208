import { randomInt } from 'node:crypto';
import { clone, type JsonObject } from './merge.js';
import { type ClusterContext, controllerRef, num, ownedBy, podAvailable, podReady, spec, status, terminating, type } from './cluster-context.js';
import { meta, nowTimestamp } from './store.js';

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A random suffix like the API server's generateName (5 characters from a vowel-free alphabet). */
export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** Keeps each ReplicaSet's pod count at `spec.replicas` and its status current. */
export class ReplicaSetController {
  constructor(
    private readonly c: ClusterContext,
    private readonly deletePod: (pod: JsonObject) => void,
  ) {}

  reconcile(rs: JsonObject): void {
    if (terminating(rs)) return;
    const m = meta(rs);
    const pods = this.c.store.list(type('Pod'), m.namespace).filter((p) => ownedBy(p, m.uid));
    const active = pods.filter((p) => !terminating(p));
    const want = num(spec(rs)['replicas'], 1);
    if (active.length < want) {
      for (let i = active.length; i < want; i++) {
        const pod = this.createPod(rs);
        active.push(pod);
        this.c.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${meta(pod).name}`, 'replicaset-controller');
      }
    } else if (active.length > want) {
      // Delete the least useful pods first: not ready before ready, then the newest.
      const ranked = [...active].sort((a, b) => Number(podReady(a)) - Number(podReady(b)) || meta(b).creationTimestamp.localeCompare(meta(a).creationTimestamp) || meta(b).name.localeCompare(meta(a).name));
      for (const p of ranked.slice(0, active.length - want)) {
        this.deletePod(p);
        active.splice(active.indexOf(p), 1);
        this.c.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${meta(p).name}`, 'replicaset-controller');
      }
    }
    const minReady = num(spec(rs)['minReadySeconds']);
    const next = {
      replicas: active.length,
      fullyLabeledReplicas: active.length,
      readyReplicas: active.filter(podReady).length,
      availableReplicas: active.filter((p) => podAvailable(p, minReady)).length,
      observedGeneration: m.generation ?? 1,
    };
    const cur = status(rs);
    if (Object.entries(next).some(([k, v]) => cur[k] !== v)) {
      this.c.store.update(type('ReplicaSet'), { ...rs, status: { ...cur, ...next } }, { statusOnly: true });
    }
  }

  private createPod(rs: JsonObject): JsonObject {
    const m = meta(rs);
    const template = clone((spec(rs)['template'] ?? {}) as JsonObject);
    const tm = (template['metadata'] ?? {}) as JsonObject;
    const pod: JsonObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...tm,
        name: `${m.name}-${randomSuffix()}`,
        namespace: m.namespace ?? 'default',
        ownerReferences: [controllerRef(rs)],
      },
      spec: { ...((template['spec'] ?? {}) as JsonObject), nodeName: 'gati-emulator-node' },
      status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowTimestamp() }] },
    };
    return this.c.store.create(type('Pod'), pod);
  }
}
