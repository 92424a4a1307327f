// One client, one workload, in a process of its own: warm up, run once measured, and print the
// figures as JSON on stdout. Event-loop delay is sampled on this (the main) thread.

import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { openClient, type ClientName } from './clients.js';
import { workloadSql, type WorkloadName } from './workloads.js';

export interface ChildFigures {
  client: string;
  workload: string;
  rows: number;
  wallMs: number;
  loopP99Ms: number;
  loopMaxMs: number;
  peakRssMb: number;
}

async function main(): Promise<void> {
  const [client, workload, rowsText, dsn, workersText] = process.argv.slice(2);
  const rows = Number(rowsText);
  const db = await openClient(client as ClientName, dsn, workersText ? Number(workersText) : undefined);
  try {
    await db.run(workloadSql(workload as WorkloadName, Math.max(1, Math.floor(rows / 10))));
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const started = performance.now();
    const seen = await db.run(workloadSql(workload as WorkloadName, rows));
    const wallMs = performance.now() - started;
    // A block that ends with the run is recorded only when the monitor's timer next fires.
    await new Promise((resolve) => setTimeout(resolve, 20));
    delay.disable();
    if (seen !== rows) throw new Error(`${client} saw ${seen} rows, expected ${rows}`);
    const figures: ChildFigures = {
      client,
      workload,
      rows,
      wallMs,
      loopP99Ms: delay.percentile(99) / 1e6,
      loopMaxMs: delay.max / 1e6,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
