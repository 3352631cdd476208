import { fileURLToPath } from 'node:url';
import type { TestProjectConfiguration } from 'vitest/config';

const guard = fileURLToPath(new URL('./test/loopback-guard.ts', import.meta.url));

/** Source condition: tests run the TypeScript sources of sibling packages, no build needed. */
const sourceConditions = ['@gati-framework/source', 'import', 'module', 'node', 'default'];

function project(name: string, root: string, extra: { testTimeout?: number; include?: string[] } = {}): TestProjectConfiguration {
  return {
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@gati-framework/source'] } },
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
  project('observability', 'packages/observability', { testTimeout: 60_000 }),
];
