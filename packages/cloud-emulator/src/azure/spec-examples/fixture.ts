import { readFileSync } from 'node:fs';
import type { JsonType } from './json-paths.js';

/**
 * One published example of azure-rest-api-specs, reduced to what the emulator is checked against.
 * The example itself is not stored: only where it is (path and commit), the request the test
 * sends (derived from the example's parameters) and the field paths of its response.
 */
export interface SpecExample {
  /** The example's operationId, e.g. `ManagedClusters_CreateOrUpdate`. */
  operation: string;
  source: { path: string; commit: string; apiVersion: string };
  /** Which of the example's responses the fields come from. */
  status: number;
  /** How the test's request differs from the example's, and why (names, regions, additions). */
  adapted?: string;
  /** The SDK input the test passes (the example's parameters, adapted). */
  request?: Record<string, unknown>;
  /** Paths of the example's request body that must appear on the wire when the SDK sends `request`. */
  requestFields?: Record<string, JsonType>;
  /** Paths of the example's response the emulator answers with, with their JSON type. */
  fields: Record<string, JsonType>;
  /** Paths of the example's response the emulator does not produce, each with the reason. */
  notEmulated: Record<string, string>;
  /** Paths the emulator echoes when a request sends them, but the test's request does not (why). */
  notExercised?: Record<string, string>;
  /** Response headers the example shows (lower case), e.g. `location` on a 202. */
  headers?: string[];
}

export interface SpecFixture {
  repo: string;
  examples: Record<string, SpecExample>;
}

/** The committed fixture (`examples.json` beside this file); read from disk so the test runs offline. */
export function loadSpecFixture(): SpecFixture {
  return JSON.parse(readFileSync(new URL('./examples.json', import.meta.url), 'utf8')) as SpecFixture;
}

/** One request and its answer as they crossed the wire. */
export interface Exchange {
  method: string;
  url: URL;
  requestBody: unknown;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

interface WireRequest {
  method: string;
  url: string;
  body?: unknown;
}

interface WireResponse {
  status: number;
  headers: { toJSON(options?: { preserveCase?: boolean }): Record<string, string> };
  bodyAsText?: string | null;
}

const parseJson = (text: unknown): unknown => {
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

/**
 * A pipeline policy for the Azure SDK clients (`additionalPolicies`, position perRetry) that
 * records every request and raw answer into `log`, so a test sees exactly what the SDK parsed.
 */
export function capturePolicy<Req extends WireRequest, Res extends WireResponse>(log: Exchange[]): { name: string; sendRequest(request: Req, next: (request: Req) => Promise<Res>): Promise<Res> } {
  return {
    name: 'specExampleCapture',
    async sendRequest(request, next) {
      const response = await next(request);
      log.push({ method: request.method, url: new URL(request.url), requestBody: parseJson(request.body), status: response.status, headers: response.headers.toJSON(), body: parseJson(response.bodyAsText) });
      return response;
    },
  };
}
