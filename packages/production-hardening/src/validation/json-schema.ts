import { capIssues, inspectInput, type ValidationIssue, type ValidationResult } from '@gati-framework/core';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

let ajv: Ajv2020 | undefined;
const compiled = new WeakMap<object, ValidateFunction | Error>();

function instance(): Ajv2020 {
  // unicode: false counts string length in UTF-16 units and unicodeRegExp: false drops the `u`
  // flag, as zod does, so both validators agree on every input.
  ajv ??= addFormats(new Ajv2020({ allErrors: true, strict: false, unicode: false, unicodeRegExp: false, logger: false }));
  return ajv;
}

function toIssue(e: ErrorObject): ValidationIssue {
  const base = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = e.params as Record<string, unknown>;
  const extra = typeof params['missingProperty'] === 'string' ? params['missingProperty'] : typeof params['additionalProperty'] === 'string' ? params['additionalProperty'] : undefined;
  const path = [...base, ...(extra === undefined ? [] : [extra])].join('.');
  const message = e.keyword === 'additionalProperties' ? `unknown key "${String(extra)}"` : (e.message ?? e.keyword);
  return { path, message, code: e.keyword };
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : 'a non-error was thrown';
  } catch {
    return 'an unprintable error';
  }
}

/**
 * Validates `data` against any JSON Schema (draft 2020-12, with ajv-formats) and returns every
 * problem with its path; never throws (a broken schema is reported as an issue). Hostile and
 * oversized inputs are refused first, and the issues are capped, as in core's `validateWithSchema`.
 */
export function validateJSONSchema(data: unknown, schema: object): ValidationResult {
  let validate = compiled.get(schema);
  if (!validate) {
    try {
      validate = instance().compile(schema);
    } catch (e) {
      validate = e instanceof Error ? e : new Error(String(e));
    }
    compiled.set(schema, validate);
  }
  if (validate instanceof Error) return { valid: false, errors: [{ path: '', message: `the schema does not compile: ${validate.message}`, code: 'invalid_schema' }], warnings: [] };
  // The same inspection as the zod path (core's validateWithSchema): both refuse the same
  // hostile and oversized inputs before a validator reads them, so the two paths agree.
  const unsafe = inspectInput(data);
  if (unsafe.length > 0) return { valid: false, errors: unsafe, warnings: [] };
  try {
    if (validate(data)) return { valid: true, errors: [], warnings: [] };
    return { valid: false, errors: capIssues((validate.errors ?? []).map(toIssue)), warnings: [] };
  } catch (e) {
    return { valid: false, errors: capIssues([{ path: '', message: `the input could not be validated (${describe(e)})`, code: 'unreadable' }]), warnings: [] };
  }
}
