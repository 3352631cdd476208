import type { z } from 'zod';
import { GatiError } from '../errors/gati-error.js';
import type { ValidationIssue, ValidationResult } from './results.js';

function toIssue(issue: z.core.$ZodIssue): ValidationIssue {
  return { path: issue.path.map(String).join('.'), message: issue.message, code: issue.code };
}

/** Validates `input` against a zod schema and returns every problem with its path; never throws. */
export function validateWithSchema(schema: z.ZodType, input: unknown): ValidationResult {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { valid: true, errors: [], warnings: [] };
  return { valid: false, errors: parsed.error.issues.map(toIssue), warnings: [] };
}

/** Parses `input` or throws `INVALID_CONFIG` listing each problem (`details.issues`). */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map(toIssue);
  throw invalidConfigError(what, issues);
}

/** The INVALID_CONFIG error for a list of issues: one readable line each. */
export function invalidConfigError(what: string, issues: ValidationIssue[]): GatiError {
  const lines = issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n');
  return new GatiError('INVALID_CONFIG', `Invalid ${what}:\n${lines}`, { details: { issues } });
}
