// pgloom's demo: connect (to DATABASE_URL, or to a PostgreSQL it starts itself), create a table,
// load rows, read them back, and print what it did with timings.

import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { connect, createPool } from '../src/main/index.js';
import { startCluster } from '../scripts/local-postgres.js';
import { cliDemo } from './cli-demo.js';

const rowsToLoad = 100_000;

function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  return run().then((value) => {
    console.log(`  ${label.padEnd(48)} ${(performance.now() - started).toFixed(1).padStart(9)} ms`);
    return value;
  });
}

async function main(): Promise<void> {
  let dsn = process.env.DATABASE_URL;
  let stopServer: (() => Promise<void>) | undefined;
  if (!dsn) {
    console.log('DATABASE_URL is not set: starting an embedded PostgreSQL 18 for this demo…');
    const cluster = await timed('start embedded PostgreSQL', () => startCluster('embedded'));
    dsn = cluster.dsn;
    stopServer = () => cluster.stop();
  }
  try {
    const db = await timed('connect()', () => connect(dsn));
    console.log(`  connected to PostgreSQL ${db.serverVersion}, backend pid ${db.processId}`);

    // The seed example: a users table, an upsert, a lookup.
    await db.execute('drop table if exists users');
    await db.execute('create table users(id serial primary key, name text unique, dob date)');
    await db.execute(`insert into users(name, dob) values($1, $2) on conflict (name) do nothing`, ['Alice', '1990-04-01']);
    const alice = await db.fetchrow('select * from users where name = $1', ['Alice']);
    console.log('  fetchrow:', alice);

    await db.execute('drop table if exists demo_measurements');
    await db.execute('create table demo_measurements(id int4 primary key, label text, value float8, taken timestamptz, ok bool)');
    const base = Date.UTC(2026, 0, 1);
    const rows = Array.from({ length: rowsToLoad }, (_, i) => [i, `sensor-${i % 97}`, Math.sin(i) * 100, new Date(base + i * 1000), i % 3 !== 0]);
    await timed(`executemany: insert ${rowsToLoad.toLocaleString()} rows (pipelined)`, () =>
      db.executemany('insert into demo_measurements values ($1, $2, $3, $4, $5)', rows));

    const fetched = await timed(`fetch: read ${rowsToLoad.toLocaleString()} rows back`, () =>
      db.fetch('select id, label, value, taken, ok from demo_measurements order by id'));
    const mismatches = fetched.filter((row, i) => row.id !== rows[i][0] || row.label !== rows[i][1] || row.value !== rows[i][2]
      || (row.taken as Date).getTime() !== (rows[i][3] as Date).getTime() || row.ok !== rows[i][4]).length;
    console.log(`  read back ${fetched.length.toLocaleString()} rows, ${mismatches} differ from what was written`);

    const stats = await timed('fetchrow: aggregate on the server', () =>
      db.fetchrow('select count(*) as n, avg(value) as mean, min(taken) as first, max(taken) as last from demo_measurements'));
    console.log('  aggregate:', stats);

    let seen = 0;
    await timed('cursor: stream every row in a transaction', () => db.transaction(async () => {
      for await (const _row of db.cursor('select * from demo_measurements', [], { prefetch: 5000 })) seen++;
    }));
    console.log(`  the cursor yielded ${seen.toLocaleString()} rows`);
    await db.close();
    const poolOk = await poolDemo(dsn);
    const cliOk = await cliDemo(dsn);
    if (mismatches !== 0 || seen !== rowsToLoad || !poolOk || !cliOk) process.exitCode = 1;
  } finally {
    await stopServer?.();
  }
}

/** The pool: a million rows decoded in worker threads while this thread's event loop stays free. */
async function poolDemo(dsn: string): Promise<boolean> {
  console.log('\ncreatePool: worker threads decode results into columnar batches');
  const pool = createPool(dsn);
  try {
    await pool.fetchval('select 1');
    const sql = `select i::int4 as id, (i*1.5)::float8 as x, 'name-' || i as name,
      timestamptz '2020-01-01' + i * interval '1 second' as ts, i::int8 * 1000 as big from generate_series(1, 1000000) as i`;
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const result = await timed('pool.query: 1,000,000 rows as columnar batches', () => pool.query(sql));
    await new Promise((resolve) => setTimeout(resolve, 20));
    delay.disable();
    console.log(`  ${result.batches.length} batches; main-thread event-loop delay meanwhile: p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`);
    const ids = result.column('id') as Int32Array;
    let sum = 0;
    for (let i = 0; i < ids.length; i++) sum += ids[i];
    console.log(`  column('id') is an ${ids.constructor.name} of ${ids.length.toLocaleString()}; its sum is ${sum.toLocaleString()}`);
    const rows = await timed('pool.fetch: the same rows as plain objects', () => pool.fetch(sql));
    console.log('  last row:', rows[rows.length - 1]);
    let streamed = 0;
    await timed('pool.stream: 1,000,000 rows with backpressure', async () => {
      for await (const batch of pool.stream(sql)) streamed += batch.numRows;
    });
    const stats = await pool.stats();
    console.log(`  pool: ${stats.workers} workers, ${stats.completed} calls, run time p50 ${stats.runTime.p50.toFixed(1)} ms`);
    return sum === 500000500000 && rows.length === 1_000_000 && streamed === 1_000_000;
  } finally {
    await pool.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
