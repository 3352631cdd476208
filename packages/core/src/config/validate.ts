import type { z } from 'zod';
import { GatiError } from '../errors/gati-error.js';
import { VALIDATION_LIMITS, capIssues, clip, describeThrown, inspectInput } from './limits.js';
import type { ValidationIssue, ValidationResult } from './results.js';

function toIssue(issue: z.core.$ZodIssue): ValidationIssue {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    // zod lists every key: one input with 100k unknown keys made a message of ~1 MB.
    const max = VALIDATION_LIMITS.maxListedKeys;
    const listed = issue.keys.slice(0, max).map((k) => JSON.stringify(clip(k, 64))).join(', ');
    const more = issue.keys.length - max;
    return { path, message: `Unrecognized key${issue.keys.length === 1 ? '' : 's'}: ${listed}${more > 0 ? ` and ${more} more` : ''}`, code: issue.code };
  }
  return { path, message: issue.message, code: issue.code };
}

type Outcome<T> = { success: true; data: T } | { success: false; issues: ValidationIssue[] };

/** Inspects, then parses; whatever the input does, the answer is data or a bounded list of issues. */
function safeParse<S extends z.ZodType>(schema: S, input: unknown): Outcome<z.infer<S>> {
  const unsafe = inspectInput(input);
  if (unsafe.length > 0) return { success: false, issues: unsafe };
  try {
    const parsed = schema.safeParse(input);
    if (parsed.success) return { success: true, data: parsed.data as z.infer<S> };
    return { success: false, issues: capIssues(parsed.error.issues.map(toIssue)) };
  } catch (error) {
    // Objects the inspection does not walk (class instances, exotic prototypes) can still throw inside the schema.
    return { success: false, issues: [{ path: '', message: `the input could not be validated (${describeThrown(error)})`, code: 'unreadable' }] };
  }
}

/**
 * Validates `input` against a zod schema and returns every problem with its path; never throws,
 * whatever the input (throwing getters, Proxies, oversized values). At most
 * `VALIDATION_LIMITS.maxIssues` issues are listed, then one `too_many_issues` entry.
 */
export function validateWithSchema(schema: z.ZodType, input: unknown): ValidationResult {
  const parsed = safeParse(schema, input);
  if (parsed.success) return { valid: true, errors: [], warnings: [] };
  return { valid: false, errors: parsed.issues, warnings: [] };
}

/** Parses `input` or throws `INVALID_CONFIG` listing each problem (`details.issues`); never any other error. */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const parsed = safeParse(schema, input);
  if (parsed.success) return parsed.data;
  throw invalidConfigError(what, parsed.issues);
}

/** The INVALID_CONFIG error for a list of issues: one readable line each (bounded like the issues). */
export function invalidConfigError(what: string, issues: ValidationIssue[]): GatiError {
  const listed = capIssues(issues);
  const lines = listed.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n');
  return new GatiError('INVALID_CONFIG', `Invalid ${what}:\n${lines}`, { details: { issues: listed } });
}
