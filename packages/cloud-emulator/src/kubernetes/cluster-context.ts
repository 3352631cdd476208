import type { Logger } from '@gati-framework/core';
import type { TimerGroup } from '../common/timers.js';
import type { EventRecorder } from './events.js';
import { isObject, type Json, type JsonObject } from './merge.js';
import { resourceByKind, type ResourceType } from './resources.js';
import { meta, type ObjectStore } from './store.js';

/** Delays of the emulated cluster, in milliseconds. */
export interface KubernetesDelays {
  /** Pod created → containers started (or image pull failed). Default 200. */
  podStartMs: number;
  /** Containers started → pod Ready. Default 300. */
  podReadyMs: number;
  /** Pod deleted → gone (graceful termination). Default 100. */
  podTerminationMs: number;
  /** Crash-looping containers restart this often. Default 200. */
  crashLoopRestartMs: number;
  /** ErrImagePull → ImagePullBackOff. Default 200. */
  imagePullBackOffMs: number;
  /** Service/Ingress of type LoadBalancer → `status.loadBalancer.ingress`. Default 500. */
  loadBalancerMs: number;
  /** Period of the controllers' resync (progress deadlines, minReadySeconds). Default 100. */
  resyncMs: number;
}

export const DEFAULT_KUBERNETES_DELAYS: KubernetesDelays = {
  podStartMs: 200,
  podReadyMs: 300,
  podTerminationMs: 100,
  crashLoopRestartMs: 200,
  imagePullBackOffMs: 200,
  loadBalancerMs: 500,
  resyncMs: 100,
};

/** How container images select deterministic failure modes. */
export interface FailureModes {
  /** Containers exit with status 1 over and over (`CrashLoopBackOff`). Default `/crash-?loop/`. */
  crashLoop: RegExp;
  /** Containers run but never pass readiness. Default `/never-?ready/`. */
  neverReady: RegExp;
  /** The image cannot be pulled (`ErrImagePull` → `ImagePullBackOff`). Default `/image-?pull-?(error|fail)|does-not-exist/`. */
  imagePull: RegExp;
}

export const DEFAULT_FAILURE_MODES: FailureModes = {
  crashLoop: /crash-?loop/,
  neverReady: /never-?ready/,
  imagePull: /image-?pull-?(error|fail)|does-not-exist/,
};

/** The external address a LoadBalancer Service or Ingress gets. */
export type LoadBalancerAddress = (object: JsonObject) => { ip?: string; hostname?: string };

export interface ClusterContext {
  store: ObjectStore;
  timers: TimerGroup;
  delays: KubernetesDelays;
  failureModes: FailureModes;
  loadBalancerAddress: LoadBalancerAddress;
  events: EventRecorder;
  logger: Logger;
}

export function type(kind: string): ResourceType {
  const t = resourceByKind(kind);
  if (!t) throw new Error(`unknown kind ${kind}`);
  return t;
}

export const spec = (o: JsonObject): JsonObject => (isObject(o['spec']) ? o['spec'] : {});
export const status = (o: JsonObject): JsonObject => (isObject(o['status']) ? o['status'] : {});
export const num = (v: Json | undefined, d = 0): number => (typeof v === 'number' ? v : d);

export function ownedBy(o: JsonObject, uid: string): boolean {
  return (meta(o).ownerReferences ?? []).some((r) => r.uid === uid && r.controller === true);
}

export function controllerRef(owner: JsonObject): JsonObject {
  const m = meta(owner);
  return { apiVersion: owner['apiVersion'] as string, kind: owner['kind'] as string, name: m.name, uid: m.uid, controller: true, blockOwnerDeletion: true };
}

/** `intstr` percent or number resolved against a total (`roundUp` for maxSurge, down for maxUnavailable). */
export function intOrPercent(v: Json | undefined, total: number, roundUp: boolean, fallback: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.endsWith('%')) {
    const x = (Number(v.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return fallback;
}

export function podReady(pod: JsonObject): boolean {
  const conds = Array.isArray(status(pod)['conditions']) ? (status(pod)['conditions'] as JsonObject[]) : [];
  return conds.some((c) => c['type'] === 'Ready' && c['status'] === 'True');
}

/** Ready for at least `minReadySeconds` (the controllers' notion of available). */
export function podAvailable(pod: JsonObject, minReadySeconds: number, now = Date.now()): boolean {
  if (!podReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const conds = status(pod)['conditions'] as JsonObject[];
  const ready = conds.find((c) => c['type'] === 'Ready');
  const since = Date.parse(String(ready?.['lastTransitionTime'] ?? ''));
  return Number.isFinite(since) && now - since >= minReadySeconds * 1000;
}

export function terminating(o: JsonObject): boolean {
  return meta(o).deletionTimestamp !== undefined;
}
