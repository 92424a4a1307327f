// One query surface: every class that runs SQL takes the same calls, options and errors, and
// returns the same types (issue: one query API at asyncpg's level).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connect, createPool, InterfaceError, PostgresError, QueryTimeoutError, Result,
  type Connection, type LoggedQuery, type Pool, type PooledConnection,
} from '../../src/main/index.js';
import { rejectionOf, shutDown } from '../support/deadlines.js';
import { connectToTestServer, testDsn, uniqueTable } from '../support/server.js';

type Runner = Connection | Pool | PooledConnection;

describe('one query surface', () => {
  let connection: Connection;
  let pool: Pool;
  let pinned: PooledConnection;
  let inWorker: PooledConnection;
  const table = uniqueTable('query_api');

  beforeAll(async () => {
    connection = await connectToTestServer();
    pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 3 });
    pinned = await pool.acquire();
    inWorker = await connect(testDsn(), { worker: true });
    await connection.execute(`create table ${table} (id int4 primary key, name text)`);
  });

  afterAll(async () => {
    await pinned?.release();
    await inWorker?.close();
    await connection?.execute(`drop table if exists ${table}`);
    await connection?.close();
    if (pool !== undefined) await shutDown(pool);
  });

  const runners = (): [string, Runner][] => [
    ['connect()', connection],
    ['pool', pool],
    ['pool.acquire()', pinned],
    ["connect({ worker: true })", inWorker],
  ];

  it('every class answers the same calls with the same values', async () => {
    for (const [name, db] of runners()) {
      const sql = 'select i::int4 as n, i::text as t from generate_series(1, $1::int4) i';
      expect(await db.fetch(sql, [3]), name).toEqual([{ n: 1, t: '1' }, { n: 2, t: '2' }, { n: 3, t: '3' }]);
      expect(await db.fetch(sql, [2], { rowMode: 'array' }), name).toEqual([[1, '1'], [2, '2']]);
      expect(await db.fetchrow(sql, [2]), name).toEqual({ n: 1, t: '1' });
      expect(await db.fetchrow(sql, [0]), name).toBeNull();
      expect(await db.fetchval(sql, [2], 't'), name).toBe('1');
      expect(await db.fetchval(sql, [2], 1, { timeout: 5000 }), name).toBe('1');
      expect(await db.fetchval(sql, [0]), name).toBeNull();
      const result = await db.query(sql, [2], { timeout: 5000 });
      expect(result, name).toBeInstanceOf(Result);
      expect(result.command, name).toBe('SELECT 2');
      expect(result.rows, name).toEqual([{ n: 1, t: '1' }, { n: 2, t: '2' }]);
      expect(Array.from(result.column('n') as Int32Array), name).toEqual([1, 2]);
      expect(result.columns.map((c) => c.typeName), name).toEqual(['int4', 'text']);
      expect(await db.fetchmany('select $1::int4 * 10 as x', [[1], [2], [3]]), name).toEqual([{ x: 10 }, { x: 20 }, { x: 30 }]);
      expect(await db.fetchmany('select $1::int4 as x', []), name).toEqual([]);
      expect(await db.execute('select 1; select 2', [], { timeout: 5000 }), name).toBe('SELECT 1');
    }
  });

  it('fetchval of a statement with no result columns runs it and returns null', async () => {
    let id = 0;
    for (const [name, db] of runners()) {
      id++;
      expect(await db.fetchval(`insert into ${table} (id, name) values ($1, $2)`, [id, name]), name).toBeNull();
      expect(await connection.fetchval(`select name from ${table} where id = $1`, [id]), name).toBe(name);
    }
    const statement = await connection.prepare(`insert into ${table} (id, name) values ($1, 'prepared')`);
    expect(await statement.fetchval([100])).toBeNull();
    expect(await connection.fetchval(`select count(*)::int4 from ${table} where id = 100`)).toBe(1);
    await statement.close();
  });

  it('a column that does not exist is the same InterfaceError everywhere, naming the columns there are', async () => {
    for (const [name, db] of runners()) {
      const error = await rejectionOf(db.fetchval('select 1 as a', [], 'b'));
      expect(error, name).toBeInstanceOf(InterfaceError);
      expect((error as Error).message, name).toMatch(/no column "b".*\["a"\]/);
      // The same from a Result's column(), with rows or without.
      for (const result of [await db.query('select 1 as a'), await db.query('select 1 as a where false')]) {
        expect(() => result.column('b'), name).toThrow(InterfaceError);
      }
    }
  });

  it('bad arguments are the same InterfaceError everywhere, before anything is sent', async () => {
    for (const [name, db] of runners()) {
      expect(await rejectionOf(db.fetch('select 1', 'x' as unknown as unknown[])), name).toBeInstanceOf(InterfaceError);
      expect(await rejectionOf(db.fetch('select 1', [], { timeout: -1 })), name).toBeInstanceOf(InterfaceError);
      expect(await rejectionOf(db.fetch('select 1', [], { signal: {} as AbortSignal })), name).toBeInstanceOf(InterfaceError);
      expect(await rejectionOf(db.fetch('select 1', [], { rowMode: 'rows' as 'array' })), name).toBeInstanceOf(InterfaceError);
      expect(await rejectionOf(db.executemany('select $1::int4', [1] as unknown as unknown[][])), name).toBeInstanceOf(InterfaceError);
      expect(await rejectionOf(db.fetch(42 as unknown as string)), name).toBeInstanceOf(InterfaceError);
      expect(await db.fetchval('select 1'), name).toBe(1);
    }
  });

  it('a timeout on any call of any class rejects with QueryTimeoutError, and the next call runs', async () => {
    for (const [name, db] of runners()) {
      const error = await rejectionOf(db.fetchval('select pg_sleep(5)', [], 0, { timeout: 100 }));
      expect(error, name).toBeInstanceOf(QueryTimeoutError);
      expect(await db.fetchval('select 2'), name).toBe(2);
    }
  });

  it("errors carry the SQL that raised them as error.query, with password literals hidden", async () => {
    for (const [name, db] of runners()) {
      const error = await rejectionOf(db.fetch('select * from pgloom_no_such_table where x = $1', [1]));
      expect(error, name).toBeInstanceOf(PostgresError);
      expect((error as PostgresError).query, name).toBe('select * from pgloom_no_such_table where x = $1');
      const secret = await rejectionOf(db.execute("alter role pgloom_no_such_role password 'hunter2'"));
      expect((secret as PostgresError).query, name).toBe("alter role pgloom_no_such_role password '***'");
      expect(JSON.stringify(secret) + String(secret) + (secret as Error).stack, name).not.toContain('hunter2');
    }
  });

  it('query loggers hear every statement: SQL, parameter count, executions, time, rows and error', async () => {
    for (const [name, db] of runners()) {
      const logged: LoggedQuery[] = [];
      const logger = (query: LoggedQuery) => logged.push(query);
      db.addQueryLogger(logger);
      await db.fetch('select generate_series(1, $1::int4)', [4]);
      await db.executemany('select $1::int4, $2::text', [[1, 'a'], [2, 'b']]);
      await rejectionOf(db.execute("create role x password 'sekret' nologin; select 1/0"));
      db.removeQueryLogger(logger);
      await db.fetch('select 1');
      expect(logged.length, name).toBe(3);
      expect(logged[0], name).toMatchObject({ sql: 'select generate_series(1, $1::int4)', paramCount: 1, executions: 1, command: 'SELECT 4', rowCount: 4 });
      expect(logged[0].elapsedMs, name).toBeGreaterThan(0);
      expect(logged[1], name).toMatchObject({ paramCount: 2, executions: 2 });
      expect(logged[2].sql, name).toBe("create role x password '***' nologin; select 1/0");
      expect(logged[2].error, name).toBeInstanceOf(PostgresError);
    }
  });

  it('a query logger that throws does not fail the query', async () => {
    const logger = () => {
      throw new Error('logger bug');
    };
    connection.addQueryLogger(logger);
    try {
      expect(await connection.fetchval('select 7')).toBe(7);
    } finally {
      connection.removeQueryLogger(logger);
    }
  });

  it('prepared statements take the same calls: executemany, fetchmany, query, options', async () => {
    for (const db of [connection, pinned, inWorker]) {
      const insert = await db.prepare(`insert into ${table} (id, name) values ($1, $2) on conflict (id) do update set name = excluded.name`);
      await insert.executemany([[201, 'a'], [202, 'b']]);
      expect(await insert.execute([203, 'c'], { timeout: 5000 })).toBe('INSERT 0 1');
      const select = await db.prepare(`select name from ${table} where id = $1`);
      expect(select.columns.map((c) => c.name)).toEqual(['name']);
      expect(select.parameterTypes).toEqual([23]);
      expect(await select.fetchmany([[201], [202], [203]])).toEqual([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
      expect((await select.query([202])).rows).toEqual([{ name: 'b' }]);
      expect(await select.fetchval([203], 'name')).toBe('c');
      expect(await rejectionOf(select.fetchval([203], 0, { timeout: 0 }))).toBeInstanceOf(InterfaceError);
      const sleep = await db.prepare('select pg_sleep($1)');
      expect(await rejectionOf(sleep.fetch([5], { timeout: 100 }))).toBeInstanceOf(QueryTimeoutError);
      expect(await select.fetchval([201])).toBe('a');
      await Promise.all([insert.close(), select.close(), sleep.close()]);
      expect(await rejectionOf(select.fetch([1]))).toBeInstanceOf(InterfaceError);
      await db.execute(`delete from ${table} where id > 200`);
    }
  });

  it('a prepared statement can be named, and explains its plan (with ANALYZE in a transaction rolled back)', async () => {
    for (const db of [connection, pinned]) {
      const named = await db.prepare(`insert into ${table} (id, name) values ($1, 'explained')`, { name: 'pgloom_named_insert' });
      expect(named.name).toBe('pgloom_named_insert');
      expect(await db.fetchval('select count(*)::int4 from pg_prepared_statements where name = $1', ['pgloom_named_insert'])).toBe(1);
      const plan = await named.explain([300]) as { Plan: { 'Node Type': string } }[];
      expect(plan[0].Plan['Node Type']).toBe('ModifyTable');
      const analyzed = await named.explain([300], { analyze: true }) as { Plan: { 'Actual Rows': number } }[];
      expect(analyzed[0].Plan['Actual Rows']).toBe(0);
      expect(await db.fetchval(`select count(*)::int4 from ${table} where id = 300`)).toBe(0);
      await named.close();
      expect(await db.fetchval('select count(*)::int4 from pg_prepared_statements where name = $1', ['pgloom_named_insert'])).toBe(0);
    }
  });
});
