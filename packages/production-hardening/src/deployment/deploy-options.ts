import { parseConfig } from '@gati-framework/core';
import { z } from 'zod';

/** A day: no deploy, rollout or smoke test waits longer (and Node's timers stay in range). */
export const MAX_WAIT_MS = 86_400_000;

const Millis = z.number().int().min(1).max(MAX_WAIT_MS);
const Status = z.number().int().min(100).max(599);
const IntOrPercent = z.union([z.number().int().min(0), z.string().regex(/^[0-9]{1,3}%$/, 'must be a percentage such as 25%')]);
const fn = (what: string) => z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', `must be ${what}`);

/** True for an absolute http(s) URL. */
export function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const HttpUrl = z.string().max(2048).refine(isHttpUrl, 'must be an absolute http(s) URL such as http://127.0.0.1:8080');

export const SmokeTestSchema = z.strictObject({
  name: z.string().min(1).max(200),
  path: z.string().max(2048),
  method: z.enum(['GET', 'HEAD', 'POST']).optional(),
  body: z.string().max(1_048_576).optional(),
  headers: z.record(z.string().min(1).max(256), z.string().max(8192)).optional(),
  expectedStatus: z.union([Status, z.array(Status).min(1).max(100)]).optional(),
  bodyIncludes: z.string().max(65_536).optional(),
  bodyMatches: z.custom<RegExp>((v) => v instanceof RegExp, 'must be a RegExp').optional(),
  maxLatencyMs: Millis.optional(),
  retries: z.number().int().min(0).max(100).optional(),
  retryDelayMs: z.number().int().min(0).max(MAX_WAIT_MS).optional(),
  timeoutMs: Millis.optional(),
});

/** The smoke tests of one run: a base URL every test path resolves against. */
export const SmokeTestRunSchema = z
  .strictObject({ baseUrl: HttpUrl, tests: z.array(SmokeTestSchema).max(100) })
  .superRefine((run, ctx) => {
    if (!isHttpUrl(run.baseUrl)) return;
    run.tests.forEach((t, i) => {
      if (!isHttpUrl(joinUrl(run.baseUrl, t.path))) ctx.addIssue({ code: 'custom', path: ['tests', i, 'path'], message: `does not make a URL with the base ${run.baseUrl}` });
    });
  });

/** `path` below `baseUrl`; undefined when they make no URL. */
export function joinUrl(baseUrl: string, path: string): string | undefined {
  try {
    return new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
  } catch {
    return undefined;
  }
}

/** Options of `ZeroDowntimeDeployment.deploy`: checked like a config, before anything reaches the cluster. */
export const DeployOptionsSchema = z
  .strictObject({
    kubeconfig: z.string().min(1).max(1_048_576),
    context: z.string().min(1).max(253).optional(),
    smokeTests: z
      .strictObject({
        baseUrl: z.union([HttpUrl, fn('an http(s) URL, or a function of the new revision returning one')]),
        tests: z.array(SmokeTestSchema).max(100),
      })
      .optional(),
    dryRun: z.boolean().optional(),
    fieldManager: z.string().min(1).max(128).optional(),
    timeoutMs: Millis.optional(),
    rollbackTimeoutMs: Millis.optional(),
    onFirstDeployFailure: z.enum(['keep', 'remove']).optional(),
    rollout: z
      .strictObject({
        minReadySeconds: z.number().int().min(0).max(3600).optional(),
        progressDeadlineSeconds: z.number().int().min(1).max(86_400).optional(),
        revisionHistoryLimit: z.number().int().min(0).max(1000).optional(),
        maxSurge: IntOrPercent.optional(),
        maxUnavailable: IntOrPercent.optional(),
        maxRestarts: z.number().int().min(0).max(1000).optional(),
        podCheckIntervalMs: z.number().int().min(10).max(600_000).optional(),
      })
      .optional(),
    signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'must be an AbortSignal').optional(),
    onProgress: fn('a function').optional(),
  })
  .superRefine((o, ctx) => {
    const base = o.smokeTests?.baseUrl;
    if (typeof base !== 'string' || !isHttpUrl(base)) return; // the base itself is already reported
    o.smokeTests?.tests.forEach((t, i) => {
      if (!isHttpUrl(joinUrl(base, t.path))) ctx.addIssue({ code: 'custom', path: ['smokeTests', 'tests', i, 'path'], message: `does not make a URL with the base ${base}` });
    });
  });

/** Throws `INVALID_CONFIG` listing every bad option (a negative or NaN timeout, a base URL that is no URL, …). */
export function checkDeployOptions(options: unknown): void {
  parseConfig(DeployOptionsSchema, options, 'deploy options');
}

/** Throws `INVALID_CONFIG` unless `baseUrl` and `tests` make a valid smoke-test run. */
export function checkSmokeTests(baseUrl: unknown, tests: unknown): void {
  parseConfig(SmokeTestRunSchema, { baseUrl, tests }, 'smoke tests');
}
