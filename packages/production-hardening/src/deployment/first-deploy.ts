import type { KubeClient, ObjectRef } from '@gati-framework/kubernetes';

/** What a failed first deploy left in the cluster, and what became of it. */
export interface FirstDeployCleanup {
  /** Objects this deploy created, as `Kind/name` (objects that existed before are never listed). */
  objects: string[];
  /** True when they were deleted (`onFirstDeployFailure: 'remove'`). */
  removed: boolean;
  /** The kubectl command that deletes them, when they were left in place. */
  command?: string;
  /** Objects whose deletion failed, with why. */
  errors?: string[];
}

const label = (ref: ObjectRef): string => `${ref.kind}/${ref.name}`;

/** `kubectl delete` for the objects a deploy created (in one namespace). */
export function removeCommand(namespace: string, refs: readonly ObjectRef[]): string {
  return `kubectl delete --namespace ${namespace} ${refs.map((r) => `${r.kind.toLowerCase()}/${r.name}`).join(' ')}`;
}

/** Deletes what a failed first deploy created, newest first, within `signal`'s budget; never throws. */
export async function removeCreated(kube: KubeClient, refs: readonly ObjectRef[], signal: AbortSignal): Promise<FirstDeployCleanup> {
  const errors: string[] = [];
  for (const ref of [...refs].reverse()) {
    try {
      // Background: the API server removes the pods; the deploy does not wait for them to stop.
      await kube.delete(ref, { signal, wait: false, propagationPolicy: 'Background' });
    } catch (error) {
      errors.push(`${label(ref)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const objects = refs.map(label);
  if (errors.length === 0) return { objects, removed: true };
  return { objects, removed: false, command: removeCommand(refs[0]?.namespace ?? 'default', refs), errors };
}

/** The cleanup report when the objects are kept. */
export function keptCleanup(namespace: string, refs: readonly ObjectRef[]): FirstDeployCleanup {
  return { objects: refs.map(label), removed: false, ...(refs.length ? { command: removeCommand(namespace, refs) } : {}) };
}
