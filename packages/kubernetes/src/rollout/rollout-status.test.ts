import { describe, expect, it } from 'vitest';
import { deploymentRolloutVerdict, detectPodFailure } from './rollout-status.js';
import type { KubeObject } from '../client/types.js';

const d = (generation: number, spec: { replicas?: number }, status: Record<string, unknown>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', generation },
  spec,
  status,
});

describe('deploymentRolloutVerdict (kubectl rollout status rules)', () => {
  it.each([
    [d(2, { replicas: 3 }, { observedGeneration: 1 }), 'progressing', 'Waiting for deployment spec update to be observed...'],
    [d(1, { replicas: 3 }, { observedGeneration: 1, updatedReplicas: 1, replicas: 3 }), 'progressing', 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...'],
    [d(1, { replicas: 3 }, { observedGeneration: 1, updatedReplicas: 3, replicas: 4 }), 'progressing', 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...'],
    [d(1, { replicas: 3 }, { observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 2 }), 'progressing', 'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...'],
    [d(1, { replicas: 3 }, { observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }), 'done', 'deployment "web" successfully rolled out'],
    [d(1, { replicas: 3 }, { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }), 'failed', 'deployment "web" exceeded its progress deadline'],
  ])('%#: %s', (deployment, state, message) => {
    expect(deploymentRolloutVerdict(deployment)).toMatchObject({ state, message });
  });
});

describe('detectPodFailure', () => {
  const pod = (containerStatuses: unknown[], deleting = false): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    status: { containerStatuses },
  });
  it('reports fatal waiting reasons and repeated restarts, ignores healthy and terminating pods', () => {
    expect(detectPodFailure([pod([{ name: 'a', restartCount: 0, state: { running: {} } }])], 3)).toBeUndefined();
    expect(detectPodFailure([pod([{ name: 'a', state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "x" not found' } } }])], 3)).toMatchObject({ reason: 'CreateContainerConfigError', container: 'a' });
    expect(detectPodFailure([pod([{ name: 'a', restartCount: 4, state: { running: {} }, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }])], 3)).toMatchObject({ reason: 'RepeatedRestarts', message: 'restarted 4 times (last exit: OOMKilled, code 137)' });
    expect(detectPodFailure([pod([{ name: 'a', state: { waiting: { reason: 'ContainerCreating' } } }])], 3)).toBeUndefined();
    expect(detectPodFailure([pod([{ name: 'a', state: { waiting: { reason: 'CrashLoopBackOff' } } }], true)], 3)).toBeUndefined();
  });
});
