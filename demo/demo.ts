// pgloom's demo: connect (to DATABASE_URL, or to a PostgreSQL it starts itself), create a table,
// load rows, read them back, and print what it did with timings.

import { performance } from 'node:perf_hooks';
import { connect } from '../src/main/index.js';
import { startCluster } from '../scripts/local-postgres.js';

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
    if (mismatches !== 0 || seen !== rowsToLoad) process.exitCode = 1;
  } finally {
    await stopServer?.();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
