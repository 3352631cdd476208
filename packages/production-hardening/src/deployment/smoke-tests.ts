import { GatiError, invalidConfigError, sleep, type ValidationIssue } from '@gati-framework/core';
import { MAX_WAIT_MS, checkSmokeTests, isHttpUrl, joinUrl } from './deploy-options.js';

/** One HTTP check against a freshly deployed revision. */
export interface SmokeTest {
  name: string;
  /** Path below the base URL, e.g. `/healthz`. */
  path: string;
  /** Default `GET`. */
  method?: 'GET' | 'HEAD' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  /** Accepted status codes. Default 200. */
  expectedStatus?: number | number[];
  /** The response body must contain this text. */
  bodyIncludes?: string;
  /** The response body must match this pattern. */
  bodyMatches?: RegExp;
  /** Latency budget per attempt in ms; slower answers fail the attempt. Default: none. */
  maxLatencyMs?: number;
  /** Extra attempts after a failure. Default 2. */
  retries?: number;
  /** Pause between attempts. Default 250 ms. */
  retryDelayMs?: number;
  /** Per-request limit. Default 5000 ms. */
  timeoutMs?: number;
}

export interface SmokeTestResult {
  name: string;
  passed: boolean;
  attempts: number;
  status?: number;
  latencyMs?: number;
  /** Why the last attempt failed. */
  error?: string;
}

export interface SmokeTestReport {
  passed: boolean;
  results: SmokeTestResult[];
}

export interface SmokeTestOptions {
  signal?: AbortSignal;
  /** Sent with every request (e.g. `X-Gati-Revision`). */
  headers?: Record<string, string>;
}

async function attempt(url: string, t: SmokeTest, options: SmokeTestOptions): Promise<{ ok: boolean; status?: number; latencyMs: number; error?: string }> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(t.timeoutMs ?? 5000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const res = await fetch(url, { method: t.method ?? 'GET', headers: { ...options.headers, ...t.headers }, ...(t.body !== undefined ? { body: t.body } : {}), signal, redirect: 'manual' });
    const text = t.method === 'HEAD' ? '' : await res.text();
    const latencyMs = Math.round(performance.now() - started);
    const expected = Array.isArray(t.expectedStatus) ? t.expectedStatus : [t.expectedStatus ?? 200];
    if (!expected.includes(res.status)) return { ok: false, status: res.status, latencyMs, error: `status ${res.status}, expected ${expected.join(' or ')}` };
    if (t.bodyIncludes !== undefined && !text.includes(t.bodyIncludes)) return { ok: false, status: res.status, latencyMs, error: `body does not contain ${JSON.stringify(t.bodyIncludes)}` };
    if (t.bodyMatches && !t.bodyMatches.test(text)) return { ok: false, status: res.status, latencyMs, error: `body does not match ${String(t.bodyMatches)}` };
    if (t.maxLatencyMs !== undefined && latencyMs > t.maxLatencyMs) return { ok: false, status: res.status, latencyMs, error: `took ${latencyMs} ms, budget ${t.maxLatencyMs} ms` };
    return { ok: true, status: res.status, latencyMs };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    if (options.signal?.aborted) throw new GatiError('ABORTED', 'The smoke tests were aborted by the caller.', { cause: options.signal.reason });
    const cause = (error as { cause?: { code?: string } }).cause;
    return { ok: false, latencyMs, error: timeout.aborted ? `no answer within ${t.timeoutMs ?? 5000} ms` : `request failed: ${cause?.code ?? (error instanceof Error ? error.message : String(error))}` };
  }
}

/**
 * Runs HTTP smoke tests against `baseUrl` (sequentially, each with retries); never throws for a
 * failed check. A base that is no http(s) URL, or a bad test, is `INVALID_CONFIG` before any request.
 */
export async function runSmokeTests(baseUrl: string, tests: SmokeTest[], options: SmokeTestOptions = {}): Promise<SmokeTestReport> {
  checkSmokeTests(baseUrl, tests);
  const results: SmokeTestResult[] = [];
  for (const t of tests) {
    const url = joinUrl(baseUrl, t.path) as string; // checked above
    const tries = 1 + (t.retries ?? 2);
    let last: Awaited<ReturnType<typeof attempt>> | undefined;
    let n = 0;
    for (; n < tries; n++) {
      if (n > 0) await sleep(t.retryDelayMs ?? 250, options.signal);
      last = await attempt(url, t, options);
      if (last.ok) break;
    }
    const r = last as Awaited<ReturnType<typeof attempt>>;
    results.push({ name: t.name, passed: r.ok, attempts: Math.min(n + 1, tries), ...(r.status !== undefined ? { status: r.status } : {}), latencyMs: r.latencyMs, ...(r.error ? { error: r.error } : {}) });
  }
  return { passed: results.every((r) => r.passed), results };
}

export interface HealthVerdict {
  healthy: boolean;
  attempts: number;
  status?: number;
  latencyMs?: number;
  /** Why it is not healthy. */
  reason?: string;
}

/**
 * Polls `url` until it answers 2xx or `timeoutMs` passes (default 30 s); never throws for an
 * unhealthy service. A `url` that is no http(s) URL, or a timeout outside 1 ms–24 h, is `INVALID_CONFIG`.
 */
export async function verifyDeploymentHealth(url: string, timeoutMs = 30_000, options: { intervalMs?: number; signal?: AbortSignal } = {}): Promise<HealthVerdict> {
  const issues: ValidationIssue[] = [];
  const millis = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= MAX_WAIT_MS;
  if (!isHttpUrl(url)) issues.push({ path: 'url', message: 'must be an absolute http(s) URL such as http://127.0.0.1:8080/healthz', code: 'invalid_format' });
  if (!millis(timeoutMs, 1)) issues.push({ path: 'timeoutMs', message: `must be a whole number of milliseconds from 1 to ${MAX_WAIT_MS}`, code: 'invalid_value' });
  if (options.intervalMs !== undefined && !millis(options.intervalMs, 0)) issues.push({ path: 'intervalMs', message: `must be a whole number of milliseconds from 0 to ${MAX_WAIT_MS}`, code: 'invalid_value' });
  if (issues.length > 0) throw invalidConfigError('health check', issues);
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  let last: Awaited<ReturnType<typeof attempt>> | undefined;
  // The last status the service answered with: a final attempt cut short by the deadline has none.
  let lastStatus: number | undefined;
  for (;;) {
    attempts++;
    const remaining = Math.max(1, deadline - Date.now());
    last = await attempt(url, { name: 'health', path: '', expectedStatus: [200, 201, 202, 203, 204], timeoutMs: Math.min(5000, remaining) }, options.signal ? { signal: options.signal } : {});
    if (last.status !== undefined) lastStatus = last.status;
    if (last.ok) return { healthy: true, attempts, ...(last.status !== undefined ? { status: last.status } : {}), latencyMs: last.latencyMs };
    if (Date.now() + (options.intervalMs ?? 500) > deadline) break;
    await sleep(options.intervalMs ?? 500, options.signal);
  }
  return { healthy: false, attempts, ...(lastStatus !== undefined ? { status: lastStatus } : {}), latencyMs: last.latencyMs, reason: last.error ?? 'unhealthy' };
}
