import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Test files share one FerretDB; each uses its own database name, so files may run in parallel.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
