// `npm run bench`: every client in its own process, alternating clients round by round, against
// one PostgreSQL (DATABASE_URL, or an embedded one started here). Four suites (`--suites`, all by
// default): rows (large results), calls (query rates), pgbench (asyncpg's benchmark queries) and
// copy (copy-in of 1M rows from JS arrays), cli (the pgloom command: CSV import, Parquet export).
// Prints a table of medians and ratios, and writes bench/results/<date>-<host>.json. Times are
// reported, never asserted.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startCluster } from '../scripts/local-postgres.js';
import type { ChildFigures } from './child.js';
import { clientNames, type ClientName } from './clients.js';
import { runJsonChild } from './measure.js';
import { loop, median, summarise, type ClientSummary } from './stats.js';
import { runCallsSuite, type CallSummary } from './calls-suite.js';
import { runPgbenchSuite, type PgbenchSummary } from './pgbench-suite.js';
import { asyncpgAvailable, runAsyncpg } from './asyncpg.js';
import { runCopySuite } from './copy-suite.js';
import { runCliSuite, type CliSummary } from './cli-suite.js';
import { writeBenchReadme, type RunResults } from './readme.js';
import { workloadSql, type WorkloadName } from './workloads.js';

const suiteNames = ['rows', 'calls', 'pgbench', 'copy', 'cli'] as const;
type SuiteName = (typeof suiteNames)[number];

interface Settings {
  rows: number;
  rounds: number;
  quick: boolean;
  suites: SuiteName[];
  /** Measured seconds per pgbench query (the suite's default when absent). */
  pgbenchSeconds?: number;
  workloads: WorkloadName[];
  clients: BenchClientName[];
}

/** pgloom and the Node peers, plus asyncpg (a Python child) when it can run here. */
type BenchClientName = ClientName | 'asyncpg';

function parseArgs(argv: string[]): Settings {
  const quick = argv.includes('--quick');
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const suites = value('--suites')?.split(',') ?? [...suiteNames];
  const unknown = suites.filter((suite) => !(suiteNames as readonly string[]).includes(suite));
  if (unknown.length > 0) throw new Error(`unknown suite ${unknown.join(', ')}: choose from ${suiteNames.join(', ')}`);
  const pgbenchSeconds = value('--pgbench-seconds');
  return {
    rows: Number(value('--rows') ?? (quick ? 10_000 : 1_000_000)),
    rounds: Number(value('--rounds') ?? (quick ? 1 : 3)),
    quick,
    suites: suites as SuiteName[],
    ...(pgbenchSeconds === undefined ? {} : { pgbenchSeconds: Number(pgbenchSeconds) }),
    workloads: (value('--workloads')?.split(',') ?? ['mixed', 'numeric']) as WorkloadName[],
    clients: (value('--clients')?.split(',') ?? [...clientNames]) as BenchClientName[],
  };
}

const childScript = fileURLToPath(new URL('./child.js', import.meta.url));

function runChild(client: BenchClientName, workload: WorkloadName, rows: number, dsn: string): Promise<ChildFigures> {
  if (client === 'asyncpg') return runAsyncpg<ChildFigures>(['rows', workload, String(rows), dsn, workloadSql(workload, rows), workloadSql(workload, Math.max(1, Math.floor(rows / 10)))]);
  return runJsonChild<ChildFigures>(childScript, [client, workload, String(rows), dsn]);
}

/** psql writing the result as binary COPY to /dev/null: the server's own cost, decoding nothing. */
function psqlFloor(workload: WorkloadName, rows: number, dsn: string): number | undefined {
  if (spawnSync('psql', ['--version']).status !== 0) return undefined;
  const started = performance.now();
  execFileSync('psql', ['-X', '-q', dsn, '-c', `\\copy (${workloadSql(workload, rows).replace(/\s+/g, ' ')}) to '/dev/null' with (format binary)`]);
  return performance.now() - started;
}

function ratio(a: number, b: number | undefined): string {
  return b === undefined || b === 0 ? '—' : `${(a / b).toFixed(2)}×`;
}

function printTable(workload: WorkloadName, rows: number, summaries: ClientSummary[], floorMs: number | undefined): void {
  const by = (name: string) => summaries.find((s) => s.client === name)?.wallMs;
  console.log(`\n${workload}, ${rows.toLocaleString('en')} rows${floorMs === undefined ? '' : ` — psql binary COPY floor ${floorMs.toFixed(0)} ms`}`);
  console.log(`${'client'.padEnd(22)}${'median ms'.padStart(11)}${'vs pg'.padStart(8)}${'vs pjs'.padStart(8)}${'vs apg'.padStart(8)}${'vs bare'.padStart(9)}${'vs psql'.padStart(9)}${'loop p99'.padStart(10)}${'loop max'.padStart(10)}${'RSS MB'.padStart(8)}`);
  for (const s of summaries) {
    console.log(
      `${s.client.padEnd(22)}${s.wallMs.toFixed(0).padStart(11)}${ratio(s.wallMs, by('pg')).padStart(8)}${ratio(s.wallMs, by('postgres.js')).padStart(8)}${ratio(s.wallMs, by('asyncpg')).padStart(8)}` +
        `${ratio(s.wallMs, by('pgloom-bare')).padStart(9)}${ratio(s.wallMs, floorMs).padStart(9)}${loop(s.loopP99Ms).padStart(10)}${loop(s.loopMaxMs).padStart(10)}${s.peakRssMb.toFixed(0).padStart(8)}`,
    );
  }
}

async function main(): Promise<void> {
  const settings = parseArgs(process.argv.slice(2));
  let dsn = process.env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  if (!dsn) {
    const cluster = await startCluster('embedded');
    dsn = cluster.dsn;
    stop = () => cluster.stop();
  }
  const results: Record<string, { floorMs?: number; clients: ClientSummary[] }> = {};
  let calls: Record<string, CallSummary[]> = {};
  let pgbench: PgbenchSummary | undefined;
  let cli: CliSummary | undefined;
  // The asyncpg column joins full runs (the quick smoke run installs nothing).
  const withAsyncpg = !settings.quick && !process.argv.includes('--no-asyncpg') && asyncpgAvailable(true);
  if (withAsyncpg && !settings.clients.includes('asyncpg')) settings.clients.push('asyncpg');
  try {
    for (const workload of settings.suites.includes('rows') ? settings.workloads : []) {
      const runs = new Map<BenchClientName, ChildFigures[]>();
      const floors: number[] = [];
      for (let round = 0; round < settings.rounds; round++) {
        // Rotate the order each round so no client always runs first (or last) on a warm server.
        const order = settings.clients.map((_, i) => settings.clients[(i + round) % settings.clients.length]);
        for (const client of order) {
          const figures = await runChild(client, workload, settings.rows, dsn);
          runs.set(client, [...(runs.get(client) ?? []), figures]);
        }
        const floor = psqlFloor(workload, settings.rows, dsn);
        if (floor !== undefined) floors.push(floor);
      }
      const summaries = settings.clients.map((client) => summarise(runs.get(client)!));
      const floorMs = floors.length > 0 ? median(floors) : undefined;
      printTable(workload, settings.rows, summaries, floorMs);
      results[workload] = { floorMs, clients: summaries };
    }
    if (settings.suites.includes('cli')) {
      // The pgloom CLI as a shell script runs it: CSV import and Parquet export (bench/cli-suite.ts).
      cli = await runCliSuite(dsn, settings.quick);
    }
    if (settings.suites.includes('copy')) {
      // copy-in: 1M rows from JS arrays into an empty table (bench/copy-in.ts).
      const copyIn = await runCopySuite(dsn, settings.rows, settings.rounds, withAsyncpg);
      printTable('copy-in' as WorkloadName, settings.rows, copyIn.clients, copyIn.floorMs);
      results['copy-in'] = copyIn;
    }
    if (settings.suites.includes('calls')) calls = await runCallsSuite(dsn, settings.rounds, settings.quick, withAsyncpg);
    if (settings.suites.includes('pgbench')) pgbench = await runPgbenchSuite(dsn, { rounds: settings.rounds, quick: settings.quick, withAsyncpg, seconds: settings.pgbenchSeconds });
  } finally {
    await stop?.();
  }
  // A run of some suites only is named for them, so that it never replaces a full run's file.
  const allSuites = suiteNames.every((suite) => settings.suites.includes(suite));
  const suffix = `${allSuites ? '' : `-${settings.suites.join('+')}`}${settings.quick ? '-quick' : ''}`;
  const file = fileURLToPath(new URL(`../../bench/results/${new Date().toISOString().slice(0, 10)}-${hostname()}${suffix}.json`, import.meta.url));
  mkdirSync(fileURLToPath(new URL('../../bench/results/', import.meta.url)), { recursive: true });
  const run: RunResults = { date: new Date().toISOString(), host: hostname(), node: process.version, settings, results, calls, ...(pgbench === undefined ? {} : { pgbench }), ...(cli === undefined ? {} : { cli }) };
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
  // Only a full run of every suite speaks for pgloom in bench/README.md.
  if (!settings.quick && allSuites && clientNames.every((name) => settings.clients.includes(name))) {
    writeBenchReadme(run);
    console.log('bench/README.md and bench/results/latest.svg updated');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
