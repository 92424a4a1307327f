// `npm run bench:tiny [-- --quick] [--filter NAME[,NAME…]] [--time MS]`: the tinybench suites. The
// per-call suite runs against DATABASE_URL, or an embedded PostgreSQL started here (and stopped
// before the codec suite, which needs no server). Prints every table, writes the run to
// bench/results/, and after a full run writes bench/README.md again with its tables.

import { startCluster } from '../../scripts/local-postgres.js';
import { refreshBenchReadme } from '../readme.js';
import { anyCallSelected, runTinyCallsSuite } from './calls-suite.js';
import { runTinyCodecsSuite } from './codecs-suite.js';
import { parseTinyArgs } from './settings.js';
import type { TinyTable } from './table.js';
import { tinyRunOf, writeTinyRun, type TinyRun } from './tiny-run.js';

async function main(): Promise<void> {
  const settings = parseTinyArgs(process.argv.slice(2));
  const tables: TinyTable[] = [];
  let server: TinyRun['server'];
  if (anyCallSelected(settings)) {
    const cluster = process.env.DATABASE_URL ? undefined : await startCluster('embedded');
    try {
      const calls = await runTinyCallsSuite(process.env.DATABASE_URL ?? cluster!.dsn, settings);
      tables.push(...calls.tables);
      server = { source: cluster === undefined ? 'DATABASE_URL' : 'embedded', version: calls.serverVersion };
    } finally {
      await cluster?.stop();
    }
  }
  tables.push(...(await runTinyCodecsSuite(settings)));
  if (tables.length === 0) throw new Error(`--filter ${settings.filters.join(',')} selects no task`);
  const run = tinyRunOf(settings, tables, server);
  console.log(`\nwritten to ${writeTinyRun(run)}`);
  if (run.full && refreshBenchReadme()) console.log('bench/README.md and bench/results/latest.svg written with these tables');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
