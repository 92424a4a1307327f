// Medians and the per-client summary of several runs.

import type { ChildFigures } from './child.js';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface ClientSummary {
  client: string;
  workload: string;
  runs: number;
  wallMs: number;
  loopP99Ms: number;
  loopMaxMs: number;
  peakRssMb: number;
}

export function summarise(runs: readonly ChildFigures[]): ClientSummary {
  return {
    client: runs[0].client,
    workload: runs[0].workload,
    runs: runs.length,
    wallMs: median(runs.map((r) => r.wallMs)),
    loopP99Ms: median(runs.map((r) => r.loopP99Ms)),
    loopMaxMs: Math.max(...runs.map((r) => r.loopMaxMs)),
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
  };
}

/** Event-loop delay; asyncpg has no Node event loop to measure (reported as -1). */
export function loop(ms: number): string {
  return ms < 0 ? '—' : ms.toFixed(1);
}

/** The geometric mean: the average of ratios, so no one query's scale outweighs the others. */
export function geomean(values: readonly number[]): number {
  return Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length);
}
