import { defaultClientConditions } from 'vite';
import { defineProject } from 'vitest/config';

// Component tests in jsdom. The browser-driven end-to-end tests are the 'e2e' project
// (vitest.e2e.config.ts).
export default defineProject({
  resolve: { conditions: ['@harbour/source', ...defaultClientConditions] },
  test: {
    name: 'admin-web',
    environment: './src/test/jsdom-environment.mjs',
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
    setupFiles: ['./src/test/setup.ts'],
  },
});
