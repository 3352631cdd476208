import { defineConfig } from 'vitest/config';
import projects from './vitest.workspace.js';

export default defineConfig({
  test: {
    projects,
    // Integration tests start servers and child processes; keep the 2-core machines responsive.
    maxWorkers: 2,
    // CI counts results from this JSON report, not from the console summary.
    reporters: ['default', ['json', { outputFile: process.env['GATI_TEST_REPORT'] ?? '.vitest-report.json' }]],
  },
});
