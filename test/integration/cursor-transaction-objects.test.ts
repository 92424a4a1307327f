// asyncpg's Cursor and Transaction objects, on connect() and pooled connections: a cursor moved
// by hand (fetch, fetchrow, forward) and closed on the server at its end; a transaction started,
// committed or rolled back without a callback; transaction() refused inside a BEGIN sent by hand.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, InterfaceError, type Connection, type Pool, type PooledConnection, type Session } from '../../src/main/index.js';
import { rejectionOf, shutDown } from '../support/deadlines.js';
import { connectToTestServer, testDsn, uniqueTable } from '../support/server.js';

describe('Cursor and Transaction objects', () => {
  let connection: Connection;
  let pool: Pool;
  let pinned: PooledConnection;
  const table = uniqueTable('tx_objects');

  beforeAll(async () => {
    connection = await connectToTestServer();
    pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 3 });
    pinned = await pool.acquire();
    await connection.execute(`create table ${table} (id int4 primary key)`);
  });

  afterAll(async () => {
    await pinned?.release();
    await connection?.execute(`drop table if exists ${table}`);
    await connection?.close();
    if (pool !== undefined) await shutDown(pool);
  });

  const sessions = (): [string, Session][] => [['connect()', connection], ['pool.acquire()', pinned]];

  it('an awaited cursor fetches, skips and reads rows one at a time, then is gone from pg_cursors', async () => {
    for (const [name, db] of sessions()) {
      const transaction = db.transaction();
      await transaction.start();
      const cursor = await db.cursor<{ i: number }>('select i from generate_series(1, $1::int4) i', [10]);
      expect(await db.fetchval('select count(*)::int4 from pg_cursors where name like $$pgloom%$$'), name).toBe(1);
      expect(await cursor.fetch(3), name).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);
      expect(await cursor.forward(2), name).toBe(2);
      expect(await cursor.fetchrow(), name).toEqual({ i: 6 });
      expect(await cursor.fetch(0), name).toEqual([]);
      expect(await cursor.forward(3), name).toBe(3);
      expect(await cursor.fetch(5), name).toEqual([{ i: 10 }]);
      expect(await cursor.fetchrow(), name).toBeNull();
      expect(await cursor.forward(5), name).toBe(0);
      expect(await db.fetchval('select count(*)::int4 from pg_cursors where name like $$pgloom%$$'), name).toBe(0);
      await transaction.commit();
    }
  });

  it('a cursor read to its end is closed on the server, so DROP TABLE in the same transaction works', async () => {
    for (const [name, db] of sessions()) {
      const scratch = uniqueTable('cursor_drop');
      await db.execute(`create table ${scratch} as select generate_series(1, 120) as i`);
      await db.transaction(async () => {
        let seen = 0;
        for await (const _row of db.cursor(`select i from ${scratch}`, [], { prefetch: 50 })) seen++;
        expect(seen, name).toBe(120);
        expect(await db.fetchval('select count(*)::int4 from pg_cursors where name like $$pgloom%$$'), name).toBe(0);
        await db.execute(`drop table ${scratch}`);
      });
      // The same for an awaited cursor whose rows fit in its first page, and one closed by hand.
      await db.transaction(async () => {
        const small = await db.cursor('select 1 as one');
        expect(await small.fetch(10), name).toEqual([{ one: 1 }]);
        const left = await db.cursor('select generate_series(1, 100)');
        await left.fetch(2);
        await left.close();
        expect(await rejectionOf(left.fetch(1)), name).toBeInstanceOf(InterfaceError);
        expect(await db.fetchval('select count(*)::int4 from pg_cursors where name like $$pgloom%$$'), name).toBe(0);
      });
    }
  });

  it('a cursor outside a transaction is an InterfaceError that says what to do', async () => {
    for (const [name, db] of sessions()) {
      const error = await rejectionOf(Promise.resolve(db.cursor('select 1')));
      expect(error, name).toBeInstanceOf(InterfaceError);
      expect((error as Error).message, name).toMatch(/needs a transaction/);
    }
  });

  it('prepared statements open cursors too', async () => {
    for (const [name, db] of sessions()) {
      const statement = await db.prepare('select i from generate_series(1, $1::int4) i');
      await db.transaction(async () => {
        const rows: number[] = [];
        for await (const row of statement.cursor<{ i: number }>([7], { prefetch: 3 })) rows.push(row.i);
        expect(rows, name).toEqual([1, 2, 3, 4, 5, 6, 7]);
        const cursor = await statement.cursor<{ i: number }>([5]);
        expect(await cursor.forward(4), name).toBe(4);
        expect(await cursor.fetch(3), name).toEqual([{ i: 5 }]);
      });
      await statement.close();
    }
  });

  it('a Transaction object commits, rolls back, and nests as savepoints', async () => {
    let id = 0;
    for (const [name, db] of sessions()) {
      const outer = db.transaction({ isolation: 'repeatable read' });
      expect(outer.state, name).toBe('new');
      await outer.start();
      expect(await db.fetchval('show transaction_isolation'), name).toBe('repeatable read');
      await db.execute(`insert into ${table} values ($1)`, [++id]);
      const inner = db.transaction();
      await inner.start();
      expect(inner.nested, name).toBe(true);
      await db.execute(`insert into ${table} values ($1)`, [++id]);
      await inner.rollback();
      // The outer transaction cannot end while an inner one is open; after, it commits.
      const innerOpen = db.transaction();
      await innerOpen.start();
      expect(await rejectionOf(outer.commit()), name).toBeInstanceOf(InterfaceError);
      await innerOpen.commit();
      await outer.commit();
      expect(outer.state, name).toBe('committed');
      expect(await rejectionOf(outer.commit()), name).toBeInstanceOf(InterfaceError);
      expect(await db.fetchval(`select array_agg(id order by id)::text from ${table} where id in ($1, $2)`, [id - 1, id]), name).toBe(`{${id - 1}}`);
      const rolledBack = db.transaction();
      await rolledBack.start();
      await db.execute(`insert into ${table} values ($1)`, [++id]);
      await rolledBack.rollback();
      expect(await db.fetchval(`select count(*)::int4 from ${table} where id = $1`, [id]), name).toBe(0);
      expect(db.transactionStatus, name).toBe('idle');
    }
  });

  it('transaction() inside a BEGIN sent by hand is refused, and the hand-made transaction is left as it was', async () => {
    for (const [name, db] of sessions()) {
      await db.execute('BEGIN');
      await db.execute(`insert into ${table} values (1000)`);
      let ran = false;
      const error = await rejectionOf(db.transaction(async () => {
        ran = true;
      }));
      expect(error, name).toBeInstanceOf(InterfaceError);
      expect((error as Error).message, name).toMatch(/already open .*BEGIN/);
      expect(ran, name).toBe(false);
      expect(await rejectionOf(db.transaction().start()), name).toBeInstanceOf(InterfaceError);
      // Still the user's own transaction: their ROLLBACK undoes the insert.
      expect(db.transactionStatus, name).toBe('transaction');
      await db.execute('ROLLBACK');
      expect(await db.fetchval(`select count(*)::int4 from ${table} where id = 1000`), name).toBe(0);
    }
  });

  it('pool.transaction() without a callback pins a connection until commit or rollback', async () => {
    const transaction = pool.transaction();
    expect(() => transaction.connection).toThrow(InterfaceError);
    await transaction.start();
    const pid = transaction.connection.processId;
    await transaction.connection.execute(`insert into ${table} values (2000)`);
    expect(await connection.fetchval(`select count(*)::int4 from ${table} where id = 2000`)).toBe(0);
    await transaction.commit();
    expect(transaction.connection.released).toBe(true);
    expect(await connection.fetchval(`select count(*)::int4 from ${table} where id = 2000`)).toBe(1);
    const undone = pool.transaction({ readOnly: false });
    await undone.start();
    await undone.connection.execute(`delete from ${table} where id = 2000`);
    await undone.rollback();
    expect(await connection.fetchval(`select count(*)::int4 from ${table} where id = 2000`)).toBe(1);
    expect(typeof pid).toBe('number');
  });
});
