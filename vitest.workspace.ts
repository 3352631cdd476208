import { fileURLToPath } from 'node:url';
import type { TestProjectConfiguration } from 'vitest/config';

const guard = fileURLToPath(new URL('./test/loopback-guard.ts', import.meta.url));

/** Source condition: tests run the TypeScript sources of sibling packages, no build needed. */
const sourceConditions = ['@gati-framework/source', 'import', 'module', 'node', 'default'];

/**
 * Vitest hands these conditions to Node for externalized packages too, for `require` as well.
 * Without "module" (@opentelemetry/api's "module" build has extensionless ESM imports) and
 * without "import" (Node 20.19 would then `require()` is-promise's .mjs in Express's router);
 * Vite still adds "import"/"require" by import kind.
 */
const nodeSourceConditions = sourceConditions.filter((c) => c !== 'module' && c !== 'import');

function project(name: string, root: string, extra: { testTimeout?: number; include?: string[]; conditions?: string[] } = {}): TestProjectConfiguration {
  const conditions = extra.conditions ?? sourceConditions;
  return {
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@gati-framework/source'] } },
    test: {
      name,
      root,
      include: extra.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts'],
      setupFiles: [guard],
      testTimeout: extra.testTimeout ?? 20_000,
      hookTimeout: 60_000,
    },
  };
}

/** The one list of test projects. */
export default [
  project('repo', '.', { include: ['test/**/*.test.ts'] }),
  project('core', 'packages/core'),
  project('observability', 'packages/observability', { testTimeout: 60_000, conditions: nodeSourceConditions }),
];
