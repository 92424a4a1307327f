// The example of docs/benchmarking.md, kept here so that it is built and run as written:
//   npm run build && DATABASE_URL=postgres://user:password@host/db node dist/bench/tiny/example.js
// ('pgloom' resolves to this package itself, as it does in a project that installed it.)

import { Bench } from 'tinybench';
import pg from 'pg';
import postgres from 'postgres';
import { connect, createPool } from 'pgloom';

const dsn = process.env.DATABASE_URL;
if (dsn === undefined) throw new Error('set DATABASE_URL to the server to benchmark against');

// Open every client before measuring: connecting is not what is compared.
const db = await connect(dsn);
const pool = createPool(dsn);
const pgPool = new pg.Pool({ connectionString: dsn, max: 4 });
const sql = postgres(dsn, { max: 4, onnotice: () => {} });

async function compare(title: string, text: string, value: number): Promise<void> {
  // tinybench warms every task up (at least 250 ms and 16 calls) before its measured second.
  const bench = new Bench({ name: title, time: 1000 });
  bench
    .add('pgloom connect()', async () => {
      await db.fetch(text, [value]);
    })
    .add('pgloom pool', async () => {
      await pool.fetch(text, [value]);
    })
    .add('pg', async () => {
      await pgPool.query(text, [value]);
    })
    .add('postgres.js', async () => {
      await sql.unsafe(text, [value], { prepare: true });
    });
  await bench.run();
  console.log(title);
  console.table(bench.table());
}

await compare('one row', 'select $1::int4 as n', 42);
await compare('1,000 rows', 'select i, md5(i::text) as label from generate_series(1, $1::int4) i', 1000);
await Promise.all([db.close(), pool.close(), pgPool.end(), sql.end()]);
