import { describe, expect, it } from 'vitest';
import { GatiError, isGatiError } from '../errors/gati-error.js';
import type { GatiErrorCode } from '../errors/codes.js';
import type { ProgressEvent } from '../progress/progress.js';
import { ensure } from './ensure.js';
import { Operation, type OperationSettings, type ProviderErrors } from './operation.js';
import { ownedBy, ownershipTags, userTags } from './ownership.js';
import { Provisioning } from './provisioning.js';

/** A fake cloud's raw error: just a name, as SDK errors have. */
class CloudError extends Error {
  constructor(readonly errorName: string) {
    super(`cloud said ${errorName}`);
  }
}

const CODES: Record<string, GatiErrorCode> = {
  Throttled: 'THROTTLED',
  Internal: 'UNAVAILABLE',
  AccessDenied: 'PERMISSION_DENIED',
  AlreadyExists: 'ALREADY_EXISTS',
  AlreadyAttached: 'CONFLICT',
  Quota: 'QUOTA_EXCEEDED',
};

const errors: ProviderErrors = {
  provider: 'fake',
  mapError: (e, what) => (isGatiError(e) ? e : new GatiError(CODES[(e as CloudError).errorName] ?? 'PROVIDER_ERROR', `${what} failed: ${(e as Error).message}`, { provider: 'fake', cause: e })),
  isAlreadyExists: (e) => (e as CloudError).errorName === 'AlreadyExists',
  isAlreadyDone: (e) => (e as CloudError).errorName === 'AlreadyAttached',
};

/** Seeded random in [0, 1): runs are reproducible. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a * 1103515245 + 12345) % 2 ** 31;
    return a / 2 ** 31;
  };
}

const fast: OperationSettings = { errors, pollIntervalMs: 5, maxPollIntervalMs: 20, retryBaseDelayMs: 2, maxRetryDelayMs: 10, random: seeded(42) };

function op(settings: Partial<OperationSettings> = {}, events?: ProgressEvent[], timeoutMs?: number): Operation {
  return new Operation('createThing', { ...(events ? { onProgress: (e: ProgressEvent) => events.push(e) } : {}), ...(timeoutMs ? { timeoutMs } : {}) }, { ...fast, ...settings });
}

/** Fails the first `faults.length` calls with those errors, then runs `then`. */
function scripted<T>(faults: string[], then: () => T): { fn: () => Promise<T>; calls: () => number } {
  let calls = 0;
  return {
    fn: async () => {
      const fault = faults[calls++];
      if (fault) throw new CloudError(fault);
      return then();
    },
    calls: () => calls,
  };
}

describe('Operation retry semantics', () => {
  it('an "already done" answer to a retried change is success at once, not a retried conflict', async () => {
    // First attempt: the change happened but its answer was lost (a 5xx); the retry hears "already attached".
    const attach = scripted(['Internal', 'AlreadyAttached', 'AlreadyAttached'], () => undefined);
    const started = performance.now();
    await expect(op({ retryBaseDelayMs: 50, maxRetryDelayMs: 50 }).change('attaching the gateway', attach.fn)).resolves.toBe('already-done');
    expect(attach.calls()).toBe(2);
    expect(performance.now() - started).toBeLessThan(500);
    await expect(op().change('attaching', scripted([], () => 1).fn)).resolves.toBe('done');
  });

  it('the retry budget is the deadline: 40 throttles in a row still succeed', async () => {
    const call = scripted(Array<string>(40).fill('Throttled'), () => 'ok');
    await expect(op().call('listing zones', call.fn)).resolves.toBe('ok');
    expect(call.calls()).toBe(41);
  });

  it('persistent throttling fails with TIMEOUT at the deadline, naming the last status', async () => {
    const started = performance.now();
    const error = await op({}, undefined, 150)
      .call('listing zones', scripted(Array<string>(10_000).fill('Throttled'), () => 'never').fn)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect((error as Error).message).toMatch(/THROTTLED/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('throttling backs off up to its own ceiling, not the (long) poll interval', async () => {
    const events: ProgressEvent[] = [];
    const check = scripted(Array<string>(6).fill('Throttled'), () => ({ done: true as const, value: 'ACTIVE' }));
    const started = performance.now();
    const o = op({ pollIntervalMs: 60_000, maxPollIntervalMs: 60_000, retryBaseDelayMs: 5, maxRetryDelayMs: 20, random: () => 0.999 }, events);
    await expect(o.wait('cluster/a', check.fn)).resolves.toBe('ACTIVE');
    // 5 + 10 + 20 + 20 + 20 + 20 ms at most: far below one poll interval.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(events.filter((e) => e.phase === 'waiting' && /THROTTLED/.test(e.message))).toHaveLength(6);
  });

  it('permission errors fail at once, mapped by the provider', async () => {
    const call = scripted(['AccessDenied'], () => 'x');
    await expect(op().call('creating the VPC', call.fn)).rejects.toMatchObject({ code: 'PERMISSION_DENIED', message: /creating the VPC failed/ });
    expect(call.calls()).toBe(1);
  });
});

/** A fake cloud of named things; a create can be made to "lose" its answer after doing the work. */
function fakeCloud() {
  const things = new Map<string, { id: string; tags: Record<string, string> }>();
  let created = 0;
  return {
    things,
    creates: () => created,
    find: async (name: string) => things.get(name),
    create: async (name: string, fault?: string) => {
      if (things.has(name)) throw new CloudError('AlreadyExists');
      const thing = { id: `id-${++created}`, tags: ownershipTags('shop', name, { team: 'a' }) };
      things.set(name, thing);
      if (fault) throw new CloudError(fault);
      return thing;
    },
  };
}

describe('ensure', () => {
  it('a create whose answer is lost is not repeated: the retry finds it', async () => {
    const cloud = fakeCloud();
    let attempt = 0;
    const got = await ensure(op(), { what: 'creating vpc', resource: 'vpc/shop', find: () => cloud.find('vpc'), create: () => cloud.create('vpc', attempt++ === 0 ? 'Internal' : undefined) });
    expect(got).toEqual({ value: cloud.things.get('vpc'), created: false });
    expect(cloud.creates()).toBe(1);
  });

  it('an "already exists" answer is followed by a lookup at once and adopted', async () => {
    const cloud = fakeCloud();
    let hidden = true;
    await cloud.create('role');
    // Eventually consistent read: the first lookup misses what exists.
    const find = async () => {
      if (hidden) {
        hidden = false;
        return undefined;
      }
      return cloud.find('role');
    };
    const got = await ensure(op({ pollIntervalMs: 60_000 }), { what: 'creating role', resource: 'role/shop', find, create: () => cloud.create('role') });
    expect(got.value.id).toBe('id-1');
    expect(got.created).toBe(false);
  });

  it('creates when absent, and reports ALREADY_EXISTS when the conflicting thing never shows up', async () => {
    const cloud = fakeCloud();
    await expect(ensure(op(), { what: 'creating subnet', resource: 's', find: () => cloud.find('s'), create: () => cloud.create('s') })).resolves.toMatchObject({ created: true });
    const error = await ensure(op(), { what: 'creating role', resource: 'role/x', find: async () => undefined, create: () => cloud.create('s'), maxMissedLookups: 3 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ALREADY_EXISTS', retryable: false, message: /cannot be found among the resources Gati owns/ });
  });
});

describe('Provisioning', () => {
  const steps = (cloud: ReturnType<typeof fakeCloud>, o: Operation, failAt?: string) =>
    new Provisioning(o, { resource: 'cluster/shop', what: 'creating cluster shop', resume: 'call createThing again to resume' }).run(
      'creating shop',
      async (p) => {
        for (const name of ['role', 'network', 'cluster']) {
          await p.step(
            async () => {
              if (name === failAt) throw new CloudError('Quota');
              return (await ensure(o, { what: `creating ${name}`, resource: name, find: () => cloud.find(name), create: () => cloud.create(name) })).value;
            },
            (v) => `${name} ${v.id}`,
          );
        }
        return cloud.things.size;
      },
      (n) => `${n} things in place`,
    );

  it('a failure lists what exists and how to resume; running again resumes without duplicates', async () => {
    const cloud = fakeCloud();
    const events: ProgressEvent[] = [];
    const error = await steps(cloud, op({}, events), 'cluster').catch((e: unknown) => e);
    expect(isGatiError(error, 'QUOTA_EXCEEDED')).toBe(true);
    const e = error as GatiError;
    expect(e.retryable).toBe(false);
    expect(e.provider).toBe('fake');
    expect(e.message).toBe('creating cluster shop failed: cloud said Quota\nAlready in place (kept; call createThing again to resume): role id-1; network id-2.');
    expect(e.details?.['created']).toEqual(['role id-1', 'network id-2']);
    expect(e.cause).toBeInstanceOf(CloudError);
    const top = events.filter((ev) => ev.resource === 'cluster/shop');
    expect(top.map((ev) => ev.phase)).toEqual(['started', 'failed']);
    expect(top[1]?.message).toMatch(/Quota Already in place/);

    const resumed: ProgressEvent[] = [];
    await expect(steps(cloud, op({}, resumed))).resolves.toBe(3);
    expect(cloud.creates()).toBe(3);
    expect(resumed.filter((ev) => ev.resource === 'cluster/shop').map((ev) => [ev.phase, ev.message])).toEqual([
      ['started', 'creating shop'],
      ['succeeded', '3 things in place'],
    ]);
  });

  it('a step given a resource reports it succeeded with its description; one without reports nothing', async () => {
    const events: ProgressEvent[] = [];
    const job = new Provisioning(op({}, events), { resource: 'cluster/shop', what: 'creating cluster shop', resume: 'again' });
    await job.run('creating shop', async (p) => {
      await p.step(async () => 'net-1', (id) => `network ${id}`, (id) => `network/${id}`);
      await p.step(async () => 'pool', () => 'node pool general', 'node-pool/shop/general');
      await p.step(async () => 'quiet', () => 'not reported');
      return 3;
    }, () => 'done');
    expect(events.filter((e) => e.phase === 'succeeded').map((e) => [e.resource, e.message])).toEqual([
      ['network/net-1', 'network net-1'],
      ['node-pool/shop/general', 'node pool general'],
      ['cluster/shop', 'done'],
    ]);
    expect(job.created).toEqual(['network net-1', 'node pool general', 'not reported']);
  });

  it('says "Nothing was created." when the first step fails, keeping the cause\'s code and retryable flag', async () => {
    const error = await steps(fakeCloud(), op(), 'role').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'QUOTA_EXCEEDED', message: /\nNothing was created\.$/, details: { created: [] } });
  });
});

describe('ownership tags', () => {
  it('marks, recognises and strips Gati\'s own tags', () => {
    const tags = ownershipTags('shop', 'vpc', { team: 'a', 'gati.dev/cluster': 'spoofed' });
    expect(tags).toEqual({ team: 'a', 'gati.dev/cluster': 'shop', 'gati.dev/managed-by': 'gati', 'gati.dev/component': 'vpc' });
    expect(ownedBy(tags, 'shop')).toBe(true);
    expect(ownedBy(tags, 'other')).toBe(false);
    expect(ownedBy({ 'gati.dev/cluster': 'shop' }, 'shop')).toBe(false);
    expect(userTags(tags)).toEqual({ team: 'a' });
  });
});

describe('ensure with a create that is not possible yet', () => {
  it('tries again on the poll scale while notYet says so, and stops retrying when it no longer does', async () => {
    let attempts = 0;
    const events: ProgressEvent[] = [];
    const got = await ensure(op({}, events), {
      what: 'creating cluster',
      resource: 'cluster/x',
      find: async () => undefined,
      create: async () => {
        if (++attempts < 3) throw new CloudError('RoleNotReady');
        return 'made';
      },
      notYet: (e) => ((e as CloudError).errorName === 'RoleNotReady' ? 'waiting for the role' : undefined),
    });
    expect(got).toEqual({ value: 'made', created: true });
    expect(events.filter((e) => e.message === 'waiting for the role')).toHaveLength(2);
    const error = await ensure(op(), { what: 'creating cluster', resource: 'c', find: async () => undefined, create: () => Promise.reject(new CloudError('RoleNotReady')), notYet: () => undefined }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR' });
  });
});
