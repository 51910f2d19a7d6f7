import { defineProject } from 'vitest/config';

// End-to-end: builds the workspace, starts the real server and drives Debian's Chromium.
// One file at a time (they share one server), with time for a build and a cold start.
export default defineProject({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['./e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 300_000,
  },
});
