// The `pgloom` command line in the demo: a generated CSV of 1M rows imported, exported to Parquet,
// and read back (imported again) with a count and a checksum compared — each step the real binary.

import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { connect } from '../src/main/index.js';

const rows = 1_000_000;
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'pgloom.js');

async function writeCsv(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,name,amount,taken,ok\n');
  const base = Date.UTC(2026, 0, 1);
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    chunk += `${i},"item ${i % 1000}, batch ${i >> 10}",${(i % 100000) / 100},${new Date(base + i * 1000).toISOString()},${i % 3 !== 0}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

function pgloom(label: string, args: string[]): void {
  const started = performance.now();
  const run = spawnSync(process.execPath, [cli, ...args, '--quiet'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pgloom ${args[0]} failed (exit ${run.status}): ${run.stderr}`);
  console.log(`  ${label.padEnd(48)} ${(performance.now() - started).toFixed(1).padStart(9)} ms`);
}

/** Returns whether the table read back from Parquet matches the one imported from CSV. */
export async function cliDemo(dsn: string): Promise<boolean> {
  console.log(`\npgloom CLI: ${rows.toLocaleString()} rows CSV → table → Parquet → table`);
  const dir = mkdtempSync(join(tmpdir(), 'pgloom-demo-'));
  const db = await connect(dsn);
  try {
    const csv = join(dir, 'measurements.csv');
    const started = performance.now();
    await writeCsv(csv);
    console.log(`  ${'generate the CSV'.padEnd(48)} ${(performance.now() - started).toFixed(1).padStart(9)} ms (${(statSync(csv).size / 1048576).toFixed(1)} MB)`);
    await db.execute('drop table if exists demo_cli; drop table if exists demo_cli_back');
    const columns = 'id int4, name text, amount numeric(12, 2), taken timestamptz, ok bool';
    await db.execute(`create table demo_cli (${columns}); create table demo_cli_back (${columns})`);
    pgloom('pgloom import measurements.csv (binary COPY)', ['import', csv, '--table', 'demo_cli', '--dsn', dsn]);
    const parquet = join(dir, 'measurements.parquet');
    pgloom('pgloom export … --out measurements.parquet', ['export', 'select * from demo_cli', '--out', parquet, '--dsn', dsn]);
    console.log(`  Parquet file: ${(statSync(parquet).size / 1048576).toFixed(1)} MB`);
    pgloom('pgloom import measurements.parquet (binary COPY)', ['import', parquet, '--table', 'demo_cli_back', '--dsn', dsn]);
    const checksum = (table: string) => db.fetchrow<{ n: bigint; sum: string }>(
      `select count(*) as n, sum(hashtext(id || '|' || name || '|' || amount || '|' || taken || '|' || ok)::numeric)::text as sum from ${table}`);
    const [imported, readBack] = [await checksum('demo_cli'), await checksum('demo_cli_back')];
    console.log(`  CSV import: ${imported!.n} rows, checksum ${imported!.sum}; read back from Parquet: ${readBack!.n} rows, checksum ${readBack!.sum}`);
    return imported!.n === BigInt(rows) && imported!.n === readBack!.n && imported!.sum === readBack!.sum;
  } finally {
    await db.execute('drop table if exists demo_cli; drop table if exists demo_cli_back');
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
