// The soak's own process: 200 callers mix small queries, large fetches, streams, transactions,
// COPY and aborted calls against one pool for a while, check every answer, then close the pool
// and report. It must then exit by itself: nothing may hold the event loop open after close().
// Arguments: the built package's entry, the DSN, seconds, a table name.

import { readdirSync } from 'node:fs';

const [entry, dsn, secondsText, table] = process.argv.slice(2);
const { createPool, QueryAbortedError } = await import(entry);
const seconds = Number(secondsText);

const openDescriptors = () => readdirSync('/proc/self/fd').length;
const pool = createPool(dsn, { workers: 2, connectionsPerWorker: 4 });
await pool.execute(`create table ${table} (caller int4, n int4, label text)`);

const counts = { small: 0, large: 0, stream: 0, transaction: 0, copy: 0, aborted: 0, abortedInTime: 0 };
const wrong = [];
const check = (ok, what) => {
  if (!ok && wrong.length < 20) wrong.push(what);
};

async function step(caller, i) {
  switch (Math.floor(Math.random() * 6)) {
    case 0: {
      const value = await pool.fetchval('select $1::int4 * 2', [i]);
      check(value === i * 2, `small ${i}: ${value}`);
      counts.small++;
      return;
    }
    case 1: {
      const result = await pool.query('select i, i::text as t from generate_series(1, $1::int4) i', [20_000]);
      const ids = result.column('i');
      check(result.numRows === 20_000 && ids[19_999] === 20_000, `large: ${result.numRows}`);
      counts.large++;
      return;
    }
    case 2: {
      let rows = 0;
      for await (const batch of pool.stream('select i from generate_series(1, $1::int4) i', [30_000])) rows += batch.numRows;
      check(rows === 30_000, `stream: ${rows}`);
      counts.stream++;
      return;
    }
    case 3: {
      const seen = await pool.transaction(async (tx) => {
        await tx.execute(`insert into ${table} values ($1, $2, 'tx')`, [caller, i]);
        return tx.fetchval(`select count(*)::int4 from ${table} where caller = $1 and n = $2 and label = 'tx'`, [caller, i]);
      });
      check(seen === 1, `transaction ${caller}/${i}: ${seen}`);
      counts.transaction++;
      return;
    }
    case 4: {
      const records = Array.from({ length: 50 }, (_, k) => [caller, i * 100 + k, `copy ${k}`]);
      const tag = await pool.copyRecordsToTable(table, { records });
      check(tag === 'COPY 50', `copy: ${tag}`);
      counts.copy++;
      return;
    }
    default: {
      const started = performance.now();
      try {
        await pool.fetch('select pg_sleep(0.05)', [], { signal: AbortSignal.timeout(1 + Math.floor(Math.random() * 30)) });
      } catch (error) {
        check(error instanceof QueryAbortedError, `aborted: ${error}`);
        // The caller hears at once, whatever the server does with the cancel.
        if (performance.now() - started < 1_000) counts.abortedInTime++;
      }
      counts.aborted++;
    }
  }
}

// Warm up, then take the baselines the end is compared with.
await Promise.all(Array.from({ length: 8 }, (_, i) => step(-1, i)));
const startFds = openDescriptors();
const startRss = process.memoryUsage().rss;
let settled = 0;
const deadline = Date.now() + seconds * 1000;
await Promise.all(Array.from({ length: 200 }, async (_, caller) => {
  for (let i = 0; Date.now() < deadline; i++) {
    try {
      await step(caller, i);
    } catch (error) {
      check(false, `caller ${caller}: ${error?.name}: ${error?.message}`);
    }
    settled++;
  }
}));
// Released sessions free their place once their worker has reset them: wait for it, bounded.
let stats = await pool.stats();
for (const until = Date.now() + 5_000; stats.connections.pinned > 0 && Date.now() < until;) {
  await new Promise((resolve) => setImmediate(resolve));
  stats = await pool.stats();
}
await pool.execute(`drop table ${table}`);
await pool.close();
const endFds = openDescriptors();
const endRss = process.memoryUsage().rss;
console.log(JSON.stringify({ counts, settled, wrong, startFds, endFds, startRssMb: startRss / 2 ** 20, endRssMb: endRss / 2 ** 20, pinnedAtEnd: stats.connections.pinned }));
