// The CLI suite: `pgloom import` of a 500K-line CSV beside pg + pg-copy-streams piping the same
// file (and csv-parse + copyRecordsToTable, the alternative the CLI measured against), and
// `pgloom export` of 1M rows to Parquet beside the plain columnar fetch (pool.stream). Every
// entry is timed as a whole process (start-up included), as a shell script would see it; the
// peers' processes only import their library, connect and do the work.
// Times are printed, never asserted.
// Alone: node dist/bench/cli-suite.js DSN [--quick]

import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { connect } from '../src/main/index.js';
import { median } from './stats.js';

const cli = fileURLToPath(new URL('../cli/pgloom.js', import.meta.url));
const TABLE_DDL = '(id int8, name text, amount numeric(12, 2), taken timestamptz, ok bool, note text)';
const EXPORT_SQL = (rows: number) => `select i::int4 as id, (i * 1.5)::float8 as x, 'name-' || i as name, timestamptz '2020-01-01' + i * interval '1 second' as ts, i::int8 * 1000 as big from generate_series(1, ${rows}) as i`;

async function writeCsv(path: string, lines: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,name,amount,taken,ok,note\n');
  let chunk = '';
  for (let i = 1; i <= lines; i++) {
    chunk += `${i},customer ${i % 5000},${(i % 100000) / 100},2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z,${i % 2 === 0},"note, with ""quotes"" ${i}"\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

function timeCli(args: string[]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, [cli, ...args, '--quiet'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pgloom ${args[0]} failed: ${run.stderr}`);
  return performance.now() - started;
}

const mainModule = fileURLToPath(new URL('../src/main/index.js', import.meta.url));
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A peer's work as a process of its own: ES module source given the DSN as process.argv[1]. */
function timeProcess(source: string, dsn: string): number {
  const started = performance.now();
  // Run from the project's root, where its node_modules resolve the peers' packages.
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', source, dsn], { encoding: 'utf8', cwd: projectRoot });
  if (run.status !== 0) throw new Error(`peer process failed: ${run.stderr}`);
  return performance.now() - started;
}

/** What the suite measured: each task's median time, and the two ratios the targets name. */
export interface CliSummary {
  lines: number;
  exportRows: number;
  rounds: number;
  tasks: { task: string; medianMs: number }[];
  importVsCopyStreams: number;
  exportVsStream: number;
}

export async function runCliSuite(dsn: string, quick: boolean): Promise<CliSummary> {
  const lines = quick ? 20_000 : 500_000;
  const exportRows = quick ? 50_000 : 1_000_000;
  const rounds = quick ? 1 : 3;
  const dir = mkdtempSync(join(tmpdir(), 'pgloom-bench-cli-'));
  const csv = join(dir, 'staging.csv');
  const db = await connect(dsn);
  /** An import into the emptied staging table. */
  const importing = (run: () => number) => async () => {
    await db.execute('truncate bench_cli_staging');
    return run();
  };
  const tasks: [string, () => Promise<number>][] = [
    ['pgloom import (CLI process)', importing(() => timeCli(['import', csv, '--table', 'bench_cli_staging', '--dsn', dsn]))],
    ['pg + pg-copy-streams', importing(() => timeProcess(`
        import { createReadStream } from 'node:fs';
        import { pipeline } from 'node:stream/promises';
        import pg from 'pg';
        import copyStreams from 'pg-copy-streams';
        const client = new pg.Client({ connectionString: process.argv[1] });
        await client.connect();
        await pipeline(createReadStream(${JSON.stringify(csv)}), client.query(copyStreams.from('copy bench_cli_staging from stdin (format csv, header)')));
        await client.end();`, dsn))],
    ['csv-parse + copyRecordsToTable', importing(() => timeProcess(`
        import { createReadStream } from 'node:fs';
        import { parse } from 'csv-parse';
        import { createPool } from ${JSON.stringify(mainModule)};
        const pool = createPool(process.argv[1], { workers: 1 });
        const records = createReadStream(${JSON.stringify(csv)}).pipe(parse({ from_line: 2 }));
        async function* typed() { for await (const r of records) yield [r[0], r[1], r[2], r[3], r[4] === 'true', r[5]]; }
        await pool.copyRecordsToTable('bench_cli_staging', { records: typed() });
        await pool.close();`, dsn))],
    ['pgloom export parquet (CLI process)', async () => timeCli(['export', EXPORT_SQL(exportRows), '--out', join(dir, 'out.parquet'), '--dsn', dsn])],
    ['pool.stream, columns only', async () => timeProcess(`
        import { createPool } from ${JSON.stringify(mainModule)};
        const pool = createPool(process.argv[1], { workers: 1 });
        let n = 0;
        for await (const batch of pool.stream(${JSON.stringify(EXPORT_SQL(exportRows))})) n += batch.numRows;
        if (n !== ${exportRows}) throw new Error('streamed ' + n + ' rows');
        await pool.close();`, dsn)],
  ];
  try {
    await writeCsv(csv, lines);
    await db.execute(`drop table if exists bench_cli_staging; create unlogged table bench_cli_staging ${TABLE_DDL}`);
    const times = new Map<string, number[]>(tasks.map(([name]) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      // Rotate the order each round, so that no task always runs first, or right after another.
      for (let i = 0; i < tasks.length; i++) {
        const [name, run] = tasks[(i + round) % tasks.length];
        times.get(name)!.push(await run());
      }
    }
    const medianOf = (name: string) => median(times.get(name)!);
    const summary: CliSummary = {
      lines, exportRows, rounds,
      tasks: tasks.map(([task]) => ({ task, medianMs: medianOf(task) })),
      importVsCopyStreams: medianOf('pgloom import (CLI process)') / medianOf('pg + pg-copy-streams'),
      exportVsStream: medianOf('pgloom export parquet (CLI process)') / medianOf('pool.stream, columns only'),
    };
    console.log(`\ncli: CSV import of ${lines.toLocaleString()} lines, export of ${exportRows.toLocaleString()} rows (median of ${rounds})`);
    for (const { task, medianMs } of summary.tasks) console.log(`  ${task.padEnd(40)} ${medianMs.toFixed(0).padStart(8)} ms`);
    console.log(`  import vs pg-copy-streams: ${summary.importVsCopyStreams.toFixed(2)}× (target ≤ 1); export parquet vs plain fetch: ${summary.exportVsStream.toFixed(2)}× (target ≤ 1.5)`);
    return summary;
  } finally {
    await db.execute('drop table if exists bench_cli_staging');
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dsn = process.argv[2];
  if (!dsn) throw new Error('usage: node dist/bench/cli-suite.js DSN [--quick]');
  await runCliSuite(dsn, process.argv.includes('--quick'));
}
