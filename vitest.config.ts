import { defineConfig } from 'vitest/config';

// Tests import the TypeScript source, never sdk/dist (STYLE: "tests that need a build first").
// The time zone is pinned so that nothing passes only in UTC by accident of the machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: { TZ: 'America/New_York' },
    setupFiles: ['test/helpers/quiet-training-set-warnings.ts'],
  },
});
