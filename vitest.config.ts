import { defineConfig } from 'vitest/config';

// Two projects: unit tests need nothing; integration tests share one real PostgreSQL
// started by the global setup (or the server named by PGLOOM_TEST_DSN).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/codec/**/*.test.ts', 'test/worker/**/*.test.ts', 'test/main/**/*.test.ts', 'test/cli/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
