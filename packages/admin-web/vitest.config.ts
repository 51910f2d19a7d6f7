import { defaultClientConditions } from 'vite';
import { defineProject } from 'vitest/config';

// Component tests in jsdom. The browser-driven end-to-end tests are the 'e2e' project
// (vitest.e2e.config.ts).
export default defineProject({
  resolve: { conditions: ['@harbour/source', ...defaultClientConditions] },
  test: {
    name: 'admin-web',
    environment: 'jsdom',
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
    setupFiles: ['./src/test/setup.ts'],
    // Form tests type into fields; a busy machine (CI runs every project at once) needs the room.
    testTimeout: 15_000,
  },
});
