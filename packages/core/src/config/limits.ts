import { types } from 'node:util';
import type { ValidationIssue } from './results.js';

/** Caps of every validator: the size of what is read, and of what is reported. */
export interface ValidationLimits {
  /** Issues listed per result; further ones are summed up in one `too_many_issues` entry. */
  maxIssues: number;
  /** Characters of an issue's message (and of its path); longer ones are cut with "…". */
  maxMessageLength: number;
  /** Keys named in one "unrecognized keys" message. */
  maxListedKeys: number;
  /** Nesting of objects and arrays. */
  maxDepth: number;
  /** Items of one array. */
  maxArrayLength: number;
  /** Characters of one string value. */
  maxStringLength: number;
  /** Keys of one object. */
  maxKeys: number;
  /** Characters of one key. */
  maxKeyLength: number;
  /** Values (objects, arrays and leaves) read in total. */
  maxValues: number;
}

/**
 * The defaults: far above any real config, low enough that validating the largest accepted input
 * takes well under a second. Schemas cap their own fields lower where a platform's limit is smaller.
 */
export const VALIDATION_LIMITS: Readonly<ValidationLimits> = Object.freeze({
  maxIssues: 100,
  maxMessageLength: 500,
  maxListedKeys: 10,
  maxDepth: 64,
  maxArrayLength: 10_000,
  maxStringLength: 1_048_576,
  maxKeys: 10_000,
  maxKeyLength: 1_024,
  maxValues: 100_000,
});

/** Cuts `text` to `max` characters, saying how much was left out. */
export function clip(text: string, max: number = VALIDATION_LIMITS.maxMessageLength): string {
  if (text.length <= max) return text;
  const note = `… (${text.length - max} more characters)`;
  return `${text.slice(0, Math.max(0, max - note.length))}${note}`;
}

/** The first `maxIssues` issues (message and path clipped) and, when there were more, one entry counting the rest. */
export function capIssues(issues: readonly ValidationIssue[], limits: Readonly<ValidationLimits> = VALIDATION_LIMITS): ValidationIssue[] {
  if (!Array.isArray(issues)) return [];
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const bound = (i: ValidationIssue): ValidationIssue => ({ path: clip(text(i?.path), limits.maxMessageLength), message: clip(text(i?.message), limits.maxMessageLength), code: text(i?.code) });
  const capped = issues.length === limits.maxIssues + 1 && issues[limits.maxIssues]?.code === 'too_many_issues';
  if (capped) return issues.map(bound);
  const out = issues.slice(0, limits.maxIssues).map(bound);
  const more = issues.length - out.length;
  if (more > 0) out.push({ path: '', message: `and ${more} more issue${more === 1 ? '' : 's'} (only the first ${limits.maxIssues} are listed)`, code: 'too_many_issues' });
  return out;
}

/** A short, bounded description of what a hostile value threw (never its whole message). */
export function describeThrown(error: unknown): string {
  try {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return clip(text, 200);
  } catch {
    return 'an unprintable error';
  }
}

// Thrown to stop the walk as soon as the total budget is spent.
const OUT_OF_BUDGET = Symbol('out of budget');

function isPlainPrototype(proto: unknown): boolean {
  return proto === Object.prototype || proto === null;
}

/**
 * Reads `input` the way a schema would and returns what makes it unsafe to validate (empty when
 * none): a value that throws when read (getters, Proxy traps, revoked Proxies), an own
 * `__proto__` key, or a size over `limits`. Plain objects and arrays are walked (cycles once);
 * other objects (class instances, Dates, Buffers) are left to the schema. Never throws.
 */
export function inspectInput(input: unknown, limits: Readonly<ValidationLimits> = VALIDATION_LIMITS): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const ancestors = new Set<object>();
  let values = 0;
  const pathOf = (path: readonly (string | number)[]): string => clip(path.map(String).join('.'), limits.maxMessageLength);
  const add = (path: readonly (string | number)[], code: string, message: string): void => {
    issues.push({ path: pathOf(path), code, message });
  };

  const walk = (value: unknown, path: (string | number)[]): void => {
    values += 1;
    if (values > limits.maxValues) throw OUT_OF_BUDGET;
    if (typeof value === 'string') {
      if (value.length > limits.maxStringLength) add(path, 'too_big', `a string of ${value.length} characters is longer than the limit of ${limits.maxStringLength}`);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    if (ancestors.has(value)) return; // a cycle: the schema sees it again, nothing new to read here
    if (path.length >= limits.maxDepth) {
      add(path, 'too_deep', `nested deeper than the limit of ${limits.maxDepth} levels`);
      return;
    }
    try {
      if (Array.isArray(value)) {
        const length = value.length;
        if (length > limits.maxArrayLength) {
          add(path, 'too_big', `an array of ${length} items is longer than the limit of ${limits.maxArrayLength}`);
          return;
        }
        ancestors.add(value);
        for (let i = 0; i < length; i += 1) {
          let item: unknown;
          try {
            item = value[i];
          } catch (error) {
            add([...path, i], 'unreadable', `an item that throws when read (${describeThrown(error)})`);
            continue;
          }
          walk(item, [...path, i]);
        }
        ancestors.delete(value);
        return;
      }
      if (!isPlainPrototype(Object.getPrototypeOf(value))) return;
      const keys = Object.keys(value);
      if (keys.length > limits.maxKeys) {
        add(path, 'too_big', `an object with ${keys.length} keys has more than the limit of ${limits.maxKeys}`);
        return;
      }
      ancestors.add(value);
      for (const key of keys) {
        if (key === '__proto__') {
          add([...path, key], 'forbidden_key', 'the key "__proto__" is not accepted: it would replace the object\'s prototype');
          continue;
        }
        if (key.length > limits.maxKeyLength) {
          add(path, 'too_big', `a key of ${key.length} characters is longer than the limit of ${limits.maxKeyLength}`);
          continue;
        }
        let child: unknown;
        try {
          child = (value as Record<string, unknown>)[key];
        } catch (error) {
          add([...path, key], 'unreadable', `a property that throws when read (${describeThrown(error)})`);
          continue;
        }
        walk(child, [...path, key]);
      }
      ancestors.delete(value);
    } catch (error) {
      if (error === OUT_OF_BUDGET) throw error;
      ancestors.delete(value);
      const kind = types.isProxy(value) ? 'a Proxy that' : 'a value that';
      add(path, 'unreadable', `${kind} throws when read (${describeThrown(error)})`);
    }
  };

  try {
    walk(input, []);
  } catch (error) {
    if (error !== OUT_OF_BUDGET) add([], 'unreadable', `the input could not be read (${describeThrown(error)})`);
    else add([], 'too_big', `the input holds more than the limit of ${limits.maxValues} values`);
  }
  return capIssues(issues, limits);
}
