// Pinned sessions through the pool: acquire/release, transactions, cursors, LISTEN, hooks.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createPool, InterfaceError, UniqueViolationError, type Connection, type Pool, type PoolNotification } from '../../src/main/index.js';
import { connectToTestServer, testDsn, uniqueTable } from '../support/server.js';

describe('pinned sessions', () => {
  let pool: Pool;
  let direct: Connection;
  const table = uniqueTable('pool_session');
  beforeAll(async () => {
    pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 2, init: "SET application_name = 'pgloom-pool-test'" });
    direct = await connectToTestServer();
    await direct.execute(`create table ${table} (id int primary key, note text)`);
  });
  afterAll(async () => {
    await direct?.execute(`drop table if exists ${table}`);
    await pool?.close();
    await direct?.close();
  });

  it('acquire pins one backend until release, which resets the session', async () => {
    const session = await pool.acquire();
    const pid = session.processId;
    await session.execute("SET search_path = 'pinned_schema'");
    expect(await session.fetchval('show search_path')).toBe('pinned_schema');
    expect(await session.fetchval('select pg_backend_pid()')).toBe(pid);
    expect(await session.fetchval("select current_setting('application_name')")).toBe('pgloom-pool-test');
    await session.release();
    await expect(session.fetch('select 1')).rejects.toThrow(InterfaceError);
    // Whichever backend serves next, the SET did not leak.
    const settings = await Promise.all([pool.fetchval('show search_path'), pool.fetchval('show search_path')]);
    expect(settings.every((s) => s !== 'pinned_schema')).toBe(true);
  });

  it('transaction commits on return and rolls back on throw, with savepoints when nested', async () => {
    await pool.transaction(async (tx) => {
      await tx.execute(`insert into ${table} values ($1, $2)`, [1, 'kept']);
      await tx.transaction(async (inner) => {
        await inner.execute(`insert into ${table} values ($1, $2)`, [2, 'also kept']);
      });
      await tx.transaction(async (inner) => {
        await inner.execute(`insert into ${table} values ($1, $2)`, [3, 'rolled back']);
        await inner.execute(`insert into ${table} values ($1, $2)`, [1, 'duplicate']);
      }).catch((error: unknown) => expect(error).toBeInstanceOf(UniqueViolationError));
    });
    await expect(pool.transaction(async (tx) => {
      await tx.execute(`insert into ${table} values ($1, $2)`, [4, 'lost']);
      throw new Error('changed my mind');
    })).rejects.toThrow('changed my mind');
    expect(await direct.fetch(`select id from ${table} order by id`)).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('transaction options reach the server', async () => {
    const level = await pool.transaction((tx) => tx.fetchval<string>('show transaction_isolation'), { isolation: 'serializable', readOnly: true });
    expect(level).toBe('serializable');
  });

  it('cursor iterates every row a prefetch at a time and frees the portal when left early', async () => {
    const seen: number[] = [];
    for await (const row of pool.cursor<{ i: number }>('select i from generate_series(1, 1234) as i', [], { prefetch: 100 })) seen.push(row.i);
    expect(seen).toEqual(Array.from({ length: 1234 }, (_, i) => i + 1));
    await pool.withConnection(async (session) => {
      await session.transaction(async () => {
        let taken = 0;
        for await (const row of session.cursor('select i from generate_series(1, 1000) as i', [], { prefetch: 10 })) {
          if (++taken === 15 || row === undefined) break;
        }
        expect(await session.fetchval<bigint>("select count(*) from pg_cursors where name like 'pgloom_cursor%'")).toBe(0n);
      });
    });
  });

  it('listen delivers NOTIFY payloads to the handler until unlisten', async () => {
    const received: PoolNotification[] = [];
    const channel = `pgloom chan ${process.pid}`;
    await pool.listen(channel, (n) => received.push(n));
    await direct.execute(`select pg_notify($1, 'first')`, [channel]);
    await direct.execute(`select pg_notify($1, 'second')`, [channel]);
    for (let i = 0; i < 200 && received.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received.map((n) => n.payload)).toEqual(['first', 'second']);
    expect(received[0].channel).toBe(channel);
    await pool.unlisten(channel);
    await direct.execute(`select pg_notify($1, 'third')`, [channel]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toHaveLength(2);
  });

  it('withConnection releases the connection even when the callback throws', async () => {
    await expect(pool.withConnection(async () => {
      throw new Error('boom');
    })).rejects.toThrow('boom');
    // release() does not wait for the worker's reset: the connection is free once that is done.
    const deadline = Date.now() + 5000;
    while ((await pool.stats()).busy !== 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    expect((await pool.stats()).busy).toBe(0);
    expect((await pool.stats()).connections.idle).toBeGreaterThan(0);
  });
});

describe('connect({ worker: true })', () => {
  it('runs one connection in a worker thread of its own', async () => {
    const db = await connect(testDsn(), { worker: true });
    try {
      expect(await db.fetchval('select $1::int4 * 2', [21])).toBe(42);
      const result = await db.query('select i from generate_series(1, 3) as i');
      expect(Array.from(result.column('i') as Int32Array)).toEqual([1, 2, 3]);
      await db.transaction(async (tx) => {
        expect(tx.transactionStatus).toBe('transaction');
      });
      // Its codecs are its own pool's.
      await db.setTypeCodec('int4', { format: 'text', encoder: String, decoder: (text) => `int4 ${text}` });
      expect(await db.fetchval('select 5::int4')).toBe('int4 5');
      await db.resetTypeCodec('int4');
      expect(await db.fetchval('select 5::int4')).toBe(5);
      await db.reloadSchemaState();
    } finally {
      await db.close();
    }
  });

  it("a connection acquired from a pool points to the pool's codecs", async () => {
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1 });
    try {
      await pool.withConnection(async (connection) => {
        await expect(connection.setTypeCodec('int4', { format: 'text', encoder: String, decoder: String })).rejects.toThrow(/pool\.setTypeCodec/);
      });
    } finally {
      await pool.close();
    }
  });
});

describe('setup and reset callbacks', () => {
  it('run on this thread with the pinned connection; a failing reset closes the connection', async () => {
    const calls: string[] = [];
    let failReset = false;
    const pool = createPool(testDsn(), {
      workers: 1,
      connectionsPerWorker: 1,
      // One connection in all, a worker's (the main thread's sessions: pool-main-thread.test.ts).
      mainThreadConnections: 0,
      setup: async (connection) => {
        calls.push(`setup ${connection.processId}`);
        await connection.execute("SET application_name = 'set-up'");
      },
      reset: async (connection) => {
        calls.push(`reset ${connection.processId}`);
        if (failReset) throw new Error('reset failed');
        await connection.execute('RESET ALL');
      },
    });
    try {
      const first = await pool.acquire();
      const pid = first.processId;
      expect(await first.fetchval("select current_setting('application_name')")).toBe('set-up');
      await first.release();
      expect(calls).toEqual([`setup ${pid}`, `reset ${pid}`]);
      // The reset ran: one-shot queries on the same backend see the default again.
      expect(await pool.fetchval("select current_setting('application_name') || ' ' || pg_backend_pid()")).toBe(` ${pid}`);

      failReset = true;
      const second = await pool.acquire();
      expect(second.processId).toBe(pid);
      await expect(second.release()).rejects.toThrow('reset failed');
      const third = await pool.acquire();
      expect(third.processId).not.toBe(pid);
      failReset = false;
      await third.release();
    } finally {
      await pool.close();
    }
  });

  it('init must be SQL', () => {
    expect(() => createPool(testDsn(), { init: (async () => undefined) as never })).toThrow(/init must be SQL/);
  });
});
