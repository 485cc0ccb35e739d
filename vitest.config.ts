import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // lib/ compiled and bundled once, before the files that run it (tests/global-setup.ts).
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores on CI: files in parallel, but not more workers than cores.
    maxWorkers: 2,
  },
});
