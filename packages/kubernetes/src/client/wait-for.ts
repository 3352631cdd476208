import { abortedError, GatiError, isGatiError, ProgressReporter, sleep, type OperationOptions } from '@gati-framework/core';
import { kubeApiError } from './errors.js';
import type { ResourceResolver } from './resources.js';
import type { KubeTransport } from './transport.js';
import { describeRef, type KubeObject, type ObjectRef } from './types.js';

/** What a wait predicate answers: done (with a value), or not yet (with a status line). */
export type WaitCheck<T> = { done: true; value: T } | { done: false; message?: string };

/**
 * Judges the object (`undefined` while it does not exist). Return `true`/`false` or a {@link WaitCheck};
 * throw a GatiError to stop waiting with that error (e.g. a failed rollout).
 */
export type WaitPredicate<T> = (object: KubeObject | undefined) => boolean | WaitCheck<T> | Promise<boolean | WaitCheck<T>>;

/** Options of `waitFor`; every field has a default. */
export interface WaitForOptions extends OperationOptions {
  /** Overall limit. Default 5 minutes. */
  timeoutMs?: number;
  /** Operation name in progress events and errors. Default `waitFor`. */
  operation?: string;
  /** Re-judge the last seen object at least this often, even without events (time-based predicates). Default 1000 ms. */
  resyncMs?: number;
  /** Longest single watch request before it is resumed. Default 300 s. */
  watchTimeoutSeconds?: number;
}

interface WatchLine {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject & { code?: number; reason?: string; message?: string };
}

class Expired extends Error {}

/**
 * Watches one object until the predicate is satisfied: list, then watch from the list's
 * resourceVersion, resume from the last resourceVersion seen after the server ends a watch or
 * the connection drops, relist on 410 Gone, retry transient failures; rejects with TIMEOUT or
 * ABORTED, or the predicate's own error.
 */
export async function waitForObject<T = KubeObject | undefined>(
  transport: KubeTransport,
  resolver: ResourceResolver,
  ref: ObjectRef & { namespace: string },
  predicate: WaitPredicate<T>,
  options: WaitForOptions = {},
): Promise<T> {
  const operation = options.operation ?? 'waitFor';
  const resource = describeRef(ref);
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const progress = new ProgressReporter(operation, options.onProgress);
  const stop = new AbortController();
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([stop.signal, timeout, ...(options.signal ? [options.signal] : [])]);
  const { path } = await resolver.collectionPath(ref.apiVersion, ref.kind, ref.namespace);
  const fieldSelector = `metadata.name=${ref.name}`;
  let lastMessage = 'not checked yet';
  let lastObject: KubeObject | undefined;
  let listed = false;
  let outcome: { value: T } | { error: GatiError } | undefined;

  const judge = async (object: KubeObject | undefined): Promise<void> => {
    if (outcome) return;
    lastObject = object;
    try {
      const r = await predicate(object);
      if (outcome) return;
      const check: WaitCheck<T> = typeof r === 'boolean' ? (r ? { done: true, value: object as T } : { done: false }) : r;
      if (check.done) {
        outcome = { value: check.value };
        stop.abort();
      } else {
        const message = check.message ?? (object ? `waiting for ${resource}` : `${resource} does not exist yet`);
        if (message !== lastMessage) progress.emit(resource, 'waiting', message);
        lastMessage = message;
      }
    } catch (error) {
      outcome = { error: isGatiError(error) ? error : new GatiError('PROVIDER_ERROR', `${operation} of ${resource}: ${String(error)}`, { cause: error }) };
      stop.abort();
    }
  };

  const finish = (): T => {
    if (outcome && 'value' in outcome) {
      progress.emit(resource, 'succeeded', `${operation} ${resource} done`);
      return outcome.value;
    }
    const error =
      outcome?.error ??
      (options.signal?.aborted
        ? abortedError(options.signal, `${operation} of ${resource}`)
        : new GatiError('TIMEOUT', `${operation} of ${resource} did not finish within ${timeoutMs} ms (last status: ${lastMessage}).`, { provider: 'kubernetes', details: { resource, timeoutMs } }));
    progress.emit(resource, 'failed', error.message);
    throw error;
  };

  progress.emit(resource, 'started', `${operation} ${resource}`);
  // Re-judging starts only once the first list has told us the object's state.
  const resync = setInterval(() => listed && void judge(lastObject), options.resyncMs ?? 1000);
  resync.unref();
  try {
    let rv: string | undefined;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (rv === undefined) {
          const { body } = await transport.json<{ metadata: { resourceVersion: string }; items: KubeObject[] }>({ method: 'GET', path, query: { fieldSelector }, signal }, `list ${resource}`);
          rv = body.metadata.resourceVersion;
          await judge(body.items[0]);
          listed = true;
          if (signal.aborted) break;
        }
        const remaining = Math.max(1, Math.ceil((timeoutMs - progress.elapsedMs()) / 1000));
        await transport.stream(
          {
            method: 'GET',
            path,
            query: { watch: 'true', resourceVersion: rv, fieldSelector, allowWatchBookmarks: 'true', timeoutSeconds: Math.min(remaining, options.watchTimeoutSeconds ?? 300) },
            signal,
          },
          `watch ${resource}`,
          (raw) => {
            const line = raw as WatchLine;
            if (line.type === 'ERROR') {
              if (line.object.code === 410) throw new Expired(line.object.message ?? 'expired');
              throw kubeApiError(line.object.code ?? 500, line.object, `watch ${resource}`);
            }
            if (line.object.metadata?.resourceVersion) rv = line.object.metadata.resourceVersion;
            if (line.type === 'BOOKMARK') return;
            void judge(line.type === 'DELETED' ? undefined : line.object);
          },
        );
        failures = 0;
      } catch (error) {
        if (signal.aborted) break;
        // 410 arrives as a watch event, or as the HTTP status of the watch request itself.
        const expired = error instanceof Expired || (isGatiError(error) && ((error.cause as Error | undefined) instanceof Expired || error.details?.['httpStatus'] === 410));
        if (expired) {
          rv = undefined; // history compacted: relist
          continue;
        }
        if (isGatiError(error) && error.retryable && ++failures <= 10) {
          lastMessage = `retrying after ${error.code}: ${error.message}`;
          // A failed list left rv unset (list again); a dropped or refused watch keeps the last
          // resourceVersion seen and resumes there, as client-go does: nothing is missed, and a
          // version compacted meanwhile answers 410, which relists.
          await sleep(Math.min(5000, 100 * 2 ** failures), signal).catch(() => undefined);
          continue;
        }
        outcome ??= { error: isGatiError(error) ? error : new GatiError('PROVIDER_ERROR', String(error), { cause: error }) };
        break;
      }
    }
  } finally {
    clearInterval(resync);
  }
  return finish();
}
