import { defineConfig } from 'vitest/config';

// One run over every package; each package has its own vitest.config.ts (a "project").
export default defineConfig({
  test: {
    projects: ['packages/shared', 'packages/api', 'packages/admin-web'],
  },
});
