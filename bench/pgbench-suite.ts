// The pgbench suite: asyncpg's own benchmark queries, every client in a process of its own with 10
// callers in a closed loop, rounds alternating the order; medians of rows/s per query, and their
// geometric means.

import { fileURLToPath } from 'node:url';
import { runAsyncpg } from './asyncpg.js';
import { runJsonChild } from './measure.js';
import { pgbenchClientNames } from './pgbench-clients.js';
import { isPending, type PgbenchFigures, type PgbenchMeasured, type PgbenchPlan } from './pgbench-protocol.js';
import { pgbenchQueries, tableTag, type PgbenchQueryName } from './pgbench-queries.js';
import { pgbenchTable } from './pgbench-table.js';
import { geomean, median } from './stats.js';

export interface PgbenchClientSummary {
  client: string;
  /** Median over the rounds, per query the client ran. */
  rowsPerSecond: Partial<Record<PgbenchQueryName, number>>;
  /** Why a query has no figure (pgloom's COPY). */
  pending: Partial<Record<PgbenchQueryName, string>>;
  /** Over `commonQueries`: the figure every client has. */
  geomeanCommon: number;
  /** Over all the queries; only for clients that ran them all. */
  geomeanAll?: number;
}

export interface PgbenchSummary {
  connections: number;
  warmupSeconds: number;
  seconds: number;
  rounds: number;
  queries: { name: PgbenchQueryName; title: string }[];
  /** The queries every client ran. */
  commonQueries: PgbenchQueryName[];
  clients: PgbenchClientSummary[];
}

export interface PgbenchSuiteOptions {
  rounds: number;
  quick: boolean;
  withAsyncpg: boolean;
  /** Measured seconds per query (default 3, or 0.3 when quick). */
  seconds?: number;
}

const CONNECTIONS = 10;
const childScript = fileURLToPath(new URL('./pgbench-child.js', import.meta.url));

function runChild(plan: PgbenchPlan): Promise<PgbenchFigures> {
  if (plan.client === 'asyncpg') return runAsyncpg<PgbenchFigures>([JSON.stringify(plan)], 'asyncpg_pgbench.py');
  return runJsonChild<PgbenchFigures>(childScript, [plan.client, 'pgbench', JSON.stringify(plan)]);
}

function summarise(client: string, runs: PgbenchFigures[], names: PgbenchQueryName[]): Omit<PgbenchClientSummary, 'geomeanCommon'> {
  const rowsPerSecond: PgbenchClientSummary['rowsPerSecond'] = {};
  const pending: PgbenchClientSummary['pending'] = {};
  for (const name of names) {
    const outcomes = runs.map((run) => run.results[name]);
    const waiting = outcomes.find(isPending);
    if (waiting !== undefined) pending[name] = waiting.pending;
    else rowsPerSecond[name] = median(outcomes.map((outcome) => (outcome as PgbenchMeasured).rowsPerSecond));
  }
  return { client, rowsPerSecond, pending };
}

export async function runPgbenchSuite(dsn: string, options: PgbenchSuiteOptions): Promise<PgbenchSummary> {
  const clients: string[] = options.withAsyncpg ? [...pgbenchClientNames, 'asyncpg'] : [...pgbenchClientNames];
  const seconds = options.seconds ?? (options.quick ? 0.3 : 3);
  // A warm-up a sixth of the measured time, enough to prepare statements and fill caches. None in
  // the quick smoke run: one batch call alone can outlast its 0.3 s, and it must stay short.
  const warmupSeconds = options.quick ? 0 : Math.max(0.1, seconds / 6);
  const runs = new Map<string, PgbenchFigures[]>();
  // Said at the end: the smoke run has a time budget, and this suite is its longest part.
  console.time('pgbench suite');
  for (let round = 0; round < options.rounds; round++) {
    const order = clients.map((_, i) => clients[(i + round) % clients.length]);
    for (const client of order) {
      const plan: PgbenchPlan = { client, dsn, connections: CONNECTIONS, warmupSeconds, seconds, queries: pgbenchQueries(tableTag(client, process.pid)) };
      runs.set(client, [...(runs.get(client) ?? []), await runChild(plan)]);
    }
  }
  const queries = pgbenchQueries('').map(({ name, title }) => ({ name, title }));
  const names = queries.map((query) => query.name);
  const partial = clients.map((client) => summarise(client, runs.get(client)!, names));
  const commonQueries = names.filter((name) => partial.every((summary) => summary.rowsPerSecond[name] !== undefined));
  const summary: PgbenchSummary = {
    connections: CONNECTIONS,
    warmupSeconds,
    seconds,
    rounds: options.rounds,
    queries,
    commonQueries,
    clients: partial.map((summary) => ({
      ...summary,
      geomeanCommon: geomean(commonQueries.map((name) => summary.rowsPerSecond[name]!)),
      ...(Object.keys(summary.pending).length === 0 ? { geomeanAll: geomean(names.map((name) => summary.rowsPerSecond[name]!)) } : {}),
    })),
  };
  printTable(summary);
  console.timeEnd('pgbench suite');
  return summary;
}

export const warmup = (summary: PgbenchSummary) => (summary.warmupSeconds > 0 ? `a ${summary.warmupSeconds.toFixed(1)} s warm-up` : 'no warm-up');

function printTable(summary: PgbenchSummary): void {
  const { header, rows } = pgbenchTable(summary);
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((cells) => cells[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column] + 2))).join('');
  console.log(`\npgbench: rows/s, ${summary.connections} connections in a closed loop, ${summary.seconds} s per query after ${warmup(summary)}, ${summary.rounds === 1 ? 'one round' : `medians of ${summary.rounds} rounds`}; higher is better`);
  console.log(line(header));
  for (const cells of rows) console.log(line(cells));
}
