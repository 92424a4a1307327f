// A cached statement that goes stale (a table altered or recreated under it): inside a
// transaction a typed InvalidCachedStatementError and a clean ROLLBACK, outside one a transparent
// retry; either way the statement is prepared again on its next use. connect() and the pool share
// the engine, so both are covered.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPool, FeatureNotSupportedError, InvalidCachedStatementError, PostgresError, type Connection, type Pool,
} from '../../src/main/index.js';
import { connectToTestServer, testDsn, uniqueTable, withConnection } from '../support/server.js';
import { rejectionOf, shutDown } from '../support/deadlines.js';

function expectInvalidCachedStatement(error: unknown, inTransaction = true): void {
  expect(error).toBeInstanceOf(InvalidCachedStatementError);
  expect(error).toBeInstanceOf(FeatureNotSupportedError);
  expect(error).toBeInstanceOf(PostgresError);
  const e = error as InvalidCachedStatementError;
  expect(e.code).toBe('0A000');
  expect(e.name).toBe('InvalidCachedStatementError');
  expect(e.message).toMatch(/cached plan must not change result type/);
  expect(e.message).toMatch(/ALTER … TYPE, or dropped and recreated/);
  expect(e.hint).toMatch(inTransaction ? /roll back and run the transaction again/ : /run the query again \(it was not retried because other queries were pipelined behind it\)/);
}

describe('a stale cached statement on a connect() connection', () => {
  let db: Connection;
  beforeAll(async () => {
    db = await connectToTestServer();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('inside a transaction: InvalidCachedStatementError, a clean ROLLBACK, and the statement prepared again next time', async () => {
    const table = uniqueTable('stale_alter');
    await db.execute(`create table ${table}(v int)`);
    await db.execute(`insert into ${table} values (1)`);
    const sql = `select v from ${table}`;
    expect(await db.fetch(sql)).toEqual([{ v: 1 }]);
    const error = await rejectionOf(db.transaction(async (tx) => {
      await tx.execute(`alter table ${table} alter column v type bigint`);
      await tx.fetch(sql);
    }));
    expectInvalidCachedStatement(error);
    expect(db.transactionStatus).toBe('idle');
    // The ALTER was rolled back with the transaction: v is int again, read by a fresh statement.
    expect(await db.fetch(sql)).toEqual([{ v: 1 }]);
    await db.execute(`alter table ${table} alter column v type bigint`);
    expect(await db.fetch(sql)).toEqual([{ v: 1n }]);
    await db.execute(`drop table ${table}`);
  });

  it('inside a transaction, a table dropped and recreated with another column type', async () => {
    const table = uniqueTable('stale_recreate');
    await db.execute(`create table ${table}(v int)`);
    const sql = `select * from ${table}`;
    await db.fetch(sql);
    await db.execute('BEGIN');
    await db.execute(`drop table ${table}`);
    await db.execute(`create table ${table}(v text)`);
    await db.execute(`insert into ${table} values ('x')`);
    expectInvalidCachedStatement(await rejectionOf(db.fetch(sql)));
    expect(db.transactionStatus).toBe('failed');
    // The ROLLBACK goes through cleanly: no stray reply from closing the stale statement.
    expect(await db.execute('ROLLBACK')).toBe('ROLLBACK');
    expect(await db.fetch(sql)).toEqual([]);
    await db.execute(`drop table ${table}`);
  });

  it('outside a transaction: retried once, transparently', async () => {
    const table = uniqueTable('stale_retry');
    await db.execute(`create table ${table}(v int)`);
    await db.execute(`insert into ${table} values (7)`);
    const sql = `select v from ${table}`;
    expect(await db.fetch(sql)).toEqual([{ v: 7 }]);
    await db.execute(`alter table ${table} alter column v type text`);
    expect(await db.fetch(sql)).toEqual([{ v: '7' }]);
    await db.execute(`drop table ${table}`);
  });

  it('outside a transaction with a query pipelined behind it: not retried out of order, typed, and the next queries run clean', async () => {
    const table = uniqueTable('stale_pipelined');
    await db.execute(`create table ${table}(v int)`);
    const sql = `select v from ${table}`;
    await db.fetch(sql);
    await db.execute(`alter table ${table} alter column v type bigint`);
    const [stale, behind] = await Promise.allSettled([db.fetch(sql), db.fetch('select 42 as answer')]);
    expect(stale.status).toBe('rejected');
    expectInvalidCachedStatement((stale as PromiseRejectedResult).reason, false);
    expect(behind).toEqual({ status: 'fulfilled', value: [{ answer: 42 }] });
    // The stale statement's Close goes ahead of the next query, whichever protocol that uses.
    expect(await db.execute('select 1')).toBe('SELECT 1');
    expect(await db.fetch(sql)).toEqual([]);
    await db.execute(`drop table ${table}`);
  });

  it('a statement evicted from a full cache is closed without disturbing the next query of any kind', async () => {
    await withConnection(async (small) => {
      await small.fetch('select 1 as a');
      await small.fetch('select 2 as b'); // evicts 'select 1': its Close goes ahead of the next query
      expect(await small.execute('select 3')).toBe('SELECT 1'); // the simple protocol
      await small.fetch('select 4 as c');
      await small.transaction(async (tx) => {
        const rows: unknown[] = [];
        for await (const row of tx.cursor('select generate_series(1, 3) as n', [], { prefetch: 2 })) rows.push(row);
        expect(rows).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
      });
      expect(await small.fetchval('select count(*)::int from pg_prepared_statements')).toBe(1);
    }, { statementCacheSize: 1 });
  });
});

describe('a stale cached statement through the pool', () => {
  let pool: Pool;
  beforeAll(() => {
    // One connection, so that every call meets the statement cached by the one before.
    pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1 });
  });
  afterAll(async () => {
    await shutDown(pool);
  });

  it('pool.query retries once outside a transaction', async () => {
    const table = uniqueTable('pool_stale_retry');
    await pool.execute(`create table ${table}(v int)`);
    await pool.execute(`insert into ${table} values (5)`);
    const sql = `select v from ${table}`;
    expect((await pool.query(sql)).rows).toEqual([{ v: 5 }]);
    await pool.execute(`alter table ${table} alter column v type bigint`);
    expect((await pool.query(sql)).rows).toEqual([{ v: 5n }]);
    await pool.execute(`drop table ${table}`);
  });

  it('pool.transaction: InvalidCachedStatementError crosses the thread, the ROLLBACK is clean, the pool stays usable', async () => {
    const table = uniqueTable('pool_stale_tx');
    await pool.execute(`create table ${table}(v int)`);
    await pool.execute(`insert into ${table} values (3)`);
    const sql = `select v from ${table}`;
    const error = await rejectionOf(pool.transaction(async (tx) => {
      expect(await tx.fetch(sql)).toEqual([{ v: 3 }]);
      await tx.execute(`alter table ${table} alter column v type bigint`);
      await tx.fetch(sql);
    }));
    expectInvalidCachedStatement(error);
    expect(await pool.fetch(sql)).toEqual([{ v: 3 }]);
    await pool.execute(`alter table ${table} alter column v type numeric`);
    expect(await pool.fetch(sql)).toEqual([{ v: '3' }]);
    await pool.execute(`drop table ${table}`);
  });
});
