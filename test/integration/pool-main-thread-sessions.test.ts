// Pinned sessions (acquire, withConnection, transaction) on the pool's main-thread connections:
// every call inline, reset on release as a worker's session is, counted in stats().mainThread, and
// a worker's connection whenever none of the main thread's is free.

import { describe, expect, it } from 'vitest';
import { ConnectionError, createPool, PostgresError, type Pool, type PooledConnection, type PoolOptions, type PostgresErrorFields } from '../../src/main/index.js';
import { rejectionOf, shutDown, waitFor, within } from '../support/deadlines.js';
import { connectToTestServer, testDsn, uniqueTable } from '../support/server.js';

async function withPool<T>(options: PoolOptions, fn: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, mainThreadConnections: 1, ...options });
  try {
    return await fn(pool);
  } finally {
    await shutDown(pool);
  }
}

/** Once the released session's reset has run and its connection is free again. */
const mainThreadIdle = (pool: Pool) => waitFor(async () => {
  const { mainThread } = await pool.stats();
  return mainThread.busy === 0 && mainThread.idle === mainThread.open ? mainThread : undefined;
}, 3000, 'the main-thread connection free again');

/** Keep this thread on the CPU for `ms`: long enough, and the lane's reading of its utilization (since the pool started) says busy. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe("pinned sessions on the pool's main-thread connections", () => {
  it('a call made inside a main-thread session is not stalled by the connections sessions pin: none given back, it goes to a worker (3 fresh pools)', async () => {
    for (let round = 0; round < 3; round++) {
      await withPool({}, async (pool) => {
        const small = 'select $1::int4 as n';
        expect(await pool.fetchval(small, [1])).toBe(1);
        const answer = pool.withConnection(async (connection) => {
          expect(await connection.fetchval('select 1')).toBe(1);
          // A busy main thread makes a call wait for a main-thread connection rather than take a worker's.
          busyFor(800);
          return pool.fetchval(small, [2]);
        });
        expect(await within(answer, 5000, `round ${round}: a learned statement called inside the session`)).toBe(2);
        expect((await pool.stats()).mainThread.handedOff).toBe(1);
      });
    }
  });

  it('a session waits for the main-thread connection another session pins while the main thread is busy, and takes it when that session ends', async () => {
    await withPool({}, async (pool) => {
      const started = performance.now();
      const first = await pool.acquire();
      const lanePid = first.processId;
      expect((await pool.stats()).mainThread.pinned).toBe(1);
      // Busy for longer than the pool has lived: the lane's reading of the event loop (since the pool started) says busy.
      busyFor(performance.now() - started + 100);
      const second = pool.acquire();
      expect((await pool.stats()).mainThread.waiting).toBe(1);
      // Released while the second waits: a session that ends gives its connection back by itself, so the wait is no stall.
      await first.release();
      const session = await within(second, 5000, 'the second session');
      try {
        expect(session.processId).toBe(lanePid);
        const stats = await pool.stats();
        expect(stats.connections.pinned).toBe(0);
        expect(stats.mainThread).toMatchObject({ pinned: 1, handedOff: 0 });
      } finally {
        await session.release();
      }
    });
  });

  it('one transaction after another, and a call after each, all run on the main-thread connection whose reset is still under way', async () => {
    await withPool({}, async (pool) => {
      const small = 'select $1::int4 as n';
      expect(await pool.fetchval(small, [0])).toBe(0);
      const pids = new Set<number>();
      for (let i = 1; i <= 20; i++) {
        // The caller moves on as soon as the COMMIT is answered; the reset sent with it may still be on its way.
        pids.add(await pool.transaction(async (connection) => connection.processId));
        expect(await pool.fetchval(small, [i])).toBe(i);
        const { acquired, release } = await pool.acquire().then((connection) => ({ acquired: connection.processId, release: () => connection.release() }));
        pids.add(acquired);
        await release();
      }
      expect(pids.size).toBe(1);
      const stats = await pool.stats();
      // The first run of `small` was the workers' only call.
      expect(stats.completed).toBe(1);
      expect(stats.mainThread.calls).toBe(60);
    });
  });

  it('under a mix of one-shot calls and transactions with calls inside them, fewer than the connections, every call ends with its own answer (3 fresh pools)', async () => {
    // 2 main-thread + 2 worker connections; at most 3 transactions at once, so a call inside one always has a connection to reach.
    for (let round = 0; round < 3; round++) {
      await withPool({ workers: 1, connectionsPerWorker: 2, mainThreadConnections: 2 }, async (pool) => {
        const small = 'select $1::int4 as n';
        expect(await pool.fetchval(small, [0])).toBe(0);
        let transactionsOpen = 0;
        const waitingForRoom: (() => void)[] = [];
        const transactionRoom = async () => {
          while (transactionsOpen >= 3) await new Promise<void>((resolve) => waitingForRoom.push(resolve));
          transactionsOpen++;
        };
        const leaveTransaction = () => {
          transactionsOpen--;
          waitingForRoom.shift()?.();
        };
        const task = async (i: number): Promise<number> => {
          if (i % 3 !== 0) return (await pool.fetchval<number>(small, [i]))!;
          await transactionRoom();
          try {
            return await pool.transaction(async (connection) => {
              expect(await connection.fetchval(small, [i])).toBe(i);
              // Now and then the main thread is busy, so that calls wait for its connections.
              if (i % 9 === 0) busyFor(15);
              return (await pool.fetchval<number>(small, [i]))!;
            });
          } finally {
            leaveTransaction();
          }
        };
        const all = Promise.all(Array.from({ length: 300 }, (_, i) => task(i)));
        expect(await within(all, 30_000, `round ${round}: 300 calls and transactions`)).toEqual(Array.from({ length: 300 }, (_, i) => i));
        // The last sessions' resets may still be on their way: then every connection is free, and nothing waits.
        expect(await mainThreadIdle(pool)).toMatchObject({ pinned: 0, waiting: 0 });
      });
    }
  });

  it("a session waiting for main-thread connections that sessions hold and do not end goes to a worker's", async () => {
    await withPool({}, async (pool) => {
      const started = performance.now();
      const first = await pool.acquire();
      try {
        busyFor(performance.now() - started + 100);
        const second = await within(pool.acquire(), 5000, 'the second session');
        try {
          expect(second.processId).not.toBe(first.processId);
          const stats = await pool.stats();
          expect(stats.connections.pinned).toBe(1);
          expect(stats.mainThread).toMatchObject({ pinned: 1, waiting: 0, handedOff: 1 });
          // Still usable as a session of its own.
          expect(await second.fetchval('select 2')).toBe(2);
        } finally {
          await second.release();
        }
      } finally {
        await first.release();
      }
    });
  });

  it('withConnection pins one; release resets it (settings, prepared statements, an open transaction) for the next session', async () => {
    await withPool({}, async (pool) => {
      const pid = await pool.withConnection(async (connection) => {
        const stats = await pool.stats();
        expect(stats.mainThread).toMatchObject({ open: 1, busy: 1, pinned: 1 });
        expect(stats.connections.pinned).toBe(0);
        await connection.execute("SET application_name = 'pinned_on_main'");
        const statement = await connection.prepare('select $1::int4 + 1 as next', { name: 'main_thread_session_stmt' });
        expect(await statement.fetchval([41])).toBe(42);
        await connection.execute('BEGIN');
        expect(connection.transactionStatus).toBe('transaction');
        return connection.processId;
      });
      await mainThreadIdle(pool);
      await pool.withConnection(async (connection) => {
        // One main-thread connection: the same backend, as the last session left it after the reset.
        expect(connection.processId).toBe(pid);
        expect(connection.transactionStatus).toBe('idle');
        expect(await connection.fetchval("select current_setting('application_name')")).toBe('');
        expect(await connection.fetchval("select count(*)::int from pg_prepared_statements where name = 'main_thread_session_stmt'")).toBe(0);
      });
      expect((await pool.stats()).mainThread.calls).toBe(2);
    });
  });

  it('transaction() commits when the callback returns and rolls back when it throws', async () => {
    const table = uniqueTable('main_thread_tx');
    await withPool({}, async (pool) => {
      await pool.execute(`create table ${table} (id int4 primary key)`);
      try {
        await pool.transaction(async (connection) => {
          expect((await pool.stats()).mainThread.pinned).toBe(1);
          await connection.execute(`insert into ${table} values (1)`);
        });
        const failed = await rejectionOf(pool.transaction(async (connection) => {
          await connection.execute(`insert into ${table} values (2)`);
          await connection.execute(`insert into ${table} values (1)`);
        }));
        expect(failed).toBeInstanceOf(PostgresError);
        expect((failed as PostgresError).code).toBe('23505');
        expect(await pool.fetch(`select id from ${table} order by id`)).toEqual([{ id: 1 }]);
        // The connection is fit for the next call: nothing of the failed transaction is left.
        await mainThreadIdle(pool);
        expect(await pool.transaction((connection) => connection.fetchval(`select count(*)::int from ${table}`))).toBe(1);
      } finally {
        await pool.execute(`drop table ${table}`);
      }
    });
  });

  it('transaction() resets its connection with the COMMIT or ROLLBACK: whatever ended it, the next session finds none of its session state', async () => {
    const table = uniqueTable('main_thread_tx_reset');
    await withPool({}, async (pool) => {
      await pool.execute(`create table ${table} (id int4 primary key deferrable initially deferred)`);
      try {
        const leaveState = async (connection: PooledConnection) => {
          await connection.execute("SET application_name = 'left_by_transaction'");
          await connection.execute('LISTEN main_thread_tx_reset');
          await connection.execute('select pg_advisory_lock(4242)');
          return connection.processId;
        };
        const committed = await pool.transaction(leaveState);
        const thrown = await rejectionOf(pool.transaction(async (connection) => {
          await leaveState(connection);
          throw new Error('the callback failed');
        }));
        expect((thrown as Error).message).toBe('the callback failed');
        // The deferred key check fails the COMMIT itself.
        const failedCommit = await rejectionOf(pool.transaction(async (connection) => {
          await leaveState(connection);
          await connection.execute(`insert into ${table} values (1), (1)`);
        }));
        expect((failedCommit as PostgresError).code).toBe('23505');
        await mainThreadIdle(pool);
        await pool.withConnection(async (connection) => {
          expect(connection.processId).toBe(committed);
          expect(await connection.fetchval("select current_setting('application_name')")).toBe('');
          expect(await connection.fetchval('select count(*)::int from pg_listening_channels()')).toBe(0);
          expect(await connection.fetchval("select count(*)::int from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()")).toBe(0);
          expect(connection.transactionStatus).toBe('idle');
        });
      } finally {
        await pool.execute(`drop table ${table}`);
      }
    });
    // The pool's own reset SQL goes with the COMMIT too; with none ('' ), nothing but the COMMIT runs.
    for (const [reset, expected] of [["SET application_name = 'set_by_reset'", 'set_by_reset'], ['', 'left_by_transaction']] as const) {
      await withPool({ reset }, async (pool) => {
        await pool.transaction((connection) => connection.execute("SET application_name = 'left_by_transaction'"));
        await mainThreadIdle(pool);
        expect(await pool.withConnection((connection) => connection.fetchval("select current_setting('application_name')"))).toBe(expected);
      });
    }
  });

  it("a session waits for the main-thread connection a one-shot call holds while the main thread is busy, rather than take a worker's", async () => {
    await withPool({}, async (pool) => {
      const started = performance.now();
      const lanePid = await pool.withConnection(async (connection) => connection.processId);
      await mainThreadIdle(pool);
      // Not 'select pg_sleep(…': other files count those in pg_stat_activity.
      const sleep = 'select pg_catalog.pg_sleep($1::float8)::text as slept';
      // Its first run (in a worker) shows its result small: it runs on the main thread from then on.
      await pool.fetchval(sleep, [0]);
      const running = pool.fetchval(sleep, [0.3]);
      await waitFor(async () => ((await pool.stats()).mainThread.busy === 1 ? true : undefined), 3000, 'the one-shot call on the main-thread connection');
      // Busy for longer than the pool has lived: the lane's reading of the event loop (since the pool started) says busy.
      busyFor(performance.now() - started + 100);
      const session = pool.transaction(async (connection) => ({ pid: connection.processId, workerSessions: (await pool.stats()).connections.pinned }));
      expect(await running).toBe('');
      expect(await within(session, 5000, 'the session')).toEqual({ pid: lanePid, workerSessions: 0 });
    });
  });

  it("a session takes a worker's connection when every main-thread one is pinned, or while a custom codec is set", async () => {
    await withPool({}, async (pool) => {
      const first = await pool.acquire();
      try {
        const second = await pool.acquire();
        try {
          expect(second.processId).not.toBe(first.processId);
          const stats = await pool.stats();
          expect(stats.mainThread.pinned).toBe(1);
          expect(stats.connections.pinned).toBe(1);
        } finally {
          await second.release();
        }
      } finally {
        await first.release();
      }
      await mainThreadIdle(pool);
      await pool.setTypeCodec('int4', { format: 'text', decoder: (text: string) => Number(text) * 10, encoder: (value: number) => String(value / 10) });
      try {
        await pool.withConnection(async (connection) => {
          expect(await connection.fetchval('select 4::int4')).toBe(40);
          const stats = await pool.stats();
          expect(stats.mainThread.pinned).toBe(0);
          expect(stats.connections.pinned).toBe(1);
        });
      } finally {
        await pool.resetTypeCodec('int4');
      }
    });
  });

  it('hears its NOTIFYs and notices, and reports its connection lost; the pool opens another', async () => {
    await withPool({}, async (pool) => {
      const session = await pool.acquire();
      const payloads: string[] = [];
      const notices: PostgresErrorFields[] = [];
      let lost: Error | undefined | 'not yet' = 'not yet';
      try {
        await session.listen('main_thread_channel', (notification) => payloads.push(notification.payload));
        session.addLogListener((notice) => notices.push(notice));
        session.addTerminationListener((_connection, error) => (lost = error));
        const notifier = await connectToTestServer();
        try {
          await notifier.execute("select pg_notify('main_thread_channel', 'one')");
          await waitFor(async () => (payloads.length > 0 ? payloads : undefined), 3000, 'the NOTIFY on the pinned session');
          expect(payloads).toEqual(['one']);
          await session.execute("do $$ begin raise notice 'from the main thread'; end $$");
          expect(notices.map((notice) => notice.message)).toContain('from the main thread');
          await notifier.execute('select pg_terminate_backend($1)', [session.processId]);
          await waitFor(async () => (lost === 'not yet' ? undefined : lost), 3000, 'the termination listener');
        } finally {
          await notifier.close();
        }
        expect(lost).toBeInstanceOf(ConnectionError);
        expect(session.closed).toBe(true);
        expect(await rejectionOf(session.fetchval('select 1'))).toBeInstanceOf(ConnectionError);
      } finally {
        await session.release();
      }
      await mainThreadIdle(pool);
      const killed = session.processId;
      expect(await within(pool.withConnection((connection) => Promise.resolve(connection.processId)), 5000, 'a session after the loss')).not.toBe(killed);
    });
  });
});
