import { describe, expect, it } from 'vitest';
import { GatiError } from '../errors/gati-error.js';
import type { ProgressEvent } from '../progress/progress.js';
import { backoffDelay, poll, retry } from './poll.js';

const fast = { minDelayMs: 5, maxDelayMs: 20 };

describe('poll', () => {
  it('waits until done, reporting started → waiting… → succeeded', async () => {
    const events: ProgressEvent[] = [];
    let calls = 0;
    const value = await poll(async () => (++calls < 4 ? { done: false, message: `attempt ${calls}` } : { done: true, value: 'ready' }), {
      ...fast,
      operation: 'createCluster',
      resource: 'cluster/a',
      onProgress: (e) => events.push(e),
    });
    expect(value).toBe('ready');
    expect(calls).toBe(4);
    expect(events.map((e) => e.phase)).toEqual(['started', 'waiting', 'waiting', 'waiting', 'succeeded']);
    expect(events[1]).toMatchObject({ operation: 'createCluster', resource: 'cluster/a', message: 'attempt 1' });
  });

  it('retries retryable errors but fails at once on permission errors', async () => {
    let calls = 0;
    const v = await poll(
      async () => {
        calls++;
        if (calls < 3) throw new GatiError('THROTTLED', 'Rate exceeded');
        return { done: true, value: calls };
      },
      fast,
    );
    expect(v).toBe(3);

    const started = performance.now();
    calls = 0;
    const denied = poll(
      async () => {
        calls++;
        throw new GatiError('PERMISSION_DENIED', 'AccessDenied');
      },
      { ...fast, timeoutMs: 60_000 },
    );
    await expect(denied).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(calls).toBe(1);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('gives up after maxRetryableErrors consecutive retryable errors', async () => {
    let calls = 0;
    await expect(
      poll(
        async () => {
          calls++;
          throw new GatiError('UNAVAILABLE', '503');
        },
        { ...fast, maxRetryableErrors: 3 },
      ),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(calls).toBe(4);
  });

  it('maps raw errors through mapError, and wraps unknown ones as PROVIDER_ERROR', async () => {
    await expect(
      poll(
        async () => {
          throw new Error('boom');
        },
        fast,
      ),
    ).rejects.toMatchObject({ code: 'PROVIDER_ERROR', message: 'boom' });
    let calls = 0;
    const v = await poll(
      async () => {
        if (++calls === 1) throw Object.assign(new Error('slow'), { name: 'ThrottlingException' });
        return { done: true, value: 'ok' };
      },
      { ...fast, mapError: (e) => new GatiError('THROTTLED', (e as Error).message, { cause: e }) },
    );
    expect(v).toBe('ok');
  });

  it('rejects with TIMEOUT naming the last status', async () => {
    const err = poll(async () => ({ done: false, message: 'cluster is CREATING' }), { ...fast, timeoutMs: 60, resource: 'cluster/slow' });
    await expect(err).rejects.toMatchObject({ code: 'TIMEOUT' });
    await expect(err).rejects.toThrow(/cluster\/slow.*cluster is CREATING/);
  });

  it('stops promptly with ABORTED, also in the middle of a long sleep or a hanging check', async () => {
    const controller = new AbortController();
    const events: ProgressEvent[] = [];
    const p = poll(async () => ({ done: false }), { minDelayMs: 60_000, maxDelayMs: 60_000, signal: controller.signal, onProgress: (e) => events.push(e) });
    setTimeout(() => controller.abort(), 20);
    const t = performance.now();
    await expect(p).rejects.toMatchObject({ code: 'ABORTED' });
    expect(performance.now() - t).toBeLessThan(5000);
    expect(events.at(-1)?.phase).toBe('failed');

    const c2 = new AbortController();
    const hanging = poll(() => new Promise<never>(() => {}), { signal: c2.signal });
    setTimeout(() => c2.abort(), 20);
    await expect(hanging).rejects.toMatchObject({ code: 'ABORTED' });

    const c3 = new AbortController();
    c3.abort();
    await expect(poll(async () => ({ done: true, value: 1 }), { signal: c3.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('backs off exponentially with jitter inside [base/2, base], capped', () => {
    expect(backoffDelay(0, 100, 1000, 2, () => 0)).toBe(50);
    expect(backoffDelay(0, 100, 1000, 2, () => 0.999)).toBe(100);
    expect(backoffDelay(3, 100, 1000, 2, () => 0)).toBe(400);
    expect(backoffDelay(10, 100, 1000, 2, () => 0.999)).toBe(1000);
  });
});

describe('retry', () => {
  it('returns the first success and surfaces non-retryable errors unchanged', async () => {
    let calls = 0;
    expect(
      await retry(
        async () => {
          if (++calls < 3) throw new GatiError('THROTTLED', 'slow');
          return 'done';
        },
        fast,
      ),
    ).toBe('done');
    const notFound = new GatiError('NOT_FOUND', 'missing');
    await expect(
      retry(async () => {
        throw notFound;
      }, fast),
    ).rejects.toBe(notFound);
  });
});

describe('poll with a separate retry backoff', () => {
  it('retries errors on the short scale while "not done" waits use the poll scale', async () => {
    let calls = 0;
    const started = performance.now();
    const v = await poll(
      async () => {
        calls++;
        if (calls <= 5) throw new GatiError('THROTTLED', 'Rate exceeded');
        return { done: true, value: calls };
      },
      { minDelayMs: 60_000, maxDelayMs: 60_000, retryMinDelayMs: 2, retryMaxDelayMs: 8 },
    );
    expect(v).toBe(6);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('with maxRetryableErrors Infinity only the time limit ends the retries', async () => {
    let calls = 0;
    const error = await poll(
      async () => {
        calls++;
        throw new GatiError('UNAVAILABLE', '503');
      },
      { minDelayMs: 1, maxDelayMs: 2, maxRetryableErrors: Number.POSITIVE_INFINITY, timeoutMs: 100 },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect(calls).toBeGreaterThan(11);
  });
});
