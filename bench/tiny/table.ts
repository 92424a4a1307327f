// A finished tinybench Bench as plain data (what the JSON file and bench/README.md hold), and its
// cells as text: ops/s, mean, p50/p75/p99 latency, margin of error, samples, plus a ratio to a
// baseline task (per-call tables) or the time per item (codec tables, whose task is a whole pass).

import type { Bench } from 'tinybench';

export interface TinyRow {
  task: string;
  /** 1000 / mean latency: the reciprocal of the mean column (tinybench's own ops/s is a mean of per-sample rates). */
  opsPerSecond: number;
  meanMs: number;
  p50Ms: number;
  p75Ms: number;
  p99Ms: number;
  /** Margin of error of the mean, ± % (95 % confidence). */
  rmePercent: number;
  samples: number;
}

export interface TinyTable {
  suite: 'calls' | 'codecs';
  name: string;
  /** What the tasks do, where it is not obvious (shown under the table). */
  note?: string;
  /** What each operation handles, for a ns-per-item column (codec passes: values, rows or messages). */
  items?: { perOp: number; name: string };
  /** The task the others' ops/s are compared to. */
  baseline?: string;
  rows: TinyRow[];
}

/** The table of a Bench that ran (every task completed: the benches run with `throws`). */
export function tableOf(bench: Bench, table: Omit<TinyTable, 'rows'>): TinyTable {
  const rows = bench.tasks.map((task): TinyRow => {
    const result = task.result;
    if (!('latency' in result)) throw new Error(`${table.name} / ${task.name} did not complete (${result.state})`);
    const { latency } = result;
    return {
      task: task.name,
      opsPerSecond: latency.mean > 0 ? 1000 / latency.mean : 0,
      meanMs: latency.mean,
      p50Ms: latency.p50,
      p75Ms: latency.p75,
      p99Ms: latency.p99,
      rmePercent: latency.rme,
      samples: latency.samplesCount,
    };
  });
  return { ...table, rows };
}

/** A duration in the unit that keeps it readable. */
export function duration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1) return `${ms.toFixed(ms >= 100 ? 0 : 2)} ms`;
  return `${(ms * 1000).toFixed(ms * 1000 >= 100 ? 0 : 1)} µs`;
}

function rate(opsPerSecond: number): string {
  return opsPerSecond >= 100 ? Math.round(opsPerSecond).toLocaleString('en') : opsPerSecond.toFixed(2);
}

export function tableCells(table: TinyTable): { header: string[]; rows: string[][] } {
  const base = table.rows.find((row) => row.task === table.baseline)?.opsPerSecond;
  const header = ['task', 'ops/s', 'mean', 'p50', 'p75', 'p99', '±', 'samples'];
  if (table.items !== undefined) header.push(`ns/${table.items.name}`);
  if (base !== undefined) header.push(`vs ${table.baseline}`);
  const rows = table.rows.map((row) => {
    const cells = [row.task, rate(row.opsPerSecond), duration(row.meanMs), duration(row.p50Ms), duration(row.p75Ms), duration(row.p99Ms), `${row.rmePercent.toFixed(1)} %`, String(row.samples)];
    if (table.items !== undefined) cells.push(((row.meanMs * 1e6) / table.items.perOp).toFixed(1));
    if (base !== undefined) cells.push(`${(row.opsPerSecond / base).toFixed(2)}×`);
    return cells;
  });
  return { header, rows };
}

export function printTable(table: TinyTable): void {
  const { header, rows } = tableCells(table);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((cells) => cells[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(`\n${table.suite}: ${table.name}`);
  console.log(line(header));
  for (const cells of rows) console.log(line(cells));
  if (table.note !== undefined) console.log(`  (${table.note})`);
}
