// One client, one row workload, in a process of its own: warm up, run once measured, and print
// the figures as JSON on stdout. Event-loop delay is sampled on this (the main) thread.

import { openClient, type ClientName } from './clients.js';
import { measure, reportFrom } from './measure.js';
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

reportFrom(async (): Promise<ChildFigures> => {
  const [client, workload, rowsText, dsn, workersText] = process.argv.slice(2);
  const rows = Number(rowsText);
  const db = await openClient(client as ClientName, dsn, workersText ? Number(workersText) : undefined);
  try {
    await db.run(workloadSql(workload as WorkloadName, Math.max(1, Math.floor(rows / 10))));
    const { value: seen, ...figures } = await measure(() => db.run(workloadSql(workload as WorkloadName, rows)));
    if (seen !== rows) throw new Error(`${client} saw ${seen} rows, expected ${rows}`);
    return { client, workload, rows, ...figures };
  } finally {
    await db.close();
  }
});
