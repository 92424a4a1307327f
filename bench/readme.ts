// Writes bench/README.md and bench/results/latest.svg from a results object: the latest full run's
// tables, as measured, followed by those of the latest full tinybench run when there is one.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { callTargets, targetCell } from './call-targets.js';
import type { CliSummary } from './cli-suite.js';
import type { CallSummary } from './calls-suite.js';
import { barChartSvg, type ChartGroup } from './chart.js';
import { warmup, type PgbenchSummary } from './pgbench-suite.js';
import { pgbenchTable } from './pgbench-table.js';
import { latestFullRun, latestFullTinyRun } from './result-files.js';
import { loop, type ClientSummary } from './stats.js';
import { tinyReadmeLines } from './tiny/readme-section.js';
import type { TinyRun } from './tiny/tiny-run.js';

export interface RunResults {
  date: string;
  host: string;
  node: string;
  settings: { rows: number; rounds: number };
  results: Record<string, { floorMs?: number; clients: ClientSummary[] }>;
  calls: Record<string, CallSummary[]>;
  pgbench?: PgbenchSummary;
  cli?: CliSummary;
}

const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : '—');
/** CPU µs; a run from before the CPU figures (or asyncpg without them) has none. */
const cpu = (us: number | undefined) => (us === undefined || us < 0 ? '—' : us.toFixed(0));

export function writeBenchReadme(run: RunResults, tiny: TinyRun | undefined = latestFullTinyRun()): void {
  const lines: string[] = [
    '# Benchmarks',
    '',
    '`npm run bench` runs every client in a process of its own, alternating the order round by round, against one',
    'PostgreSQL (DATABASE_URL, or an embedded PostgreSQL 18 it starts), and writes `bench/results/<date>-<host>.json`.',
    '`npm run bench -- --quick` is the smoke run (10K rows, 0.3 s per pgbench query); `--suites rows,calls,pgbench` picks',
    'suites (all by default). Workloads and targets: `shared/BENCHMARKS.md`. Where the time goes, path by path, and what',
    'it led to: [PROFILES.md](PROFILES.md) (`node dist/bench/profile.js`).',
    'Clients: `pgloom-pool-columnar` (`pool.query`, batches only), `pgloom-pool-rows` (`pool.fetch`, row objects),',
    '`pgloom-pool-stream` (`pool.stream`, each batch read and dropped),',
    '`pgloom-connect` (one inline connection, rows), `pgloom-bare` (pgloom\'s engine with decoding off: the floor of a',
    'Node client), `pg` 8.x and `postgres` 3.x (rows), `asyncpg` 0.27 with uvloop (Debian\'s, rows as Records); the psql',
    'floor is `\\copy (…) to /dev/null (format binary)`.',
    'The query-rate tables give CPU per query besides rates: the whole process\'s (`process.cpuUsage()`, every thread)',
    'and the main thread\'s share, twice: by event-loop utilization × wall time (which also counts time a busy loop\'s thread',
    'waits descheduled, on a small machine) and by the thread\'s own on-CPU time (Linux `/proc/thread-self/schedstat`;',
    'asyncpg\'s `time.thread_time()` in both); the difference from the process\'s is work a larger machine could run on other',
    'cores. In the query-rate tables `pgloom-pool` is the default pool (its main-thread connections take the one-row',
    'queries once learned), `pgloom-pool-workers` the same pool with `mainThreadConnections: 0` (every call through a worker).',
    '`service` is 50 concurrent requests on 10 connections, each three one-row queries and a',
    'two-statement transaction (insert and update of an unlogged table), figures per request; its `pgloom-connect` shares',
    'ten `connect()` connections as a pool would (`connection-set.ts`: queries round robin, a transaction holds one).',
    'Micro-benchmarks of single calls and of every codec path (tinybench, `npm run bench:tiny`) close this file.',
    '`node dist/bench/write-readme.js` writes this file again from the latest full runs in `bench/results/`.',
    '',
    `Latest full run: ${run.date.slice(0, 16).replace('T', ' ')} UTC on ${run.host}, Node ${run.node}, ${run.settings.rows.toLocaleString('en')} rows, medians of ${run.settings.rounds} rounds.`,
    '',
    '![medians](results/latest.svg)',
    '',
  ];
  const groups: ChartGroup[] = [];
  for (const [workload, { floorMs, clients }] of Object.entries(run.results)) {
    const by = (name: string) => clients.find((c) => c.client === name)?.wallMs;
    lines.push(`## ${workload}${floorMs === undefined ? '' : ` (psql floor ${floorMs.toFixed(0)} ms)`}`, '');
    lines.push('| client | median ms | vs pg | vs postgres.js | vs asyncpg | vs bare | vs psql | loop p99 ms | loop max ms | peak RSS MB |', '|---|---|---|---|---|---|---|---|---|---|');
    for (const c of clients) {
      lines.push(`| ${c.client} | ${c.wallMs.toFixed(0)} | ${ratio(c.wallMs, by('pg'))} | ${ratio(c.wallMs, by('postgres.js'))} | ${ratio(c.wallMs, by('asyncpg'))} | ${ratio(c.wallMs, by('pgloom-bare'))} | ${ratio(c.wallMs, floorMs)} | ${loop(c.loopP99Ms)} | ${loop(c.loopMaxMs)} | ${c.peakRssMb.toFixed(0)} |`);
    }
    lines.push('');
    groups.push({ title: workload, unit: 'ms, lower is better', bars: [...clients.map((c) => ({ label: c.client, value: c.wallMs })), ...(floorMs === undefined ? [] : [{ label: 'psql floor', value: floorMs }])] });
  }
  for (const [workload, clients] of Object.entries(run.calls)) {
    const by = (name: string) => clients.find((c) => c.client === name)?.queriesPerSecond;
    const per = clients[0]?.per ?? 'query';
    lines.push(`## ${workload}`, '');
    lines.push(`| client | ${per === 'request' ? 'requests' : 'queries'}/s | µs/${per} | CPU µs/${per} | main-thread CPU µs/${per} | main-thread on-CPU µs/${per} | vs pg | vs postgres.js | vs asyncpg | loop p99 ms | loop max ms | peak RSS MB |`, '|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const c of clients) {
      lines.push(`| ${c.client} | ${c.queriesPerSecond.toFixed(0)} | ${c.usPerQuery.toFixed(0)} | ${cpu(c.cpuUsPerQuery)} | ${cpu(c.mainThreadCpuUsPerQuery)} | ${cpu(c.mainThreadOnCpuUsPerQuery)} | ${ratio(c.queriesPerSecond, by('pg'))} | ${ratio(c.queriesPerSecond, by('postgres.js'))} | ${ratio(c.queriesPerSecond, by('asyncpg'))} | ${loop(c.loopP99Ms)} | ${loop(c.loopMaxMs)} | ${c.peakRssMb.toFixed(0)} |`);
    }
    lines.push('');
    groups.push({ title: workload, unit: `${per === 'request' ? 'requests' : 'queries'}/s, higher is better`, bars: clients.map((c) => ({ label: c.client, value: c.queriesPerSecond })) });
  }
  if (Object.keys(run.calls).length > 0) {
    lines.push('## query-rate targets', '', '| ratio | measured | target |', '|---|---|---|');
    for (const row of callTargets(run.calls)) lines.push(`| ${row.label} | ${targetCell(row)} | ${row.target} |`);
    lines.push('');
  }
  if (run.pgbench !== undefined) {
    const { pgbench } = run;
    const { header, rows } = pgbenchTable(pgbench);
    lines.push('## pgbench', '');
    lines.push(
      `The seven queries of asyncpg's own benchmark (MagicStack/pgbench), each run for ${pgbench.seconds} s after ${warmup(pgbench)} by`,
      `${pgbench.connections} callers in a closed loop, each on a connection of its own (pgloom's: a pool of ${pgbench.connections}); rows/s (returned, or written`,
      `for COPY and the batch), ${pgbench.rounds === 1 ? 'one round' : `medians of ${pgbench.rounds} rounds`}, higher is better. \`pgloom-pool-1w\` is one worker thread with ${pgbench.connections} connections (like for like with`,
      `the single-threaded peers); \`pgloom-pool\` is the default pool (a worker per core) with ${pgbench.connections} connections in all, plus its`,
      'main-thread connections (as many as a worker has) on which statements with small results run once learned;',
      `\`pgloom-pool-workers\` is the same pool with \`mainThreadConnections: 0\`, every call through a worker; \`pgloom-connect\` is`,
      `${pgbench.connections} \`connect()\` connections decoding on the main thread, like the peers' connections. pg and postgres.js`,
      'have no executemany: pg runs the 1,000 INSERTs one after another, postgres.js pipelines them, each in a transaction',
      '(executemany is atomic in pgloom and asyncpg); both write COPY text by hand (pg through pg-copy-streams); pgloom and',
      'asyncpg use copy_records_to_table / copyRecordsToTable (binary COPY). A client',
      'with no API for a query has a `pending` cell, never a figure: the first geometric mean is over the queries every client',
      'ran, the second over all of them for the clients that ran them all (one mean when every client ran them all). The rows',
      'written are counted in the table after each run.',
      '',
    );
    lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
    for (const cells of rows) lines.push(`| ${cells.join(' | ')} |`);
    lines.push('');
    groups.push({
      title: `pgbench geomean, ${pgbench.commonQueries.length} queries`,
      unit: 'rows/s, higher is better',
      bars: pgbench.clients.map((c) => ({ label: c.client, value: c.geomeanCommon })),
    });
  }
  if (run.cli !== undefined) lines.push(...cliLines(run.cli));
  // What has no figure yet, and why: the pgbench cells say so themselves.
  const reasons = [...new Set(run.pgbench?.clients.flatMap((c) => Object.values(c.pending)) ?? [])];
  const pending = [
    ...(run.pgbench === undefined ? ['the pgbench suite (not in this run)'] : reasons.map((reason) => `the pgbench cells marked pending (${reason})`)),
  ];
  if (pending.length > 0) lines.push(`Pending: ${pending.join('; ')}.`, '');
  if (tiny !== undefined) lines.push(...tinyReadmeLines(tiny));
  writeFileSync(fileURLToPath(new URL('../../bench/README.md', import.meta.url)), lines.join('\n'));
  writeFileSync(fileURLToPath(new URL('../../bench/results/latest.svg', import.meta.url)), barChartSvg(groups));
}

function cliLines(cli: CliSummary): string[] {
  const met = (ratio: number, target: number) => `${ratio.toFixed(2)}× (${ratio <= target ? 'met' : 'not met'}; target ≤ ${target}×)`;
  return [
    '## cli',
    '',
    `The \`pgloom\` command as a shell script sees it: each task a whole process, start-up included (the peers' processes only`,
    `import their library, connect and work); a CSV of ${cli.lines.toLocaleString('en')} lines imported into an emptied unlogged table (int8, text,`,
    `numeric(12, 2), timestamptz, bool, text), ${cli.exportRows.toLocaleString('en')} rows exported to Parquet; medians of ${cli.rounds} rounds, the order rotated each round.`,
    '',
    '| task | median ms |',
    '|---|---|',
    ...cli.tasks.map(({ task, medianMs }) => `| ${task} | ${medianMs.toFixed(0)} |`),
    '',
    `CSV import ÷ pg-copy-streams: ${met(cli.importVsCopyStreams, 1)}. Parquet export ÷ the plain columnar fetch: ${met(cli.exportVsStream, 1.5)}.`,
    '',
  ];
}

/** Write bench/README.md from the latest full runs in bench/results/; false when there is no full `npm run bench` run. */
export function refreshBenchReadme(): boolean {
  const run = latestFullRun();
  if (run === undefined) return false;
  writeBenchReadme(run);
  return true;
}
