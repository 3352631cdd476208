import { GatiError } from '../errors/gati-error.js';
import type { Operation } from './operation.js';

/** Options of {@link ensure}. */
export interface EnsureOptions<T> {
  /** What is being done, for errors: "creating the VPC of shop". */
  what: string;
  /** Resource name for progress events: `vpc/shop`. */
  resource: string;
  /** Looks the resource up (by name or ownership tags); `undefined` when absent. */
  find: () => Promise<T | undefined>;
  create: () => Promise<T>;
  /** "It exists already" test for this create. Default the provider's `isAlreadyExists`. */
  alreadyExists?: (error: unknown) => boolean;
  /** Error mapping for this resource. Default the provider's `mapError(error, what)`. */
  mapError?: (error: unknown) => GatiError;
  /**
   * A create error meaning "not possible yet" (a new role still propagating):
   * return a status line and the create is tried again after a poll interval,
   * within the deadline; return `undefined` for any other error.
   */
  notYet?: (error: unknown) => string | undefined;
  /**
   * Lookups in a row that may miss a resource the cloud says exists (eventually
   * consistent reads) before giving up with ALREADY_EXISTS. Default 5.
   */
  maxMissedLookups?: number;
}

/** The resource, and whether this call created it (false when found, adopted or made by a lost earlier request). */
export interface Ensured<T> {
  value: T;
  created: boolean;
}

/**
 * Find-or-create that survives lost responses: every attempt looks the
 * resource up again before creating, so a create whose answer was lost is
 * never repeated; an "already exists" answer is followed by a lookup at once.
 * Throttling and 5xx are retried until the operation's deadline.
 */
export async function ensure<T>(op: Operation, o: EnsureOptions<T>): Promise<Ensured<T>> {
  const alreadyExists = o.alreadyExists ?? ((e: unknown) => op.errors.isAlreadyExists(e));
  const mapError = o.mapError ?? ((e: unknown) => op.errors.mapError(e, o.what));
  const maxMissed = o.maxMissedLookups ?? 5;
  let missed = 0;
  return op.wait<Ensured<T>>(
    o.resource,
    async () => {
      const found = await o.find();
      if (found !== undefined) return { done: true, value: { value: found, created: false } };
      let refusal: unknown;
      try {
        return { done: true, value: { value: await o.create(), created: true } };
      } catch (error) {
        const waitingFor = o.notYet?.(error);
        if (waitingFor !== undefined) return { done: false, message: waitingFor };
        if (!alreadyExists(error)) throw error;
        refusal = error;
      }
      // Our own earlier request (its answer lost) or a concurrent caller got there first: adopt it.
      const appeared = await o.find();
      if (appeared !== undefined) return { done: true, value: { value: appeared, created: false } };
      if (++missed >= maxMissed) {
        const mapped = mapError(refusal);
        throw new GatiError('ALREADY_EXISTS', `${mapped.message} It cannot be found among the resources Gati owns: delete or rename the conflicting resource.`, {
          provider: mapped.provider ?? op.errors.provider,
          cause: mapped.cause ?? refusal,
          ...(mapped.details ? { details: mapped.details } : {}),
        });
      }
      return { done: false, message: `${o.resource} exists but is not visible yet; looking again` };
    },
    mapError,
  );
}
