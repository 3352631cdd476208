import { isObject, type JsonObject } from './merge.js';
import { type ClusterContext, spec, type } from './cluster-context.js';
import { meta, nowTimestamp } from './store.js';

type Mode = 'healthy' | 'crashLoop' | 'neverReady' | 'imagePull';

/**
 * The emulated kubelet: moves pods through Pending → Running → Ready on the configured
 * delays, or into the failure mode their image selects. Never runs a container.
 */
export class Kubelet {
  private readonly started = new Set<string>();
  private ipCounter = 2;

  constructor(private readonly c: ClusterContext) {}

  /** Called for every pod event; starts the lifecycle of new pods once. */
  observe(pod: JsonObject): void {
    const m = meta(pod);
    if (this.started.has(m.uid) || m.deletionTimestamp) return;
    this.started.add(m.uid);
    const mode = this.modeOf(pod);
    this.update(pod, () => ({
      phase: 'Pending',
      qosClass: 'BestEffort',
      conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowTimestamp() }],
    }));
    this.c.events.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${m.namespace ?? 'default'}/${m.name} to gati-emulator-node`, 'default-scheduler');
    this.c.timers.after(this.c.delays.podStartMs, () => this.start(pod, mode), (e) => this.c.logger.warn('kubelet failed', { error: String(e) }));
  }

  forget(uid: string): void {
    this.started.delete(uid);
  }

  private modeOf(pod: JsonObject): Mode {
    const images = (Array.isArray(spec(pod)['containers']) ? (spec(pod)['containers'] as JsonObject[]) : []).map((c) => String(c['image'] ?? ''));
    const f = this.c.failureModes;
    if (images.some((i) => f.imagePull.test(i))) return 'imagePull';
    if (images.some((i) => f.crashLoop.test(i))) return 'crashLoop';
    if (images.some((i) => f.neverReady.test(i))) return 'neverReady';
    return 'healthy';
  }

  private containers(pod: JsonObject): JsonObject[] {
    return Array.isArray(spec(pod)['containers']) ? (spec(pod)['containers'] as JsonObject[]) : [];
  }

  private start(pod: JsonObject, mode: Mode): void {
    const now = nowTimestamp();
    const n = this.ipCounter++;
    const podIP = `10.244.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
    const base = (ready: boolean): JsonObject => ({
      hostIP: '10.0.0.10',
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: now,
      qosClass: 'BestEffort',
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now, ...(ready ? {} : { reason: 'ContainersNotReady', message: 'containers with unready status' }) },
        { type: 'ContainersReady', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now, ...(ready ? {} : { reason: 'ContainersNotReady', message: 'containers with unready status' }) },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now },
      ],
    });
    const statuses = (state: (c: JsonObject) => JsonObject, ready: boolean, restarts = 0, lastState: JsonObject = {}): JsonObject[] =>
      this.containers(pod).map((c) => ({
        name: c['name'] ?? 'app',
        image: c['image'] ?? '',
        imageID: mode === 'imagePull' ? '' : `docker.io/library/${String(c['image'] ?? '')}@sha256:${'0'.repeat(64)}`,
        containerID: mode === 'imagePull' ? null : `containerd://${meta(pod).uid.replace(/-/g, '')}`,
        ready,
        started: mode !== 'imagePull',
        restartCount: restarts,
        state: state(c),
        lastState,
      }));

    const image = String(this.containers(pod)[0]?.['image'] ?? '');
    const event = (type: 'Normal' | 'Warning', reason: string, message: string): void => this.c.events.record(pod, type, reason, message, 'kubelet');
    switch (mode) {
      case 'imagePull': {
        event('Warning', 'Failed', `Failed to pull image "${image}": not found`);
        event('Warning', 'Failed', 'Error: ErrImagePull');
        const waiting = (reason: string) => (c: JsonObject) => ({
          waiting: {
            reason,
            message: reason === 'ErrImagePull' ? `failed to pull and unpack image "${String(c['image'])}": not found` : `Back-off pulling image "${String(c['image'])}"`,
          },
        });
        this.update(pod, () => ({ ...base(false), phase: 'Pending', containerStatuses: statuses(waiting('ErrImagePull'), false) }));
        this.c.timers.after(this.c.delays.imagePullBackOffMs, () => this.update(pod, (s) => ({ ...s, containerStatuses: statuses(waiting('ImagePullBackOff'), false) })));
        return;
      }
      case 'crashLoop': {
        const crash = (restarts: number): void => {
          const terminated = { terminated: { exitCode: 1, reason: 'Error', startedAt: now, finishedAt: nowTimestamp(), containerID: `containerd://${meta(pod).uid.replace(/-/g, '')}` } };
          const waiting = (c: JsonObject): JsonObject => ({
            waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.min(300, 10 * 2 ** restarts)}s restarting failed container=${String(c['name'])} pod=${meta(pod).name}` },
          });
          const ok = this.update(pod, () => ({ ...base(false), phase: 'Running', containerStatuses: statuses(waiting, false, restarts, terminated) }));
          if (ok && restarts <= 3) event('Warning', 'BackOff', `Back-off restarting failed container ${String(this.containers(pod)[0]?.['name'] ?? 'app')} in pod ${meta(pod).name}`);
          if (ok) this.c.timers.after(this.c.delays.crashLoopRestartMs, () => crash(restarts + 1));
        };
        crash(1);
        return;
      }
      default: {
        const running = (): JsonObject => ({ running: { startedAt: now } });
        event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
        event('Normal', 'Started', `Started container ${String(this.containers(pod)[0]?.['name'] ?? 'app')}`);
        if (mode === 'neverReady') event('Warning', 'Unhealthy', 'Readiness probe failed: the emulated container never becomes ready');
        this.update(pod, () => ({ ...base(false), phase: 'Running', containerStatuses: statuses(running, false) }));
        if (mode === 'neverReady') return;
        this.c.timers.after(this.c.delays.podReadyMs, () => this.update(pod, () => ({ ...base(true), phase: 'Running', containerStatuses: statuses(running, true) })));
      }
    }
  }

  /** Rewrites the status of a live, non-terminating pod; false once the pod is gone. */
  private update(pod: JsonObject, next: (current: JsonObject) => JsonObject): boolean {
    const m = meta(pod);
    const live = this.c.store.get(type('Pod'), m.namespace, m.name);
    if (!live || meta(live).uid !== m.uid || meta(live).deletionTimestamp) return false;
    const current = isObject(live['status']) ? live['status'] : {};
    this.c.store.update(type('Pod'), { ...live, status: next(current) }, { statusOnly: true });
    return true;
  }
}
