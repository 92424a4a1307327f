import { defineConfig } from 'vitest/config';
import { REPORT_DIRECTORY } from './test/support/unfinished-reporter.js';

const FATAL_ERROR_REPORTS = ['--report-on-fatalerror', `--report-directory=${REPORT_DIRECTORY}`];

// Two projects: unit tests need nothing; integration tests share one real PostgreSQL
// started by the global setup (or the server named by PGLOOM_TEST_DSN).
export default defineConfig({
  test: {
    // A test file whose process dies is named at the end, with the fatal error's report if any.
    reporters: ['default', './test/support/unfinished-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          execArgv: FATAL_ERROR_REPORTS,
          include: ['test/codec/**/*.test.ts', 'test/worker/**/*.test.ts', 'test/main/**/*.test.ts', 'test/cli/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          execArgv: FATAL_ERROR_REPORTS,
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
