import { GatiError } from '@gati-framework/core';
import type { KubeObject } from '../client/types.js';
import { REVISION_ANNOTATION } from './rollout-status.js';

/** Annotations `kubectl rollout undo` does not copy from the ReplicaSet to the Deployment. */
const SKIPPED_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

export function revisionOf(o: KubeObject): number {
  const r = Number(o.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
  return Number.isFinite(r) ? r : 0;
}

/** ReplicaSets the Deployment controls, newest revision first. */
export function ownedReplicaSets(deployment: KubeObject, replicaSets: KubeObject[]): KubeObject[] {
  return replicaSets
    .filter((rs) => (rs.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === deployment.metadata.uid))
    .sort((a, b) => revisionOf(b) - revisionOf(a));
}

function withoutHash(template: unknown): Record<string, unknown> {
  const t = structuredClone(template ?? {}) as { metadata?: { labels?: Record<string, string> } };
  if (t.metadata?.labels) delete t.metadata.labels['pod-template-hash'];
  return t as Record<string, unknown>;
}

function equalJson(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => (Array.isArray(v) ? v.map(norm) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, x]) => [k, norm(x)])) : v);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/** The rollback `kubectl rollout undo` would make: a JSON patch, or `undefined` when the template already matches. */
export function planRollback(deployment: KubeObject, replicaSets: KubeObject[], toRevision?: number): { patch: unknown[] | undefined; fromRevision: number; toRevision: number } {
  const name = deployment.metadata.name;
  if ((deployment.spec as { paused?: boolean } | undefined)?.paused) {
    throw new GatiError('CONFLICT', `You cannot roll back the paused deployment "${name}"; resume it first and try again.`, { retryable: false, provider: 'kubernetes' });
  }
  const owned = ownedReplicaSets(deployment, replicaSets);
  const current = revisionOf(deployment) || revisionOf(owned[0] ?? deployment);
  let target: KubeObject | undefined;
  if (toRevision === undefined || toRevision === 0) {
    target = owned.find((rs) => revisionOf(rs) < current && revisionOf(rs) > 0);
    if (!target) throw new GatiError('NOT_FOUND', `No previous revision of deployment "${name}" to roll back to (no rollout history).`, { provider: 'kubernetes' });
  } else {
    target = owned.find((rs) => revisionOf(rs) === toRevision);
    if (!target) throw new GatiError('NOT_FOUND', `Unable to find revision ${toRevision} of deployment "${name}" in its history.`, { provider: 'kubernetes' });
  }
  const template = withoutHash((target.spec as { template?: unknown } | undefined)?.template);
  const result = { fromRevision: current, toRevision: revisionOf(target) };
  if (equalJson(template, (deployment.spec as { template?: unknown } | undefined)?.template)) return { ...result, patch: undefined };
  const annotations: Record<string, string> = { ...(deployment.metadata.annotations ?? {}) };
  for (const [k, v] of Object.entries(target.metadata.annotations ?? {})) if (!SKIPPED_ANNOTATIONS.has(k)) annotations[k] = v;
  return {
    ...result,
    patch: [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ],
  };
}
