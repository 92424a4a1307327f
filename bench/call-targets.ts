// The query-rate targets of shared/BENCHMARKS.md as ratios of one run's medians: the pool's
// one-row throughput and main-thread CPU per query, each against postgres.js's.

import type { CallSummary } from './calls-suite.js';

export interface TargetRow {
  label: string;
  /** pgloom-pool's figure ÷ postgres.js's; undefined when either did not run. */
  ratio: number | undefined;
  target: string;
  met: boolean | undefined;
}

export function callTargets(calls: Record<string, CallSummary[]>): TargetRow[] {
  const of = (client: string) => calls['one-concurrent']?.find((s) => s.client === client);
  const pool = of('pgloom-pool');
  const pjs = of('postgres.js');
  const throughput = pool && pjs ? pool.queriesPerSecond / pjs.queriesPerSecond : undefined;
  const mainCpu = pool && pjs ? pool.mainThreadCpuUsPerQuery / pjs.mainThreadCpuUsPerQuery : undefined;
  return [
    { label: 'pool one-concurrent throughput ÷ postgres.js', ratio: throughput, target: '≥ 1.0×', met: throughput === undefined ? undefined : throughput >= 1 },
    { label: 'pool main-thread CPU per one-row query ÷ postgres.js (one-concurrent)', ratio: mainCpu, target: '≤ 0.5×', met: mainCpu === undefined ? undefined : mainCpu <= 0.5 },
  ];
}

/** The row's verdict in words, for the printed summary and the README. */
export function targetCell(row: TargetRow): string {
  return row.ratio === undefined ? 'not run' : `${row.ratio.toFixed(2)}× (${row.met ? 'met' : 'not met'})`;
}
