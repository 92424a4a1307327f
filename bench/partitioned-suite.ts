// Partitioned parallel fetch: the mixed workload stored in a table (a BRIN index on id, as a
// large append-only table would have), fetched whole and split into k = 1, 2, 4 range queries
// on id, as columns. `node dist/bench/partitioned-suite.js [--rows 1000000,10000000] [--rounds 3]`
// against DATABASE_URL (or an embedded PostgreSQL started here); prints a table and writes
// bench/results/<date>-<host>-partitioned.json.

import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createPool, type Pool } from '../src/main/index.js';
import { startCluster } from '../scripts/local-postgres.js';
import { measure } from './measure.js';
import { median } from './stats.js';
import { workloadSql } from './workloads.js';

interface Figures {
  rows: number;
  partitions: number | 'whole';
  wallMs: number;
  loopP99Ms: number;
  cpuMs: number;
  mainThreadCpuMs: number;
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

async function fetchOnce(pool: Pool, table: string, partitions: number | 'whole'): Promise<number> {
  const sql = `select * from ${table} where id > $1`;
  const result = partitions === 'whole' ? await pool.query(sql, [0]) : await pool.query(sql, [0], { partitionOn: 'id', partitions });
  return result.numRows;
}

async function main(): Promise<void> {
  const rowCounts = (option('--rows') ?? '1000000').split(',').map(Number);
  const rounds = Number(option('--rounds') ?? 3);
  const cluster = process.env.DATABASE_URL === undefined ? await startCluster('embedded') : undefined;
  const dsn = process.env.DATABASE_URL ?? cluster!.dsn;
  // Two workers: the machine's cores; four connections each, so k = 4 fits with room.
  const pool = createPool(dsn, { workers: 2, connectionsPerWorker: 4 });
  const figures: Figures[] = [];
  try {
    for (const rows of rowCounts) {
      const table = `bench_partitioned_${rows}`;
      await pool.execute(`drop table if exists ${table}`);
      await pool.execute(`create unlogged table ${table} as ${workloadSql('mixed', rows)}`);
      await pool.execute(`create index on ${table} using brin (id)`);
      await pool.execute(`vacuum analyze ${table}`);
      for (const partitions of ['whole', 1, 2, 4] as const) {
        const runs: Figures[] = [];
        await fetchOnce(pool, table, partitions); // warm: caches, JIT, connections
        for (let round = 0; round < rounds; round++) {
          const measured = await measure(() => fetchOnce(pool, table, partitions));
          if (measured.value !== rows) throw new Error(`${partitions}: ${measured.value} rows, expected ${rows}`);
          runs.push({ rows, partitions, wallMs: measured.wallMs, loopP99Ms: measured.loopP99Ms, cpuMs: measured.cpuMs, mainThreadCpuMs: measured.mainThreadCpuMs });
        }
        const summary: Figures = {
          rows,
          partitions,
          wallMs: median(runs.map((r) => r.wallMs)),
          loopP99Ms: median(runs.map((r) => r.loopP99Ms)),
          cpuMs: median(runs.map((r) => r.cpuMs)),
          mainThreadCpuMs: median(runs.map((r) => r.mainThreadCpuMs)),
        };
        figures.push(summary);
        console.log(`${rows.toLocaleString('en')} rows, ${partitions === 'whole' ? 'whole' : `k = ${partitions}`}: ${summary.wallMs.toFixed(0)} ms (median of ${rounds}), event loop p99 ${summary.loopP99Ms.toFixed(1)} ms, process CPU ${summary.cpuMs.toFixed(0)} ms, main thread ${summary.mainThreadCpuMs.toFixed(0)} ms`);
      }
      await pool.execute(`drop table ${table}`);
    }
  } finally {
    await pool.close();
    await cluster?.stop();
  }
  const file = `bench/results/${new Date().toISOString().slice(0, 10)}-${hostname()}-partitioned.json`;
  writeFileSync(file, `${JSON.stringify({ rounds, figures }, null, 2)}\n`);
  console.log(`written to ${file}`);
}

await main();
