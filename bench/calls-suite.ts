// The query-rate workloads (one serial, one and small with 20 callers, and service: requests of
// queries and a transaction): each client in its own process, rounds alternating the order,
// medians. Besides rates, CPU per query: the whole process's and the main thread's share (by
// event-loop utilization, and the thread's own on-CPU time).

import { fileURLToPath } from 'node:url';
import type { CallFigures, CallWorkloadName } from './call-child.js';
import { callClientNames, type CallClientName } from './call-clients.js';
import { callTargets, targetCell } from './call-targets.js';
import { runAsyncpg } from './asyncpg.js';
import { runJsonChild } from './measure.js';
import { serviceClientNames } from './service-clients.js';
import { loop } from './stats.js';
import { median } from './stats.js';

export interface CallSummary {
  client: string;
  workload: string;
  /** What one "query" of the figures is: a query, or (service) a request. */
  per: 'query' | 'request';
  queriesPerSecond: number;
  usPerQuery: number;
  /** Whole-process CPU µs per query, all threads. */
  cpuUsPerQuery: number;
  /** Main-thread CPU µs per query (event-loop utilization × wall time). */
  mainThreadCpuUsPerQuery: number;
  /** Main-thread on-CPU µs per query (schedstat): unlike the above, not counting time descheduled. Absent without /proc. */
  mainThreadOnCpuUsPerQuery?: number;
  loopP99Ms: number;
  loopMaxMs: number;
  peakRssMb: number;
}

type SuiteWorkload = CallWorkloadName | 'service';
type SuiteClient = CallClientName | 'asyncpg';

const callChild = fileURLToPath(new URL('./call-child.js', import.meta.url));
const serviceChild = fileURLToPath(new URL('./service-child.js', import.meta.url));
export const callWorkloads: SuiteWorkload[] = ['one-serial', 'one-concurrent', 'small-concurrent', 'service'];

function runChild(client: SuiteClient, workload: SuiteWorkload, queries: number, dsn: string): Promise<CallFigures> {
  if (client === 'asyncpg') return runAsyncpg<CallFigures>(['calls', workload, String(queries), dsn]);
  return runJsonChild<CallFigures>(workload === 'service' ? serviceChild : callChild, [client, workload, String(queries), dsn]);
}

/** Queries (requests, for service) per child run: tiny when quick, a few seconds each otherwise. */
function countFor(workload: SuiteWorkload, quick: boolean): number {
  if (workload === 'service') return quick ? 100 : 4000;
  return quick ? 500 : workload === 'small-concurrent' ? 4000 : 20_000;
}

/** CPU µs; asyncpg's child may predate the CPU figures. */
const us = (value: number | undefined) => (value === undefined || value < 0 ? '—' : value.toFixed(0));

/** The median, or undefined when any run lacks the figure (no /proc). */
const medianOf = (values: (number | undefined)[]) => (values.every((v) => v !== undefined) ? median(values as number[]) : undefined);

function printTable(workload: SuiteWorkload, summaries: CallSummary[]): void {
  const by = (name: string) => summaries.find((s) => s.client === name)?.queriesPerSecond;
  const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : '—');
  const q = workload === 'service' ? 'req' : 'q';
  console.log(`\n${workload} (throughput ratios: higher is better; CPU µs per ${q === 'q' ? 'query' : 'request'}: process, main thread by loop utilization, main thread on CPU)`);
  console.log(`${'client'.padEnd(18)}${`${q}/s`.padStart(10)}${`µs/${q}`.padStart(9)}${`CPU µs/${q}`.padStart(12)}${`main µs/${q}`.padStart(13)}${`main on-CPU µs/${q}`.padStart(19)}${'vs pg'.padStart(8)}${'vs pjs'.padStart(8)}${'vs apg'.padStart(8)}${'loop p99'.padStart(10)}${'loop max'.padStart(10)}${'RSS MB'.padStart(8)}`);
  for (const s of summaries) {
    console.log(
      `${s.client.padEnd(18)}${s.queriesPerSecond.toFixed(0).padStart(10)}${s.usPerQuery.toFixed(0).padStart(9)}${us(s.cpuUsPerQuery).padStart(12)}${us(s.mainThreadCpuUsPerQuery).padStart(13)}${us(s.mainThreadOnCpuUsPerQuery).padStart(19)}` +
        `${ratio(s.queriesPerSecond, by('pg')).padStart(8)}${ratio(s.queriesPerSecond, by('postgres.js')).padStart(8)}${ratio(s.queriesPerSecond, by('asyncpg')).padStart(8)}${loop(s.loopP99Ms).padStart(10)}${loop(s.loopMaxMs).padStart(10)}${s.peakRssMb.toFixed(0).padStart(8)}`,
    );
  }
}

export async function runCallsSuite(dsn: string, rounds: number, quick: boolean, withAsyncpg: boolean): Promise<Record<string, CallSummary[]>> {
  const results: Record<string, CallSummary[]> = {};
  for (const workload of callWorkloads) {
    // asyncpg's child knows the query workloads only.
    const clients: SuiteClient[] = workload === 'service' ? [...serviceClientNames] : withAsyncpg ? [...callClientNames, 'asyncpg'] : [...callClientNames];
    const queries = countFor(workload, quick);
    const runs = new Map<SuiteClient, CallFigures[]>();
    for (let round = 0; round < rounds; round++) {
      const order = clients.map((_, i) => clients[(i + round) % clients.length]);
      for (const client of order) runs.set(client, [...(runs.get(client) ?? []), await runChild(client, workload, queries, dsn)]);
    }
    const summaries = clients.map((client): CallSummary => {
      const figures = runs.get(client)!;
      return {
        client,
        workload,
        per: workload === 'service' ? 'request' : 'query',
        queriesPerSecond: median(figures.map((f) => f.queriesPerSecond)),
        usPerQuery: median(figures.map((f) => f.usPerQuery)),
        cpuUsPerQuery: median(figures.map((f) => f.cpuUsPerQuery ?? -1)),
        mainThreadCpuUsPerQuery: median(figures.map((f) => f.mainThreadCpuUsPerQuery ?? -1)),
        mainThreadOnCpuUsPerQuery: medianOf(figures.map((f) => f.mainThreadOnCpuUsPerQuery)),
        loopP99Ms: median(figures.map((f) => f.loopP99Ms)),
        loopMaxMs: Math.max(...figures.map((f) => f.loopMaxMs)),
        peakRssMb: Math.max(...figures.map((f) => f.peakRssMb)),
      };
    });
    printTable(workload, summaries);
    results[workload] = summaries;
  }
  console.log('\ntargets (calls)');
  const rows = callTargets(results);
  const width = Math.max(...rows.map((row) => row.label.length)) + 2;
  for (const row of rows) console.log(`${row.label.padEnd(width)}${targetCell(row).padStart(20)}   target ${row.target}`);
  return results;
}
