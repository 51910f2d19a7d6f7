import { defineConfig } from 'vitest/config';

// One run over every package; each package has its own vitest config (a "project").
// With VITEST_JSON_REPORT set (CI), a JSON report is written there too, for the totals line.
const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  test: {
    projects: ['packages/shared', 'packages/api', 'packages/admin-web/vitest.config.ts', 'packages/admin-web/vitest.e2e.config.ts'],
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
