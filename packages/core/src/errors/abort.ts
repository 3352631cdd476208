import { GatiError } from './gati-error.js';

/** The GatiError an aborted operation rejects with. */
export function abortedError(signal: AbortSignal, what = 'operation'): GatiError {
  return new GatiError('ABORTED', `The ${what} was aborted by the caller.`, {
    cause: signal.reason,
  });
}

/** Throws `ABORTED` when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw abortedError(signal, what);
}

/**
 * Resolves after `ms`, or rejects with `ABORTED` as soon as the signal fires.
 * The timer is deliberately not unref'd: a script awaiting a long operation must stay alive.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
