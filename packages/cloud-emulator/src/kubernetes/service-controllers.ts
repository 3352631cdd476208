import { deepEqual, isObject, type JsonObject } from './merge.js';
import { type ClusterContext, intOrPercent, num, podReady, spec, status, terminating, type } from './cluster-context.js';
import { matchesSelectorObject } from './selectors.js';
import { meta } from './store.js';

/** Endpoints from pod readiness, load balancer addresses after a delay, PDB and HPA status. */
export class ServiceControllers {
  private readonly lbScheduled = new Set<string>();

  constructor(private readonly c: ClusterContext) {}

  forget(uid: string): void {
    this.lbScheduled.delete(uid);
  }

  endpoints(svc: JsonObject): void {
    const m = meta(svc);
    const selector = spec(svc)['selector'];
    if (!isObject(selector) || terminating(svc)) return;
    const pods = this.c.store
      .list(type('Pod'), m.namespace)
      .filter((p) => Object.entries(selector).every(([k, v]) => meta(p).labels?.[k] === v) && typeof status(p)['podIP'] === 'string');
    const address = (p: JsonObject): JsonObject => ({ ip: status(p)['podIP'] as string, nodeName: 'gati-emulator-node', targetRef: { kind: 'Pod', namespace: meta(p).namespace ?? 'default', name: meta(p).name, uid: meta(p).uid } });
    const ready = pods.filter((p) => podReady(p) && !terminating(p)).map(address);
    const notReady = pods.filter((p) => !podReady(p) || terminating(p)).map(address);
    // A named targetPort resolves to the container port of that name (as kube-proxy does per pod).
    const containerPorts = pods.flatMap((p) => (Array.isArray(spec(p)['containers']) ? (spec(p)['containers'] as JsonObject[]) : [])).flatMap((c) => (Array.isArray(c['ports']) ? (c['ports'] as JsonObject[]) : []));
    const resolve = (target: unknown, fallback: number): number => {
      if (typeof target === 'number') return target;
      if (typeof target === 'string' && /^\d+$/.test(target)) return Number(target);
      const named = containerPorts.find((cp) => cp['name'] === target);
      return named ? num(named['containerPort'], fallback) : fallback;
    };
    const ports = (Array.isArray(spec(svc)['ports']) ? (spec(svc)['ports'] as JsonObject[]) : []).map((p) => ({
      ...(p['name'] ? { name: p['name'] } : {}),
      port: resolve(p['targetPort'], num(p['port'])),
      protocol: p['protocol'] ?? 'TCP',
    }));
    const subsets = ready.length + notReady.length === 0 ? [] : [{ ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports }];
    const t = type('Endpoints');
    const existing = this.c.store.get(t, m.namespace, m.name);
    const body: JsonObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: m.name, namespace: m.namespace ?? 'default', labels: m.labels ?? {} }, subsets };
    if (!existing) this.c.store.create(t, body);
    else if (!deepEqual(existing['subsets'] ?? [], subsets)) this.c.store.update(t, { ...existing, subsets });
  }

  /** Services of type LoadBalancer and Ingresses get an external address after `loadBalancerMs`. */
  loadBalancer(o: JsonObject): void {
    const m = meta(o);
    const isLb = o['kind'] === 'Ingress' || spec(o)['type'] === 'LoadBalancer';
    const lb = status(o)['loadBalancer'];
    const has = isObject(lb) && Array.isArray(lb['ingress']) && lb['ingress'].length > 0;
    if (!isLb || has || terminating(o) || this.lbScheduled.has(m.uid)) return;
    this.lbScheduled.add(m.uid);
    this.c.timers.after(this.c.delays.loadBalancerMs, () => {
      const t = type(o['kind'] as string);
      const live = this.c.store.get(t, m.namespace, m.name);
      if (!live || meta(live).uid !== m.uid) return;
      const addr = this.c.loadBalancerAddress(live);
      const ingress = o['kind'] === 'Ingress' ? { ...addr } : { ...addr, ipMode: 'VIP', ports: (Array.isArray(spec(live)['ports']) ? (spec(live)['ports'] as JsonObject[]) : []).map((p) => ({ port: p['port'] ?? 0, protocol: p['protocol'] ?? 'TCP' })) };
      this.c.store.update(t, { ...live, status: { ...status(live), loadBalancer: { ingress: [ingress] } } }, { statusOnly: true });
    });
  }

  podDisruptionBudget(pdb: JsonObject): void {
    const m = meta(pdb);
    const s = spec(pdb);
    const pods = this.c.store.list(type('Pod'), m.namespace).filter((p) => !terminating(p) && matchesSelectorObject(s['selector'], meta(p).labels));
    const expected = pods.length;
    const healthy = pods.filter(podReady).length;
    const desired = s['minAvailable'] !== undefined ? intOrPercent(s['minAvailable'], expected, true, 0) : Math.max(0, expected - intOrPercent(s['maxUnavailable'], expected, true, 0));
    const allowed = Math.max(0, healthy - desired);
    const prev = status(pdb);
    const prevCond = (Array.isArray(prev['conditions']) ? prev['conditions'] : []) as JsonObject[];
    const reason = allowed > 0 ? 'SufficientPods' : 'InsufficientPods';
    const cond = prevCond[0]?.['reason'] === reason ? prevCond[0] : { type: 'DisruptionAllowed', status: allowed > 0 ? 'True' : 'False', reason, message: '', observedGeneration: m.generation ?? 1, lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
    const next: JsonObject = { observedGeneration: m.generation ?? 1, disruptionsAllowed: allowed, currentHealthy: healthy, desiredHealthy: desired, expectedPods: expected, conditions: [cond] };
    if (!deepEqual(prev, next)) this.c.store.update(type('PodDisruptionBudget'), { ...pdb, status: next }, { statusOnly: true });
  }

  /** Keeps the target within min/max replicas; the emulator has no metrics, which the conditions say. */
  horizontalPodAutoscaler(hpa: JsonObject): void {
    const m = meta(hpa);
    const s = spec(hpa);
    const ref = isObject(s['scaleTargetRef']) ? s['scaleTargetRef'] : {};
    if (ref['kind'] !== 'Deployment') return;
    const d = this.c.store.get(type('Deployment'), m.namespace, String(ref['name']));
    const min = num(s['minReplicas'], 1);
    const max = num(s['maxReplicas'], min);
    let current = d ? num(spec(d)['replicas'], 1) : 0;
    if (d && (current < min || current > max)) {
      current = Math.min(max, Math.max(min, current));
      this.c.store.update(type('Deployment'), { ...d, spec: { ...spec(d), replicas: current } });
    }
    const prev = status(hpa);
    const at = (Array.isArray(prev['conditions']) ? (prev['conditions'] as JsonObject[]) : [])[0]?.['lastTransitionTime'] ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const next: JsonObject = {
      currentReplicas: d ? num(status(d)['replicas']) : 0,
      desiredReplicas: current,
      conditions: d
        ? [
            { type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale', message: 'the HPA controller was able to get the target\'s current scale', lastTransitionTime: at },
            { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: 'the Kubernetes emulator serves no resource metrics', lastTransitionTime: at },
          ]
        : [{ type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: `deployments/scale.apps "${String(ref['name'])}" not found`, lastTransitionTime: at }],
    };
    if (!deepEqual(prev, next)) this.c.store.update(type('HorizontalPodAutoscaler'), { ...hpa, status: next }, { statusOnly: true });
  }
}
