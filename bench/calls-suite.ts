// The query-rate workloads (one serial, one and small with 20 callers): each client in its own
// process, rounds alternating the order, medians.

import { fileURLToPath } from 'node:url';
import type { CallFigures, CallWorkloadName } from './call-child.js';
import { callClientNames, type CallClientName } from './call-clients.js';
import { runAsyncpg } from './asyncpg.js';
import { runJsonChild } from './measure.js';
import { loop } from './stats.js';
import { median } from './stats.js';

export interface CallSummary {
  client: string;
  workload: string;
  queriesPerSecond: number;
  usPerQuery: number;
  loopP99Ms: number;
  loopMaxMs: number;
  peakRssMb: number;
}

const childScript = fileURLToPath(new URL('./call-child.js', import.meta.url));
export const callWorkloads: CallWorkloadName[] = ['one-serial', 'one-concurrent', 'small-concurrent'];

type SuiteClient = CallClientName | 'asyncpg';

function runChild(client: SuiteClient, workload: CallWorkloadName, queries: number, dsn: string): Promise<CallFigures> {
  if (client === 'asyncpg') return runAsyncpg<CallFigures>(['calls', workload, String(queries), dsn]);
  return runJsonChild<CallFigures>(childScript, [client, workload, String(queries), dsn]);
}

function printTable(workload: CallWorkloadName, summaries: CallSummary[]): void {
  const by = (name: string) => summaries.find((s) => s.client === name)?.queriesPerSecond;
  const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : '—');
  console.log(`\n${workload} (throughput ratios: higher is better)`);
  console.log(`${'client'.padEnd(18)}${'q/s'.padStart(10)}${'µs/q'.padStart(9)}${'vs pg'.padStart(8)}${'vs pjs'.padStart(8)}${'vs apg'.padStart(8)}${'loop p99'.padStart(10)}${'loop max'.padStart(10)}${'RSS MB'.padStart(8)}`);
  for (const s of summaries) {
    console.log(`${s.client.padEnd(18)}${s.queriesPerSecond.toFixed(0).padStart(10)}${s.usPerQuery.toFixed(0).padStart(9)}${ratio(s.queriesPerSecond, by('pg')).padStart(8)}${ratio(s.queriesPerSecond, by('postgres.js')).padStart(8)}${ratio(s.queriesPerSecond, by('asyncpg')).padStart(8)}${loop(s.loopP99Ms).padStart(10)}${loop(s.loopMaxMs).padStart(10)}${s.peakRssMb.toFixed(0).padStart(8)}`);
  }
}

export async function runCallsSuite(dsn: string, rounds: number, quick: boolean, withAsyncpg: boolean): Promise<Record<string, CallSummary[]>> {
  const clients: SuiteClient[] = withAsyncpg ? [...callClientNames, 'asyncpg'] : [...callClientNames];
  const results: Record<string, CallSummary[]> = {};
  for (const workload of callWorkloads) {
    const queries = quick ? 500 : workload === 'small-concurrent' ? 4000 : 20_000;
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
        queriesPerSecond: median(figures.map((f) => f.queriesPerSecond)),
        usPerQuery: median(figures.map((f) => f.usPerQuery)),
        loopP99Ms: median(figures.map((f) => f.loopP99Ms)),
        loopMaxMs: Math.max(...figures.map((f) => f.loopMaxMs)),
        peakRssMb: Math.max(...figures.map((f) => f.peakRssMb)),
      };
    });
    printTable(workload, summaries);
    results[workload] = summaries;
  }
  return results;
}
