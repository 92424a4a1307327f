// The worker-thread pool against the real server.

import type { Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  arrayLowerBounds, createPool, ConnectionError, JsonText, Layout, ParameterError, QueryAbortedError, QueryTimeoutError, UniqueViolationError, withArrayLowerBounds,
  type Connection, type Pool,
} from '../../src/main/index.js';
import { expectByteaRows, type ByteaRow } from '../support/bytea-rows.js';
import { connectToTestServer, testDsn, uniqueTable, waitUntilActive } from '../support/server.js';

describe('createPool', () => {
  let pool: Pool;
  let direct: Connection;
  beforeAll(async () => {
    pool = createPool(testDsn(), { workers: 2, connectionsPerWorker: 4 });
    direct = await connectToTestServer();
  });
  afterAll(async () => {
    await pool?.close();
    await direct?.close();
  });

  it('query returns the command, columns and columnar batches; rows equal those of connect()', async () => {
    const sql = `
      select i as id, i::int8 * 3 as big, 'row ' || i as label, case when i % 4 = 0 then null else i / 3.0 end as ratio,
             i % 2 = 0 as even, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 ms 1 microsecond' as at,
             date '2000-01-01' + i as day, jsonb_build_object('i', i) as doc, null::text as nothing
      from generate_series(1, 5000) as i`;
    const result = await pool.query(sql);
    expect(result.command).toBe('SELECT 5000');
    expect(result.rowCount).toBe(5000);
    expect(result.columns.map((c) => [c.name, c.typeName])).toEqual([
      ['id', 'int4'], ['big', 'int8'], ['label', 'text'], ['ratio', 'numeric'], ['even', 'bool'], ['at', 'timestamptz'], ['day', 'date'], ['doc', 'jsonb'], ['nothing', 'text'],
    ]);
    expect(result.batches.length).toBeGreaterThan(0);
    expect(result.rows).toEqual(await direct.fetch(sql));
    const ids = result.column('id');
    expect(ids).toBeInstanceOf(Int32Array);
    expect(Array.from(ids as Int32Array).slice(0, 3)).toEqual([1, 2, 3]);
    expect(result.batches[0].columnData('at').layout).toBe(Layout.Timestamp64);
    expect((result.column('at') as BigInt64Array)[0]).toBe(1704067200001001n);
    expect(result.column('label').slice(0, 2)).toEqual(['row 1', 'row 2']);
    expect(result.batches[0].isNull('ratio', 3)).toBe(true);
    // numeric: 'string' columns travel as PostgreSQL's text, which is the value itself.
    const ratio = result.batches[0].columnData('ratio');
    expect(new TextDecoder().decode(ratio.data!.subarray(ratio.offsets![0], ratio.offsets![1]))).toBe('0.33333333333333333333');
  });

  it('rows of a many-batch result read bools and timestamps exactly, near 1970, far from it, infinite and NULL', async () => {
    const small = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, batchRows: 97 });
    try {
      // Row 3k has NULLs; timestamps step by 1 ms 1 µs from 1969 (flooring below zero), then jump to years 1500 and 2300.
      const result = await small.query(`
        select i, i % 3 = 0 as fizz, case when i % 3 = 0 then null else i % 2 = 0 end as maybe,
               timestamptz '1969-12-31 23:59:59.5+00' + i * interval '1 ms 1 microsecond' as near,
               case when i % 3 = 0 then null when i % 500 = 1 then timestamptz '1500-06-01 12:00:00.000999+00'
                    when i % 500 = 2 then 'infinity' else timestamptz '2300-01-01+00' + i * interval '1 microsecond' end as far
        from generate_series(1, 1000) as i`);
      expect(result.batches.length).toBeGreaterThan(5);
      const rows = result.rows as { i: number; fizz: boolean; maybe: boolean | null; near: Date; far: Date | number | null }[];
      expect(rows).toHaveLength(1000);
      const epochMs = await small.fetch(`
        select floor(extract(epoch from timestamptz '1969-12-31 23:59:59.5+00' + i * interval '1 ms 1 microsecond') * 1000)::int8::text as near,
               floor(extract(epoch from timestamptz '2300-01-01+00' + i * interval '1 microsecond') * 1000)::int8::text as far
        from generate_series(1, 1000) as i`);
      for (const [index, row] of rows.entries()) {
        const i = index + 1;
        expect(row.i).toBe(i);
        expect(row.fizz).toBe(i % 3 === 0);
        expect(row.maybe).toBe(i % 3 === 0 ? null : i % 2 === 0);
        expect((row.near).getTime()).toBe(Number(epochMs[index].near));
        if (i % 3 === 0) expect(row.far).toBeNull();
        else if (i % 500 === 1) expect((row.far as Date).toISOString()).toBe('1500-06-01T12:00:00.000Z');
        else if (i % 500 === 2) expect(row.far).toBe(Infinity);
        else expect((row.far as Date).getTime()).toBe(Number(epochMs[index].far));
      }
    } finally {
      await small.close();
    }
  });

  it('bytea columns: each value its own range of the batch, NULL and empty kept, in both modes; changing one changes no other', async () => {
    const sql = `select i, case when i % 5 = 0 then null when i % 7 = 0 then ''::bytea else decode(repeat(lpad(to_hex(i % 256), 2, '0'), i % 50 + 1), 'hex') end as b
                 from generate_series(1, 300) as i`;
    const lengthOf = (i: number): number | null => (i % 5 === 0 ? null : i % 7 === 0 ? 0 : (i % 50) + 1);
    const expected = (i: number): number[] => new Array<number>(lengthOf(i)!).fill(i % 256);
    const buffers = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, types: { bytea: 'Buffer' } });
    try {
      for (const [mode, db] of [['Uint8Array', pool], ['Buffer', buffers]] as const) {
        const rows = (await db.query<ByteaRow>(sql)).rows;
        expectByteaRows(rows, lengthOf, mode);
        // Views into the batch (no copy): a value is its own range; a copy detaches it (a Buffer's slice() is a view).
        const detached = mode === 'Buffer' ? Buffer.from(rows[0].b!) : rows[0].b!.slice();
        rows[0].b!.fill(0xee);
        expect(Array.from(rows[1].b!)).toEqual(expected(2));
        expect(Array.from(detached)).toEqual(expected(1));
        expect(detached.buffer).not.toBe(rows[0].b!.buffer);
      }
    } finally {
      await buffers.close();
    }
  });

  it('row objects from connect() and the pool agree on odd column names: a later duplicate wins, "__proto__" is an own property', async () => {
    const sql = `select 1 as a, 2 as a, 3 as "__proto__", 'x' as "we""ird", 'y' as "constructor"`;
    for (const rows of [await direct.fetch(sql), await pool.fetch(sql)]) {
      const row = rows[0];
      expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
      expect(Object.keys(row)).toEqual(['a', '__proto__', 'we"ird', 'constructor']);
      expect(row.a).toBe(2);
      expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe(3);
      expect(row['we"ird']).toBe('x');
      expect(row.constructor).toBe('y');
    }
  });

  it('toArrow() gives an Arrow table over the batches, typed per column, NULLs kept', async () => {
    const result = await pool.query(`
      select i as id, i::int8 * 3 as big, 'r' || i as label, i % 3 = 0 as fizz, case when i % 4 = 0 then null else i * 0.5 end::float8 as half,
             date '1970-01-01' + i as day, timestamptz '1970-01-01 00:00:00+00' + i * interval '1 microsecond' as at,
             (i * 1.25)::numeric as amount, decode('00ff', 'hex') as raw
      from generate_series(1, 70000) as i`);
    expect(result.batches.length).toBeGreaterThan(1);
    const table = result.toArrow<Table>();
    expect(table.numRows).toBe(70000);
    expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      'id:Int32', 'big:Int64', 'label:Utf8', 'fizz:Bool', 'half:Float64', 'day:Date32<DAY>', 'at:Timestamp<MICROSECOND, UTC>', 'amount:Utf8', 'raw:Binary',
    ]);
    const row = table.get(69999)!.toJSON();
    expect(row.id).toBe(70000);
    expect(row.big).toBe(210000n);
    expect(row.label).toBe('r70000');
    expect(row.fizz).toBe(false);
    expect(row.half).toBeNull();
    // Arrow JS reads timestamps as ms (fractional); the buffer holds the exact µs.
    expect(table.getChild('at')!.get(0)).toBe(0.001);
    expect((table.getChild('at')!.data[0].values as BigInt64Array)[0]).toBe(1n);
    expect(table.getChild('day')!.get(0)).toBe(86_400_000);
    expect(row.amount).toBe('87500.00');
    expect(Array.from(row.raw as Uint8Array)).toEqual([0, 255]);
    // Fixed-width columns share the batch's memory: no copy was made.
    expect(table.getChild('id')!.data[0].values.buffer).toBe((result.batches[0].columnData('id').values as Int32Array).buffer);
  });

  it('fetch, fetchrow, fetchval, execute and executemany behave as on a Connection', async () => {
    const table = uniqueTable('pool_api');
    expect(await pool.execute(`create table ${table} (id int primary key, name text); insert into ${table} values (0, 'zero')`)).toBe('INSERT 0 1');
    await pool.executemany(`insert into ${table} values ($1, $2)`, [[1, 'one'], [2, null], [3, '']]);
    expect(await pool.fetch(`select * from ${table} order by id`)).toEqual([
      { id: 0, name: 'zero' }, { id: 1, name: 'one' }, { id: 2, name: null }, { id: 3, name: '' },
    ]);
    expect(await pool.fetchrow(`select * from ${table} where id = $1`, [1])).toEqual({ id: 1, name: 'one' });
    expect(await pool.fetchrow(`select * from ${table} where id = $1`, [99])).toBeNull();
    expect(await pool.fetchval(`select name from ${table} where id = $1`, [3])).toBe('');
    expect(await pool.fetchval(`select id, name from ${table} where id = $1`, [1], 'name')).toBe('one');
    expect(await pool.fetch(`select * from ${table} order by id limit 1`, [], { rowMode: 'array' })).toEqual([[0, 'zero']]);
    expect(await pool.execute(`update ${table} set name = $1 where id > $2`, ['x', 1])).toBe('UPDATE 2');
    await pool.execute(`drop table ${table}`);
  });

  it('keeps error classes and every field across the thread boundary; the pool stays usable', async () => {
    const table = uniqueTable('pool_errors');
    await pool.execute(`create table ${table} (id int primary key)`);
    await pool.execute(`insert into ${table} values (1)`);
    const duplicate = await pool.execute(`insert into ${table} values ($1)`, [1]).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(UniqueViolationError);
    expect((duplicate as UniqueViolationError).constraint).toBe(`${table}_pkey`);
    expect((duplicate as UniqueViolationError).table).toBe(table);
    await expect(pool.fetch('select $1::int4', ['not a number'])).rejects.toThrow(ParameterError);
    await expect(pool.fetch('select $1::int4, $2::int4', [1])).rejects.toThrow(ParameterError);
    // executemany is atomic through the pool too.
    await expect(pool.executemany(`insert into ${table} values ($1)`, [[2], [1], [3]])).rejects.toThrow(UniqueViolationError);
    expect(await pool.fetchval(`select count(*)::int4 from ${table}`)).toBe(1);
    await pool.execute(`drop table ${table}`);
  });

  it('carries JsonText, array lower bounds and notices across the thread boundary', async () => {
    expect(await pool.fetchval('select $1::jsonb', [new JsonText('{"a": [1, 2]}')])).toEqual({ a: [1, 2] });
    // A plain string is a JSON string, not JSON text: the class survived the trip.
    expect(await pool.fetchval('select $1::jsonb', ['{"a": 1}'])).toBe('{"a": 1}');
    expect(await pool.fetchval('select array_lower($1::int4[], 1)', [withArrayLowerBounds([7, 8], [0])])).toBe(0);
    const decoded = await pool.fetchval<number[]>("select '[0:1]={7,8}'::int4[]");
    expect(arrayLowerBounds(decoded!)).toEqual([0]);
    const notices: string[] = [];
    const noisy = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, onNotice: (n) => notices.push(n.message) });
    try {
      await noisy.execute("do $$ begin raise notice 'from a pool worker'; end $$");
      await noisy.withConnection((c) => c.execute("do $$ begin raise notice 'from a pinned connection'; end $$"));
      expect(notices).toEqual(['from a pool worker', 'from a pinned connection']);
    } finally {
      await noisy.close();
    }
  });

  it('serves 200 concurrent callers on 8 connections', async () => {
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => pool.fetchrow<{ n: number; pid: number }>('select $1::int4 as n, pg_backend_pid() as pid', [i])));
    expect(replies.map((r) => r!.n)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    const backends = new Set(replies.map((r) => r!.pid));
    expect(backends.size).toBeLessThanOrEqual(8);
    expect(backends.size).toBeGreaterThan(1);
    const stats = await pool.stats();
    expect(stats.workers).toBe(2);
    expect(stats.capacity).toBe(8);
    // Asked of each worker: at least the connections the burst used, at most the limit, all idle again.
    expect(stats.connections.open).toBeGreaterThanOrEqual(backends.size);
    expect(stats.connections.open).toBeLessThanOrEqual(8);
    expect(stats.connections.idle).toBe(stats.connections.open);
    expect(stats.busy).toBe(0);
    expect(stats.waitTime.count).toBeGreaterThanOrEqual(200);
  });

  it('an AbortSignal cancels a running query on the server; the pool stays usable', async () => {
    const controller = new AbortController();
    const running = pool.fetch('select pg_sleep(30) as abort_me', [], { signal: controller.signal }).catch((e: unknown) => e);
    const pid = await waitUntilActive(direct, 'abort_me');
    const started = Date.now();
    controller.abort();
    expect(await running).toBeInstanceOf(QueryAbortedError);
    expect(Date.now() - started).toBeLessThan(2000);
    // The backend stops running the statement (the cancel reached it) and stays connected.
    for (let state = 'active'; state === 'active';) state = (await direct.fetchval<string>('select state from pg_stat_activity where pid = $1', [pid])) ?? 'gone';
    expect(await direct.fetchval('select state from pg_stat_activity where pid = $1', [pid])).toBe('idle');
    expect(await pool.fetchval('select 1 + 1')).toBe(2);
  });

  it('a timeout rejects with QueryTimeoutError and cancels the query', async () => {
    const started = Date.now();
    await expect(pool.fetch('select pg_sleep(30)', [], { timeout: 300 })).rejects.toThrow(QueryTimeoutError);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await pool.fetchval('select 2 + 2')).toBe(4);
  });

  it('a backend killed mid-query fails only that query; its connection is replaced', async () => {
    const running = pool.fetch('select pg_sleep(30) as kill_me').catch((e: unknown) => e);
    const pid = await waitUntilActive(direct, 'kill_me');
    await direct.fetchval('select pg_terminate_backend($1)', [pid]);
    expect(await running).toBeInstanceOf(Error);
    const again = await Promise.all(Array.from({ length: 16 }, () => pool.fetchval<number>('select pg_backend_pid()')));
    expect(again).not.toContain(pid);
  });
});
