// The query-rate targets of shared/BENCHMARKS.md as ratios of one run's medians: the pool's
// one-row throughput and main-thread CPU per query, each against postgres.js's. Main-thread CPU twice:
// by event-loop utilization (counts a busy loop's descheduled time) and by the thread's on-CPU time.

import type { CallSummary } from './calls-suite.js';

export interface TargetRow {
  label: string;
  /** pgloom-pool's figure ÷ postgres.js's; undefined when either did not run. */
  ratio: number | undefined;
  target: string;
  met: boolean | undefined;
}

export function callTargets(calls: Record<string, CallSummary[]>): TargetRow[] {
  return [...targetsOf(calls, 'pgloom-pool', 'pool'), ...targetsOf(calls, 'pgloom-pool-workers', 'pool with mainThreadConnections: 0')];
}

function targetsOf(calls: Record<string, CallSummary[]>, client: string, name: string): TargetRow[] {
  const of = (client: string) => calls['one-concurrent']?.find((s) => s.client === client);
  const pool = of(client);
  const pjs = of('postgres.js');
  const throughput = pool && pjs ? pool.queriesPerSecond / pjs.queriesPerSecond : undefined;
  const mainCpu = pool && pjs ? pool.mainThreadCpuUsPerQuery / pjs.mainThreadCpuUsPerQuery : undefined;
  const onCpu = pool?.mainThreadOnCpuUsPerQuery !== undefined && pjs?.mainThreadOnCpuUsPerQuery !== undefined ? pool.mainThreadOnCpuUsPerQuery / pjs.mainThreadOnCpuUsPerQuery : undefined;
  return [
    { label: `${name} one-concurrent throughput ÷ postgres.js`, ratio: throughput, target: '≥ 1.0×', met: throughput === undefined ? undefined : throughput >= 1 },
    { label: `${name} main-thread CPU per one-row query ÷ postgres.js (one-concurrent, by loop utilization)`, ratio: mainCpu, target: '≤ 0.5×', met: mainCpu === undefined ? undefined : mainCpu <= 0.5 },
    { label: `${name} main-thread CPU per one-row query ÷ postgres.js (one-concurrent, by on-CPU time)`, ratio: onCpu, target: '≤ 0.5×', met: onCpu === undefined ? undefined : onCpu <= 0.5 },
  ];
}

/** The row's verdict in words, for the printed summary and the README. */
export function targetCell(row: TargetRow): string {
  return row.ratio === undefined ? 'not run' : `${row.ratio.toFixed(2)}× (${row.met ? 'met' : 'not met'})`;
}
