import { fileURLToPath } from 'node:url';
import type { TestProjectConfiguration } from 'vitest/config';

const guard = fileURLToPath(new URL('./test/loopback-guard.ts', import.meta.url));

/**
 * Tests run the TypeScript sources of sibling packages (the `@gati-framework/source` export
 * condition), so no build is needed. Vitest hands these conditions to Node for the packages it
 * does not transform too, for `require` as well, hence neither "module" (@opentelemetry/api's
 * and the AWS SDK's "module" builds do not load in Node) nor "import" (Node 20.19 would then
 * `require()` is-promise's .mjs inside Express's router); Vite adds "import"/"require" itself.
 */
const sourceConditions = ['@gati-framework/source', 'node', 'default'];

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
  project('cloud-emulator', 'packages/cloud-emulator'),
  project('kubernetes', 'packages/kubernetes'),
  project('production-hardening', 'packages/production-hardening', { testTimeout: 60_000 }),
  project('cloud-aws', 'packages/cloud-aws', { testTimeout: 60_000 }),
  project('cloud-gcp', 'packages/cloud-gcp', { testTimeout: 60_000 }),
  project('cloud-azure', 'packages/cloud-azure', { testTimeout: 60_000 }),
  project('observability', 'packages/observability', { testTimeout: 60_000 }),
];
