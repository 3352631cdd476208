import { isObject, type JsonObject } from './merge.js';
import { meta } from './store.js';

type Column = { name: string; type: string; format?: string; cell: (o: JsonObject) => string | number };

function age(o: JsonObject): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(meta(o).creationTimestamp)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h`;
}

const st = (o: JsonObject): JsonObject => (isObject(o['status']) ? o['status'] : {});
const sp = (o: JsonObject): JsonObject => (isObject(o['spec']) ? o['spec'] : {});
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

const NAME: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => meta(o).name };
const AGE: Column = { name: 'Age', type: 'string', cell: age };

const COLUMNS: Record<string, Column[]> = {
  Deployment: [
    NAME,
    { name: 'Ready', type: 'string', cell: (o) => `${num(st(o)['readyReplicas'])}/${num(sp(o)['replicas'])}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => num(st(o)['updatedReplicas']) },
    { name: 'Available', type: 'integer', cell: (o) => num(st(o)['availableReplicas']) },
    AGE,
  ],
  ReplicaSet: [
    NAME,
    { name: 'Desired', type: 'integer', cell: (o) => num(sp(o)['replicas']) },
    { name: 'Current', type: 'integer', cell: (o) => num(st(o)['replicas']) },
    { name: 'Ready', type: 'integer', cell: (o) => num(st(o)['readyReplicas']) },
    AGE,
  ],
  Pod: [
    NAME,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => {
        const cs = Array.isArray(st(o)['containerStatuses']) ? (st(o)['containerStatuses'] as JsonObject[]) : [];
        const total = Array.isArray(sp(o)['containers']) ? (sp(o)['containers'] as unknown[]).length : cs.length;
        return `${cs.filter((c) => c['ready'] === true).length}/${total}`;
      },
    },
    {
      name: 'Status',
      type: 'string',
      cell: (o) => {
        if (meta(o).deletionTimestamp) return 'Terminating';
        const cs = Array.isArray(st(o)['containerStatuses']) ? (st(o)['containerStatuses'] as JsonObject[]) : [];
        for (const c of cs) {
          const w = isObject(c['state']) && isObject(c['state']['waiting']) ? c['state']['waiting'] : undefined;
          if (w && typeof w['reason'] === 'string') return w['reason'];
        }
        return String(st(o)['phase'] ?? 'Pending');
      },
    },
    {
      name: 'Restarts',
      type: 'integer',
      cell: (o) => (Array.isArray(st(o)['containerStatuses']) ? (st(o)['containerStatuses'] as JsonObject[]) : []).reduce((a, c) => a + num(c['restartCount']), 0),
    },
    AGE,
  ],
  Service: [
    NAME,
    { name: 'Type', type: 'string', cell: (o) => String(sp(o)['type'] ?? 'ClusterIP') },
    { name: 'Cluster-IP', type: 'string', cell: (o) => String(sp(o)['clusterIP'] ?? '<none>') },
    {
      name: 'External-IP',
      type: 'string',
      cell: (o) => {
        const lb = isObject(st(o)['loadBalancer']) ? (st(o)['loadBalancer'] as JsonObject) : {};
        const ing = Array.isArray(lb['ingress']) ? (lb['ingress'] as JsonObject[]) : [];
        if (ing.length) return ing.map((i) => String(i['ip'] ?? i['hostname'])).join(',');
        return sp(o)['type'] === 'LoadBalancer' ? '<pending>' : '<none>';
      },
    },
    {
      name: 'Port(s)',
      type: 'string',
      cell: (o) => (Array.isArray(sp(o)['ports']) ? (sp(o)['ports'] as JsonObject[]) : []).map((p) => `${String(p['port'])}${p['nodePort'] ? `:${String(p['nodePort'])}` : ''}/${String(p['protocol'] ?? 'TCP')}`).join(',') || '<none>',
    },
    AGE,
  ],
  Endpoints: [
    NAME,
    {
      name: 'Endpoints',
      type: 'string',
      cell: (o) => {
        const subsets = Array.isArray(o['subsets']) ? (o['subsets'] as JsonObject[]) : [];
        const eps = subsets.flatMap((s) => (Array.isArray(s['addresses']) ? (s['addresses'] as JsonObject[]) : []).flatMap((a) => (Array.isArray(s['ports']) ? (s['ports'] as JsonObject[]) : []).map((p) => `${String(a['ip'])}:${String(p['port'])}`)));
        return eps.length ? eps.slice(0, 3).join(',') + (eps.length > 3 ? ` + ${eps.length - 3} more...` : '') : '<none>';
      },
    },
    AGE,
  ],
  HorizontalPodAutoscaler: [
    NAME,
    { name: 'Reference', type: 'string', cell: (o) => `${String((sp(o)['scaleTargetRef'] as JsonObject | undefined)?.['kind'] ?? '')}/${String((sp(o)['scaleTargetRef'] as JsonObject | undefined)?.['name'] ?? '')}` },
    { name: 'MinPods', type: 'integer', cell: (o) => num(sp(o)['minReplicas']) },
    { name: 'MaxPods', type: 'integer', cell: (o) => num(sp(o)['maxReplicas']) },
    { name: 'Replicas', type: 'integer', cell: (o) => num(st(o)['currentReplicas']) },
    AGE,
  ],
  Event: [
    { name: 'Last Seen', type: 'string', cell: (o) => age({ ...o, metadata: { ...(o['metadata'] as JsonObject), creationTimestamp: String(o['lastTimestamp'] ?? '') } }) },
    { name: 'Type', type: 'string', cell: (o) => String(o['type'] ?? '') },
    { name: 'Reason', type: 'string', cell: (o) => String(o['reason'] ?? '') },
    { name: 'Object', type: 'string', cell: (o) => `${String((o['involvedObject'] as JsonObject | undefined)?.['kind'] ?? '').toLowerCase()}/${String((o['involvedObject'] as JsonObject | undefined)?.['name'] ?? '')}` },
    { name: 'Message', type: 'string', cell: (o) => String(o['message'] ?? '') },
  ],
  PodDisruptionBudget: [
    NAME,
    { name: 'Min Available', type: 'string', cell: (o) => (sp(o)['minAvailable'] === undefined ? 'N/A' : String(sp(o)['minAvailable'])) },
    { name: 'Max Unavailable', type: 'string', cell: (o) => (sp(o)['maxUnavailable'] === undefined ? 'N/A' : String(sp(o)['maxUnavailable'])) },
    { name: 'Allowed Disruptions', type: 'integer', cell: (o) => num(st(o)['disruptionsAllowed']) },
    AGE,
  ],
};

/** A `meta.k8s.io/v1` Table of objects, as kubectl requests for `get`. */
export function toTable(kind: string, items: JsonObject[], resourceVersion: string): JsonObject {
  const cols = COLUMNS[kind] ?? [NAME, AGE];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.name, priority: 0 })),
    rows: items.map((o) => ({
      cells: cols.map((c) => c.cell(o)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o['metadata'] ?? {} },
    })),
  };
}

export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && /as=Table/.test(accept);
}
