import { defineConfig } from 'vitest/config';

// Two projects: tests of pure logic run without a database (`npx vitest run --project unit`, or any of their
// folders, takes seconds); everything else gets the one real MongoDB-protocol server the global setup starts.
const UNIT = [
  'test/text/**/*.test.ts', 'test/understanding/**/*.test.ts', 'test/evaluation/**/*.test.ts', 'test/content/**/*.test.ts',
  'test/channels/split-message.test.ts', 'test/channels/telegram-transport.test.ts', 'test/db/group-commit.test.ts',
  'test/domain/tracking-code.test.ts', 'test/db/transient.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Test files share one FerretDB; each uses its own database name, so files may run in parallel.
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      { extends: true, test: { name: 'db', include: ['test/**/*.test.ts'], exclude: UNIT, globalSetup: ['test/helpers/global-setup.ts'] } },
    ],
  },
});
