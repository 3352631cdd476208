import type { KubeObject } from '../client/types.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

interface DeploymentLike {
  metadata: { name: string; generation?: number; annotations?: Record<string, string> };
  spec?: { replicas?: number; paused?: boolean };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

/** kubectl's verdict on a Deployment rollout. */
export type RolloutVerdict = { state: 'done'; message: string } | { state: 'progressing'; message: string } | { state: 'failed'; reason: string; message: string };

/**
 * Exactly `kubectl rollout status` for a Deployment: the controller has observed the latest
 * generation; `ProgressDeadlineExceeded` fails; then updated < desired, old replicas pending
 * termination, available < updated are still in progress; otherwise done.
 */
export function deploymentRolloutVerdict(object: KubeObject | DeploymentLike): RolloutVerdict {
  const d = object as DeploymentLike;
  const name = d.metadata.name;
  const s = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) return { state: 'progressing', message: 'Waiting for deployment spec update to be observed...' };
  const progressing = s.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return { state: 'failed', reason: 'ProgressDeadlineExceeded', message: `deployment "${name}" exceeded its progress deadline` };
  const desired = d.spec?.replicas ?? 1;
  const updated = s.updatedReplicas ?? 0;
  const replicas = s.replicas ?? 0;
  const available = s.availableReplicas ?? 0;
  if (d.spec?.replicas !== undefined && updated < desired) return { state: 'progressing', message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated...` };
  if (replicas > updated) return { state: 'progressing', message: `Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...` };
  if (available < updated) return { state: 'progressing', message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...` };
  return { state: 'done', message: `deployment "${name}" successfully rolled out` };
}

/** Container waiting reasons that never resolve by waiting longer. */
export const FATAL_WAITING_REASONS = ['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError', 'CreateContainerError', 'InvalidImageName', 'RunContainerError'];

/** A pod-level reason a rollout cannot succeed. */
export interface PodFailure {
  pod: string;
  container: string;
  reason: string;
  message: string;
  restartCount: number;
}

interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}

/** The first fatal problem among the pods (fatal waiting reason, or `maxRestarts` restarts or more). */
export function detectPodFailure(pods: KubeObject[], maxRestarts: number): PodFailure | undefined {
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const status = (pod.status ?? {}) as { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
    for (const c of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
      const waiting = c.state?.waiting;
      const restarts = c.restartCount ?? 0;
      if (waiting?.reason && FATAL_WAITING_REASONS.includes(waiting.reason)) {
        return { pod: pod.metadata.name, container: c.name, reason: waiting.reason, message: waiting.message ?? waiting.reason, restartCount: restarts };
      }
      if (restarts >= maxRestarts) {
        const last = c.lastState?.terminated;
        return { pod: pod.metadata.name, container: c.name, reason: 'RepeatedRestarts', message: `restarted ${restarts} times${last ? ` (last exit: ${last.reason ?? 'unknown'}, code ${String(last.exitCode ?? '?')})` : ''}`, restartCount: restarts };
      }
    }
  }
  return undefined;
}
