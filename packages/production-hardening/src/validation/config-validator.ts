import { capIssues, invalidConfigError, parseConfig, validateWithSchema, type ValidationResult } from '@gati-framework/core';
import { z } from 'zod';
import { DeploymentConfigSchema, type DeploymentConfig } from './deployment-config.js';
import { validateJSONSchema } from './json-schema.js';
import { checkDeploymentRules } from './rules.js';

let cachedSchema: Record<string, unknown> | undefined;

/** JSON Schema (draft 2020-12) of a `DeploymentConfig` as users write it, derived from the zod schema. */
export function deploymentConfigJSONSchema(): Record<string, unknown> {
  cachedSchema ??= {
    ...(z.toJSONSchema(DeploymentConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>),
    $id: 'https://gati-framework.dev/schemas/deployment-config.json',
    title: 'Gati DeploymentConfig',
  };
  return cachedSchema;
}

function withRules(result: ValidationResult, input: unknown): ValidationResult {
  if (!result.valid) return result;
  const parsed = DeploymentConfigSchema.safeParse(input);
  if (!parsed.success) return validateWithSchema(DeploymentConfigSchema, input);
  const rules = checkDeploymentRules(parsed.data);
  return { valid: rules.errors.length === 0, errors: capIssues(rules.errors), warnings: capIssues(rules.warnings) };
}

function failed(e: unknown): ValidationResult {
  let why = 'a non-error was thrown';
  try {
    if (e instanceof Error) why = `${e.name}: ${e.message}`;
  } catch {
    why = 'an unprintable error';
  }
  return { valid: false, errors: capIssues([{ path: '', message: `could not validate: ${why}`, code: 'validation_error' }]), warnings: [] };
}

/**
 * Validates deployment configs: the zod schema, then the cross-field rules. The same rules run
 * behind the JSON Schema path, so YAML/JSON configs validate identically. Never throws on bad input.
 */
export class ConfigValidator {
  /** Every problem with path, message and code; warnings for non-production stages. */
  validate(input: unknown): ValidationResult {
    try {
      return withRules(validateWithSchema(DeploymentConfigSchema, input), input);
    } catch (e) {
      return failed(e);
    }
  }

  /** Parses with defaults applied, or throws `INVALID_CONFIG` listing each problem. */
  parse(input: unknown): DeploymentConfig {
    const result = this.validate(input);
    if (!result.valid) throw invalidConfigError('deployment config', result.errors);
    return parseConfig(DeploymentConfigSchema, input, 'deployment config');
  }

  /** The JSON Schema of `DeploymentConfig` (for editors, YAML language servers, other languages). */
  toJSONSchema(): Record<string, unknown> {
    return deploymentConfigJSONSchema();
  }

  /** Validates through the generated JSON Schema with Ajv, then the same cross-field rules. */
  validateWithJSONSchema(input: unknown): ValidationResult {
    try {
      return withRules(validateJSONSchema(input, deploymentConfigJSONSchema()), input);
    } catch (e) {
      return failed(e);
    }
  }

  /** Validates `data` against any JSON Schema; never throws. */
  validateJSONSchema(data: unknown, schema: object): ValidationResult {
    return validateJSONSchema(data, schema);
  }
}
