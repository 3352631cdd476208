import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpecFixture } from './fixture.js';
import { pathsOf } from './json-paths.js';

/**
 * Keeps `examples.json` honest against local copies of the published examples. Off by default
 * (the suite stays offline); run it with a checkout (sparse is enough) of Azure/azure-rest-api-specs:
 *
 *   AZURE_SPEC_EXAMPLES=/path/to/azure-rest-api-specs npx vitest run packages/cloud-emulator/src/azure/spec-examples
 *
 * It fails when a response path of an example is neither checked (`fields`) nor explained
 * (`notEmulated`, `notExercised`), or when a type differs; with AZURE_SPEC_EXAMPLES_PRINT=1 it
 * prints the derived paths, ready to paste into a new entry.
 */
const root = process.env['AZURE_SPEC_EXAMPLES'];

interface Example {
  parameters?: Record<string, unknown>;
  responses?: Record<string, { body?: unknown; headers?: Record<string, string> }>;
}

describe('spec examples fixture against local copies of azure-rest-api-specs', () => {
  // One skipped case offline, not one per example.
  it.skipIf(root === undefined)('(skipped unless AZURE_SPEC_EXAMPLES names a checkout of azure-rest-api-specs)', () => {
    expect(root).toBeDefined();
  });
  if (root === undefined) return;
  const fixture = loadSpecFixture();
  for (const [key, entry] of Object.entries(fixture.examples)) {
    it(`${key}: every response path of ${entry.source.path.split('/').pop() ?? ''} is checked or explained`, () => {
      const example = JSON.parse(readFileSync(join(root ?? '', entry.source.path), 'utf8')) as Example;
      const response = example.responses?.[String(entry.status)];
      const derived = response?.body === undefined ? {} : pathsOf(response.body);
      const body = example.parameters?.['parameters'] ?? example.parameters?.['subnetParameters'];
      const derivedRequest = body === undefined ? {} : pathsOf(body);
      if (process.env['AZURE_SPEC_EXAMPLES_PRINT']) process.stdout.write(`${key}\n${JSON.stringify({ fields: derived, requestFields: derivedRequest }, null, 2)}\n`);
      const explained = new Set([...Object.keys(entry.notEmulated), ...Object.keys(entry.notExercised ?? {})]);
      expect(Object.keys(derived).filter((p) => !(p in entry.fields) && !explained.has(p)), 'paths neither checked nor explained').toEqual([]);
      expect(Object.keys(entry.fields).filter((p) => !(p in derived)), 'checked paths the example does not have').toEqual([]);
      expect([...explained].filter((p) => !(p in derived) || p in entry.fields), 'explained paths absent from the example or also checked').toEqual([]);
      for (const [p, t] of Object.entries(entry.fields)) expect(`${p}: ${t}`).toBe(`${p}: ${derived[p] ?? 'absent'}`);
      expect(entry.headers ?? []).toEqual(Object.keys(response?.headers ?? {}).map((h) => h.toLowerCase()));
      if (entry.requestFields) expect(entry.requestFields).toEqual(Object.fromEntries(Object.entries(derivedRequest).filter(([p]) => p in (entry.requestFields ?? {}))));
    });
  }
});
