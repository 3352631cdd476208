import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deepStrictEqual } from 'node:assert/strict';
import { loadSpecFixture } from './fixture.js';
import { pathsOf } from './json-paths.js';

/**
 * Keeps `examples.json` honest against local copies of the published examples. Not part of the
 * (offline) test suite: run it with a checkout (sparse is enough) of Azure/azure-rest-api-specs:
 *
 *   AZURE_SPEC_EXAMPLES=/path/to/azure-rest-api-specs npx tsx packages/cloud-emulator/src/azure/spec-examples/derive.ts
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

if (root === undefined) {
  process.stderr.write('Set AZURE_SPEC_EXAMPLES to a checkout of Azure/azure-rest-api-specs.\n');
  process.exit(2);
}
const fixture = loadSpecFixture();
let failures = 0;
for (const [key, entry] of Object.entries(fixture.examples)) {
  try {
    const example = JSON.parse(readFileSync(join(root, entry.source.path), 'utf8')) as Example;
    const response = example.responses?.[String(entry.status)];
    const derived = response?.body === undefined ? {} : pathsOf(response.body);
    const body = example.parameters?.['parameters'] ?? example.parameters?.['subnetParameters'];
    const derivedRequest = body === undefined ? {} : pathsOf(body);
    if (process.env['AZURE_SPEC_EXAMPLES_PRINT']) process.stdout.write(`${key}\n${JSON.stringify({ fields: derived, requestFields: derivedRequest }, null, 2)}\n`);
    const explained = new Set([...Object.keys(entry.notEmulated), ...Object.keys(entry.notExercised ?? {})]);
    deepStrictEqual(Object.keys(derived).filter((p) => !(p in entry.fields) && !explained.has(p)), [], 'paths neither checked nor explained');
    deepStrictEqual(Object.keys(entry.fields).filter((p) => !(p in derived)), [], 'checked paths the example does not have');
    deepStrictEqual([...explained].filter((p) => !(p in derived) || p in entry.fields), [], 'explained paths absent from the example or also checked');
    for (const [p, t] of Object.entries(entry.fields)) deepStrictEqual(`${p}: ${t}`, `${p}: ${derived[p] ?? 'absent'}`);
    deepStrictEqual(entry.headers ?? [], Object.keys(response?.headers ?? {}).map((h) => h.toLowerCase()), 'response headers');
    if (entry.requestFields) deepStrictEqual(entry.requestFields, Object.fromEntries(Object.entries(derivedRequest).filter(([p]) => p in (entry.requestFields ?? {}))), 'request fields');
    process.stdout.write(`ok   ${key}\n`);
  } catch (error) {
    failures++;
    process.stdout.write(`FAIL ${key}: ${(error as Error).message}\n`);
  }
}
process.stdout.write(`${Object.keys(fixture.examples).length - failures} of ${Object.keys(fixture.examples).length} examples match the fixture\n`);
process.exitCode = failures > 0 ? 1 : 0;
