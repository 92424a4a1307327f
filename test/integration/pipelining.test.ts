import { Socket } from 'node:net';
import { describe, it, expect, vi } from 'vitest';
import { PostgresError, UndefinedTableError, DivisionByZeroError } from '../../src/main/index.js';
import { withConnection, uniqueTable } from '../support/server.js';

describe('pipelining', () => {
  it('runs queries issued without awaiting in issue order, each with its own result', async () => {
    await withConnection(async (db) => {
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => db.fetchval('select $1::int4 * 2', [i])));
      expect(results).toEqual(Array.from({ length: 200 }, (_, i) => i * 2));
    });
  });

  it('calls made in one turn behind a running call leave in one write, and each gets its own answer', async () => {
    await withConnection(async (db) => {
      // Both statements prepared first: a new one takes a round trip of its own.
      await db.fetchval('select $1::int4 + 1', [0]);
      await db.fetchval('select 1 from pg_sleep($1)', [0]);
      const writes = vi.spyOn(Socket.prototype, 'write');
      try {
        const running = db.fetchval('select 1 from pg_sleep($1)', [0.05]);
        const behind = Array.from({ length: 20 }, (_, i) => db.fetchval('select $1::int4 + 1', [i]));
        expect(await running).toBe(1);
        expect(await Promise.all(behind)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        // One write for the first call, one for the twenty behind it (a write each before).
        expect(writes).toHaveBeenCalledTimes(2);
      } finally {
        writes.mockRestore();
      }
    });
  });

  it('keeps execution order between new and cached statements', async () => {
    await withConnection(async (db) => {
      const table = uniqueTable('order');
      await db.execute(`create temp table ${table}(seq serial, v int)`);
      const writes = [];
      for (let i = 0; i < 50; i++) {
        // Alternate two statements so that some are new (Parse round trip) and some cached.
        writes.push(i % 2 === 0 ? db.execute(`insert into ${table}(v) values ($1)`, [i]) : db.execute(`insert into ${table}(v) select $1::int`, [i]));
      }
      await Promise.all(writes);
      const values = (await db.fetch(`select v from ${table} order by seq`)).map((r) => r.v);
      expect(values).toEqual(Array.from({ length: 50 }, (_, i) => i));
    });
  });

  it('fails only the failing query of a pipeline', async () => {
    await withConnection(async (db) => {
      const settled = await Promise.allSettled([
        db.fetchval('select 1'),
        db.fetchval('select 1 / $1::int4', [0]),
        db.fetchval('select * from no_such_table_here'),
        db.fetchval('select 4'),
      ]);
      expect(settled[0]).toEqual({ status: 'fulfilled', value: 1 });
      expect(settled[1].status === 'rejected' && settled[1].reason).toBeInstanceOf(DivisionByZeroError);
      expect(settled[2].status === 'rejected' && settled[2].reason).toBeInstanceOf(UndefinedTableError);
      expect(settled[3]).toEqual({ status: 'fulfilled', value: 4 });
    });
  });

  it('caches prepared statements per connection, bounded by statementCacheSize', async () => {
    await withConnection(async (db) => {
      for (let i = 0; i < 10; i++) await db.fetchval(`select ${i}::int4 + $1::int4`, [1]);
      const prepared = await db.fetchval<number>(`select count(*)::int from pg_prepared_statements where name like 'pgloom_%'`);
      // The LRU holds 4; evicted ones are closed on the server with the next write.
      expect(prepared).toBeLessThanOrEqual(5);
      expect(prepared).toBeGreaterThanOrEqual(4);
    }, { statementCacheSize: 4 });
  });

  it('uses no named statements when the cache is disabled', async () => {
    await withConnection(async (db) => {
      for (let i = 0; i < 5; i++) expect(await db.fetchval('select $1::int4', [i])).toBe(i);
      expect(await db.fetchval(`select count(*)::int from pg_prepared_statements`)).toBe(0);
    }, { statementCacheSize: 0 });
  });

  it('re-prepares a cached statement after the table it reads changes shape', async () => {
    await withConnection(async (db) => {
      const table = uniqueTable('shape');
      await db.execute(`create table ${table}(a int)`);
      try {
        await db.execute(`insert into ${table} values (1)`);
        expect(await db.fetch(`select * from ${table}`)).toEqual([{ a: 1 }]);
        await db.execute(`alter table ${table} add column b text default 'x'`);
        expect(await db.fetch(`select * from ${table}`)).toEqual([{ a: 1, b: 'x' }]);
      } finally {
        await db.execute(`drop table ${table}`);
      }
    });
  });

  it('reports server errors as PostgresError subclasses with every field', async () => {
    await withConnection(async (db) => {
      const table = uniqueTable('fields');
      await db.execute(`create temp table ${table}(id int constraint ${table}_pk primary key)`);
      await db.execute(`insert into ${table} values (1)`);
      const error = (await db.execute(`insert into ${table} values ($1)`, [1]).catch((e: unknown) => e)) as PostgresError;
      expect(error).toBeInstanceOf(PostgresError);
      expect(error.name).toBe('UniqueViolationError');
      expect(error).toMatchObject({ code: '23505', severity: 'ERROR', table, constraint: `${table}_pk`, detail: 'Key (id)=(1) already exists.' });
      expect(error.schema).toMatch(/^pg_temp/);
      expect(error.file).toBeTruthy();
      expect(error.routine).toBeTruthy();
      const syntax = (await db.fetch('select 1 frm t').catch((e: unknown) => e)) as PostgresError;
      expect(syntax.code).toBe('42601');
      expect(syntax.position).toBe(14);
    });
  });
});
