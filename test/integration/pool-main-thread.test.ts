// The pool's main-thread connections: a one-shot statement whose results were small runs on them,
// inline, with what the workers' connections have (options, connect callback, init, limits,
// timeouts and cancels, errors), and nothing else ever does.

import { describe, expect, it } from 'vitest';
import {
  createPool, PoolTimeoutError, PostgresError, QueryAbortedError, QueryTimeoutError, type Connection, type Pool, type PoolOptions,
} from '../../src/main/index.js';
import { rejectionOf, shutDown, waitFor, within } from '../support/deadlines.js';
import { connectToTestServer, testDsn, uniqueTable } from '../support/server.js';

async function withPool<T>(options: PoolOptions, fn: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 2, ...options });
  try {
    return await fn(pool);
  } finally {
    await shutDown(pool);
  }
}

async function withWatcher<T>(fn: (watcher: Connection) => Promise<T>): Promise<T> {
  const watcher = await connectToTestServer();
  try {
    return await fn(watcher);
  } finally {
    await watcher.close();
  }
}

const mainThreadOpen = async (pool: Pool): Promise<number> => (await pool.stats()).mainThread.open;

describe("the pool's main-thread connections", () => {
  it('run a statement once its results were seen to be small; the first run and large results stay in the workers', async () => {
    await withPool({}, async (pool) => {
      expect(await pool.fetchval('select 41 + $1::int', [1])).toBe(42);
      expect(await mainThreadOpen(pool)).toBe(0);
      expect(await pool.fetchval('select 41 + $1::int', [2])).toBe(43);
      expect(await mainThreadOpen(pool)).toBe(1);
      const large = 'select g from generate_series(1, $1::int) g';
      for (let i = 0; i < 3; i++) expect((await pool.fetch(large, [5000])).length).toBe(5000);
      expect((await pool.stats()).mainThread).toMatchObject({ open: 1, busy: 0 });
      // A statement that grew large goes back to the workers after its run.
      const grows = 'select g from generate_series(1, $1::int) g order by g';
      expect((await pool.fetch(grows, [3])).length).toBe(3);
      expect((await pool.fetch(grows, [3000])).length).toBe(3000);
      const backendBefore = await pool.fetchval<number>('select pg_backend_pid()');
      expect(await pool.fetchval<number>('select pg_backend_pid()')).not.toBe(backendBefore);
    });
  });

  it('return exactly what the workers return, row by row and as columns', async () => {
    const sql = `select 1::int4 as i, 9007199254740993::int8 as big, 12345678901234567890.000000000000000001::numeric as n,
      'NaN'::float8 as nan, '-infinity'::timestamptz as minf, '2024-02-29 23:59:59.999999+00'::timestamptz as ts,
      '1900-01-01 00:00:00.000001'::timestamp as old, 'infinity'::date as d, array[[1, null], [3, 4]]::int4[] as grid,
      ''::text as empty, null::text as nothing, '{"a": [1, 2.5, null]}'::jsonb as doc, '\\x00ff'::bytea as raw,
      '1 year 2 mons 3 days 04:05:06.000007'::interval as span, $1::text as param`;
    await withPool({}, async (pool) => {
      const fromWorker = await pool.fetch(sql, ['ü']);
      const workerResult = await pool.query(sql, ['ü']);
      expect(await mainThreadOpen(pool)).toBe(1);
      const fromMain = await pool.fetch(sql, ['ü']);
      const mainResult = await pool.query(sql, ['ü']);
      expect(fromMain).toEqual(fromWorker);
      expect(mainResult.rows).toEqual(workerResult.rows);
      expect(mainResult.columns.map((c) => [c.name, c.typeOid])).toEqual(workerResult.columns.map((c) => [c.name, c.typeOid]));
      expect(mainResult.column('ts')).toEqual(workerResult.column('ts'));
      expect(await pool.fetchrow(sql, ['ü'], { rowMode: 'array' })).toEqual(Object.values(fromWorker[0]));
    });
  });

  it('cancel a timed-out call on the server, and the next call gets its own answer', async () => {
    await withPool({ mainThreadConnections: 1 }, async (pool) => {
      const sleep = 'select pg_sleep($1::float8), $2::int as answer';
      await pool.fetch(sleep, [0, 0]);
      await pool.fetch(sleep, [0, 0]);
      expect(await mainThreadOpen(pool)).toBe(1);
      const started = Date.now();
      expect(await rejectionOf(pool.fetch(sleep, [30, 1], { timeout: 200 }))).toBeInstanceOf(QueryTimeoutError);
      expect(Date.now() - started).toBeLessThan(5000);
      for (let i = 2; i < 6; i++) expect(await within(pool.fetchval(sleep, [0, i], 1), 5000, `call ${i}`)).toBe(i);
      const controller = new AbortController();
      const aborted = pool.fetch(sleep, [30, 9], { signal: controller.signal });
      // Counted by its exact text: other files run pg_sleep at the same time.
      await withWatcher(async (watcher) => {
        await waitFor(async () => ((await watcher.fetchval<bigint>("select count(*) from pg_stat_activity where query = $1 and state = 'active'", [sleep])) === 1n ? true : undefined), 5000, 'the sleep to start');
        controller.abort();
        expect(await rejectionOf(aborted)).toBeInstanceOf(QueryAbortedError);
        await waitFor(async () => ((await watcher.fetchval<bigint>("select count(*) from pg_stat_activity where query = $1 and state = 'active'", [sleep])) === 0n ? true : undefined), 5000, 'the cancel to land');
      });
      expect(await pool.fetchval(sleep, [0, 10], 1)).toBe(10);
    });
  });

  it('wait in turn when all are busy and the workers are full; acquireTimeout and the signal end the wait', async () => {
    await withPool({ workers: 1, connectionsPerWorker: 1, mainThreadConnections: 1, acquireTimeout: 150 }, async (pool) => {
      const sleep = 'select pg_sleep($1::float8), $2::int as answer';
      await pool.fetch(sleep, [0, 0]);
      await pool.fetch(sleep, [0, 0]);
      // The worker's one connection is held by a stream: every call below is the main thread's to place.
      const held = pool.stream('select i from generate_series(1, 1000000) as i', [], { highWaterMark: 1 })[Symbol.asyncIterator]();
      expect((await held.next()).done).toBe(false);
      try {
        const answers = await Promise.all([1, 2, 3].map((i) => pool.fetchval(sleep, [0.02, i], 1)));
        expect(answers).toEqual([1, 2, 3]);
        // With a timeout it runs alone on its connection: no call is pipelined behind it.
        const long = pool.fetchval(sleep, [0.6, 4], 1, { timeout: 10_000 });
        expect(await rejectionOf(pool.fetchval(sleep, [0, 5], 1))).toBeInstanceOf(PoolTimeoutError);
        const controller = new AbortController();
        const waiting = pool.fetchval(sleep, [0, 6], 1, { signal: controller.signal });
        controller.abort();
        expect(await rejectionOf(waiting)).toBeInstanceOf(QueryAbortedError);
        expect(await long).toBe(4);
        expect(await pool.fetchval(sleep, [0, 7], 1)).toBe(7);
        expect((await pool.stats()).mainThread).toMatchObject({ open: 1, busy: 0, waiting: 0, calls: 6 });
      } finally {
        await held.return?.();
      }
    });
  });

  it('pipeline a call behind a running one when all are busy, but never behind one with a timeout or one that leaves a transaction open', async () => {
    const table = uniqueTable('lane_pipeline');
    await withPool({ workers: 1, connectionsPerWorker: 1, mainThreadConnections: 1 }, async (pool) => {
      // Not 'select pg_sleep(…': other files count those in pg_stat_activity.
      const sleep = 'select pg_backend_pid() as pid, pg_sleep($1::float8) as slept';
      const insert = `insert into ${table} values ($1)`;
      await pool.execute(`create table ${table} (id int4)`);
      try {
        for (let i = 0; i < 3; i++) {
          // BEGIN as a one-shot call: it leaves its connection in a transaction (which is then closed).
          await pool.query('begin');
          await pool.fetchrow(sleep, [0]);
          await pool.execute(insert, [0]);
        }
        // The worker's one connection is held by a stream: the calls below wait for or share the main thread's.
        const held = pool.stream('select i from generate_series(1, 1000000) as i', [], { highWaterMark: 1 })[Symbol.asyncIterator]();
        expect((await held.next()).done).toBe(false);
        const turn = () => new Promise((resolve) => setImmediate(resolve));
        try {
          const first = pool.fetchrow<{ pid: number }>(sleep, [0.3]);
          await turn();
          // Fifteen go behind it (sixteen to a connection at most); the next waits.
          const behind = Array.from({ length: 15 }, () => pool.fetchrow<{ pid: number }>(sleep, [0]));
          await turn();
          expect((await pool.stats()).mainThread).toMatchObject({ open: 1, busy: 1, waiting: 0 });
          const next = pool.fetchrow<{ pid: number }>(sleep, [0]);
          await turn();
          expect((await pool.stats()).mainThread).toMatchObject({ open: 1, busy: 1, waiting: 1 });
          const [a, ...rest] = await Promise.all([first, ...behind, next]);
          for (const b of rest) expect(b!.pid).toBe(a!.pid);

          const timed = pool.fetchrow(sleep, [0.3], { timeout: 10_000 });
          await turn();
          const waits = pool.fetchrow(sleep, [0]);
          await turn();
          expect((await pool.stats()).mainThread).toMatchObject({ open: 1, busy: 1, waiting: 1 });
          await Promise.all([timed, waits]);

          // Behind the BEGIN the INSERT would run inside its transaction, lost when that connection is closed.
          const begin = pool.query('begin');
          await turn();
          const inserted = pool.execute(insert, [99]);
          await Promise.all([begin, inserted]);
        } finally {
          await held.return?.();
        }
        expect(await pool.fetchval(`select count(*)::int from ${table} where id = 99`)).toBe(1);
      } finally {
        await pool.execute(`drop table ${table}`);
      }
    });
  });

  it('put a call made in the turn of a call gone behind a running one into the same write, not onto the least busy connection', async () => {
    await withPool({ workers: 1, connectionsPerWorker: 1, mainThreadConnections: 2 }, async (pool) => {
      const sleep = 'select pg_backend_pid() as pid, pg_sleep($1::float8) as slept';
      // Learned: a small result that leaves no transaction open, so calls may go behind it, and
      // slower than quick, so two calls made at once take a connection each.
      for (let i = 0; i < 2; i++) await pool.fetchrow(sleep, [0.02]);
      // The worker's one connection is held by a stream: the calls below stay on the main thread's.
      const held = pool.stream('select i from generate_series(1, 1000000) as i', [], { highWaterMark: 1 })[Symbol.asyncIterator]();
      expect((await held.next()).done).toBe(false);
      try {
        // Each main-thread connection runs one slow call.
        const slow = [pool.fetchrow<{ pid: number }>(sleep, [0.3]), pool.fetchrow<{ pid: number }>(sleep, [0.3])];
        await waitFor(async () => ((await pool.stats()).mainThread.busy === 2 ? true : undefined), 5000, 'both main-thread connections busy');
        // The first call goes behind one of them and waits for the write at the end of this turn;
        // once it has been submitted (the microtasks it started have run, still in this turn), the
        // second joins that write rather than going behind the other connection's call.
        const first = pool.fetchrow<{ pid: number }>(sleep, [0]);
        await new Promise((resolve) => process.nextTick(resolve));
        const second = pool.fetchrow<{ pid: number }>(sleep, [0]);
        const [a, b, x, y] = await Promise.all([...slow, first, second]);
        expect(a!.pid).not.toBe(b!.pid);
        expect([a!.pid, b!.pid]).toContain(x!.pid);
        expect(y!.pid).toBe(x!.pid);
      } finally {
        await held.return?.();
      }
    });
  });

  it('put a call behind a few calls of a statement seen to be quick rather than on an idle connection, never behind one seen to be slow', async () => {
    await withPool({ workers: 1, connectionsPerWorker: 1, mainThreadConnections: 2 }, async (pool) => {
      const sleep = 'select pg_backend_pid() as pid, pg_sleep($1::float8) as slept';
      const quick = 'select pg_backend_pid() as pid, $1::int as n';
      // Learned slow (20 ms a run, past quick): two calls at once open both main-thread connections.
      for (let i = 0; i < 2; i++) await pool.fetchrow(sleep, [0.02]);
      await Promise.all([pool.fetchrow(sleep, [0.02]), pool.fetchrow(sleep, [0.02])]);
      expect((await pool.stats()).mainThread).toMatchObject({ open: 2, idle: 2 });

      // Behind a call of a slow statement the next waits for nothing: it takes the idle connection.
      const [slow, next] = await Promise.all([pool.fetchrow<{ pid: number }>(sleep, [0.2]), pool.fetchrow<{ pid: number }>(sleep, [0])]);
      expect(next!.pid).not.toBe(slow!.pid);

      // A quick statement's calls made at once share one connection (its write and its read). How
      // long a run takes depends on this machine's load: learn again until a run was quick.
      await waitFor(async () => {
        await pool.fetchrow(quick, [0]);
        const rows = await Promise.all([1, 2, 3].map((n) => pool.fetchrow<{ pid: number; n: number }>(quick, [n])));
        expect(rows.map((row) => row!.n)).toEqual([1, 2, 3]);
        return new Set(rows.map((row) => row!.pid)).size === 1 ? true : undefined;
      }, 10_000, 'three calls of a quick statement on one connection');
      expect((await pool.stats()).mainThread.open).toBe(2);
    });
  });

  it('pipeline no more calls on a connection than maxQueriesPerConnection leaves it', async () => {
    await withPool({ workers: 1, connectionsPerWorker: 1, mainThreadConnections: 1, maxQueriesPerConnection: 3 }, async (pool) => {
      const sleep = 'select pg_backend_pid() as pid, pg_sleep($1::float8) as slept';
      // Learned: a small result that leaves no transaction open, so calls may go behind it.
      for (let i = 0; i < 2; i++) await pool.fetchrow(sleep, [0]);
      const rows = await Promise.all(Array.from({ length: 8 }, (_, i) => pool.fetchrow<{ pid: number }>(sleep, [i === 0 ? 0.2 : 0])));
      const callsPerBackend = new Map<number, number>();
      for (const row of rows) callsPerBackend.set(row!.pid, (callsPerBackend.get(row!.pid) ?? 0) + 1);
      for (const [pid, calls] of callsPerBackend) expect(calls, `backend ${pid}`).toBeLessThanOrEqual(3);
      expect((await pool.stats()).mainThread.calls).toBeGreaterThan(1);
    });
  });

  it('send a call to a free worker connection when all are busy and the main thread has time to spare', async () => {
    await withPool({ workers: 1, connectionsPerWorker: 2, mainThreadConnections: 1 }, async (pool) => {
      const sleep = 'select pg_sleep($1::float8), $2::int as answer';
      await pool.fetch(sleep, [0, 0]);
      await pool.fetch(sleep, [0, 0]);
      const long = pool.fetchval(sleep, [0.5, 1], 1);
      // The main thread idles while the long call waits on the server.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const before = await pool.stats();
      expect(await within(pool.fetchval(sleep, [0, 2], 1), 400, 'the call placed beside the busy main-thread connection')).toBe(2);
      const after = await pool.stats();
      expect(after.mainThread.calls).toBe(before.mainThread.calls);
      expect(after.completed).toBe(before.completed + 1);
      expect(await long).toBe(1);
    });
  });

  it("raise the server's own error and stay usable", async () => {
    await withPool({}, async (pool) => {
      const divide = 'select 10 / $1::int';
      await pool.fetchval(divide, [5]);
      expect(await pool.fetchval(divide, [2])).toBe(5);
      const error = await rejectionOf(pool.fetchval(divide, [0]));
      expect(error).toBeInstanceOf(PostgresError);
      expect((error as PostgresError).code).toBe('22012');
      expect((error as PostgresError & { query?: string }).query).toBe(divide);
      expect(await pool.fetchval(divide, [1])).toBe(10);
      expect((await pool.stats()).mainThread).toMatchObject({ open: 1, busy: 0 });
    });
  });

  it('are opened with the connect callback and init, and follow maxQueriesPerConnection and expireConnections', async () => {
    let asked = 0;
    const options: PoolOptions = {
      init: "set application_name = 'pgloom_main_init'",
      maxQueriesPerConnection: 3,
      connect: () => ({ options: `-c work_mem=${64 + ++asked}kB` }),
    };
    await withPool(options, async (pool) => {
      await pool.fetchval('select pg_backend_pid()');
      const askedByWorker = asked;
      const pids: number[] = [];
      for (let i = 0; i < 6; i++) pids.push((await pool.fetchval<number>('select pg_backend_pid()'))!);
      expect(new Set(pids.slice(0, 3)).size).toBe(1);
      expect(new Set(pids).size).toBe(2);
      expect(asked).toBe(askedByWorker + 2);
      const settings = 'select current_setting($1)';
      await pool.fetchval(settings, ['application_name']);
      expect(await pool.fetchval(settings, ['application_name'])).toBe('pgloom_main_init');
      expect(await pool.fetchval(settings, ['work_mem'])).toMatch(/^\d+kB$/);
      const before = await pool.fetchval<number>('select pg_backend_pid()');
      await pool.expireConnections();
      expect(await pool.fetchval<number>('select pg_backend_pid()')).not.toBe(before);
    });
  });

  it('are closed once idle past maxInactiveConnectionLifetime, and opened again when needed', async () => {
    await withPool({ maxInactiveConnectionLifetime: 300 }, async (pool) => {
      const pid = 'select pg_backend_pid()';
      await pool.fetchval(pid);
      const lanePid = await pool.fetchval<number>(pid);
      expect(await mainThreadOpen(pool)).toBe(1);
      await withWatcher(async (watcher) => {
        await waitFor(async () => ((await mainThreadOpen(pool)) === 0 ? true : undefined), 5000, 'the idle main-thread connection closed');
        await waitFor(async () => ((await watcher.fetchval<number>('select count(*)::int from pg_stat_activity where pid = $1', [lanePid])) === 0 ? true : undefined), 5000, 'its backend gone');
      });
      expect(await pool.fetchval<number>(pid)).not.toBe(lanePid);
      expect(await mainThreadOpen(pool)).toBe(1);
    });
  });

  it('never run a statement with a custom codec set, nor one left in a transaction', async () => {
    await withPool({}, async (pool) => {
      await pool.setTypeCodec<string>('int4', { format: 'text', encoder: String, decoder: (text) => `int4:${text}` });
      for (let i = 0; i < 3; i++) expect(await pool.fetchval('select $1::int4 + 1', [i])).toBe(`int4:${i + 1}`);
      expect(await mainThreadOpen(pool)).toBe(0);
      // Without it the main thread serves again.
      await pool.resetTypeCodec('int4');
      for (let i = 0; i < 2; i++) expect(await pool.fetchval('select $1::int4 + 1', [i])).toBe(i + 1);
      expect((await pool.stats()).mainThread).toMatchObject({ open: 1, calls: 2 });
    });
    await withPool({}, async (pool) => {
      await pool.execute('begin');
      await pool.execute('begin');
      // A main-thread connection left inside a transaction is closed, not handed to the next call.
      expect(await mainThreadOpen(pool)).toBe(0);
      await pool.fetchval('select txid_current_if_assigned()');
      expect(await pool.fetchval('select txid_current_if_assigned()')).toBeNull();
    });
  });

  it('forget introspected types on pool.reloadSchemaState()', async () => {
    const schema = `pgloom_main_${process.pid}`;
    await withPool({}, async (pool) => {
      await pool.execute(`drop schema if exists ${schema} cascade; create schema ${schema}; create type ${schema}.growing as (a int4);
        create table ${schema}.holder (g ${schema}.growing); insert into ${schema}.holder values (row(1))`);
      try {
        const sql = `select g from ${schema}.holder`;
        expect(await pool.fetchval(sql)).toEqual({ a: 1 });
        expect(await pool.fetchval(sql)).toEqual({ a: 1 });
        expect(await mainThreadOpen(pool)).toBe(1);
        await pool.execute(`alter type ${schema}.growing add attribute b text; update ${schema}.holder set g = row(1, 'new')`);
        await pool.reloadSchemaState();
        // A statement new to the pool: its first run is in a worker, its second on the main thread,
        // whose connection knew the type from before the ALTER.
        const after = `select g, 1 as one from ${schema}.holder`;
        expect(await pool.fetchrow(after)).toEqual({ g: { a: 1, b: 'new' }, one: 1 });
        const callsBefore = (await pool.stats()).mainThread.calls;
        expect(await pool.fetchrow(after)).toEqual({ g: { a: 1, b: 'new' }, one: 1 });
        expect((await pool.stats()).mainThread).toMatchObject({ open: 1, calls: callsBefore + 1 });
        expect(await pool.fetchval(sql)).toEqual({ a: 1, b: 'new' });
      } finally {
        await pool.execute(`drop schema ${schema} cascade`);
      }
    });
  });

  it('take a COPY of records or columns when one is free, with the workers as its fallback', async () => {
    await withPool({ mainThreadConnections: 1 }, async (pool) => {
      const table = `pgloom_main_copy_${process.pid}`;
      await pool.execute(`create table ${table} (id int4, at timestamptz, note text)`);
      try {
        const at = new Date('2024-02-29T12:34:56.789Z');
        const records = Array.from({ length: 3000 }, (_, i) => [i, at, i % 7 === 0 ? null : `n${i}`]);
        const before = (await pool.stats()).mainThread.calls;
        expect(await pool.copyRecordsToTable(table, { records })).toBe('COPY 3000');
        expect(await pool.copyColumnsToTable(table, { columns: { id: Int32Array.from([5000, 5001]), at: [at, null], note: ['x', ''] } })).toBe('COPY 2');
        expect((await pool.stats()).mainThread.calls).toBe(before + 2);
        // The one main-thread connection busy: the next COPY goes through a worker, at once.
        const sleep = 'select pg_sleep($1::float8)';
        await pool.execute(sleep, [0]);
        await pool.execute(sleep, [0]);
        const busy = pool.execute(sleep, [0.4]);
        expect(await within(pool.copyRecordsToTable(table, { records: [[6000, at, 'w']] }), 350, 'the COPY through a worker')).toBe('COPY 1');
        await busy;
        const summary = await pool.fetchrow<{ n: bigint; nulls: bigint; sum: bigint; ats: bigint }>(
          `select count(*) as n, count(*) filter (where note is null) as nulls, sum(id) as sum, count(distinct at) as ats from ${table}`);
        expect(summary).toEqual({ n: 3003n, nulls: BigInt(Math.ceil(3000 / 7)), sum: BigInt((2999 * 3000) / 2 + 5000 + 5001 + 6000), ats: 1n });
        // A refused COPY leaves the connection serving.
        await expect(pool.copyRecordsToTable(table, { records: [[1, 'not a date', null]] })).rejects.toThrow();
        expect(await pool.fetchval(`select count(*) from ${table}`)).toBe(3003n);
      } finally {
        await pool.execute(`drop table ${table}`);
      }
    });
  });

  it('are closed with the pool', async () => {
    await withWatcher(async (watcher) => {
      const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, applicationName: 'pgloom_main_close' });
      await pool.fetchval('select 1');
      await pool.fetchval('select 1');
      expect(await mainThreadOpen(pool)).toBe(1);
      await within(pool.close(), 5000, 'pool.close()');
      await waitFor(async () => ((await watcher.fetchval<bigint>("select count(*) from pg_stat_activity where application_name = 'pgloom_main_close'")) === 0n ? true : undefined), 5000, 'the backends to end');
      expect(await rejectionOf(pool.fetchval('select 1'))).toBeInstanceOf(Error);
    });
  });

  it('are not used with mainThreadConnections: 0', async () => {
    await withPool({ mainThreadConnections: 0 }, async (pool) => {
      for (let i = 0; i < 3; i++) await pool.fetchval('select 1');
      expect(await mainThreadOpen(pool)).toBe(0);
    });
  });
});
