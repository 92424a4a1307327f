import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { type Connection, ParameterError, InterfaceError } from '../../src/main/index.js';
import { expectByteaRows } from '../support/bytea-rows.js';
import { connectToTestServer, uniqueTable } from '../support/server.js';

describe('Connection against a real server', () => {
  let db: Connection;
  beforeAll(async () => {
    db = await connectToTestServer();
  });
  afterAll(async () => {
    await db.close();
  });

  it('runs the seed example: upsert Alice, then fetchrow her', async () => {
    const users = uniqueTable('users');
    await db.execute(`create temp table ${users}(id serial primary key, name text unique, dob date)`);
    const first = await db.execute(`insert into ${users}(name, dob) values($1, $2) on conflict (name) do nothing`, ['Alice', '1984-03-01']);
    const again = await db.execute(`insert into ${users}(name, dob) values($1, $2) on conflict (name) do nothing`, ['Alice', '1984-03-01']);
    expect(first).toBe('INSERT 0 1');
    expect(again).toBe('INSERT 0 0');
    const row = await db.fetchrow(`select * from ${users} where name = $1`, ['Alice']);
    expect(row).toEqual({ id: 1, name: 'Alice', dob: '1984-03-01' });
  });

  it('fetch returns every row as an object keyed by column name, in order', async () => {
    const rows = await db.fetch('select i, i * 2 as doubled from generate_series(1, 5) i');
    expect(rows).toEqual([1, 2, 3, 4, 5].map((i) => ({ i, doubled: i * 2 })));
  });

  it('bytea values: exact bytes, NULL and empty kept, large and small, both modes; no value or result sees another', async () => {
    // Lengths from 1 byte to 100 KB: short values share their result's memory, long ones get their own.
    const sql = `select i, case when i % 5 = 0 then null when i % 7 = 0 then ''::bytea
                               else decode(repeat(lpad(to_hex(i % 256), 2, '0'), (i * 997) % 100000 + 1), 'hex') end as b
                 from generate_series(1, 120) as i`;
    const lengthOf = (i: number): number | null => (i % 5 === 0 ? null : i % 7 === 0 ? 0 : ((i * 997) % 100000) + 1);
    const buffers = await connectToTestServer({ types: { bytea: 'Buffer' } });
    try {
      for (const [mode, conn] of [['Uint8Array', db], ['Buffer', buffers]] as const) {
        for (const rows of [await conn.fetch<{ i: number; b: Uint8Array | null }>(sql), (await conn.fetch<unknown[]>(sql, [], { rowMode: 'array' })).map(([i, b]) => ({ i: i as number, b: b as Uint8Array | null }))]) {
          expectByteaRows(rows, lengthOf, mode);
          for (const row of rows) row.b?.fill(0xee);
          const again = await conn.fetch<{ i: number; b: Uint8Array | null }>(sql);
          expect(again.every((row) => row.b === null || row.b.every((byte) => byte === row.i % 256))).toBe(true);
          expect(again.some((row) => rows.some((old) => old.b !== null && row.b !== null && old.b.length > 0 && old.b.buffer === row.b.buffer))).toBe(false);
        }
        // A result's first value longer than its first slab (but short of a buffer of its own).
        const first = await conn.fetchval<Uint8Array>(`select decode(repeat('ab', 20000), 'hex')`);
        expect(first!.length).toBe(20000);
        expect(first!.every((byte) => byte === 0xab)).toBe(true);
      }
    } finally {
      await buffers.close();
    }
  });

  it("bytea values: a statement's next result copies them into one slab the size of the last one's, at most 256 KB", async () => {
    const sql = `select decode(repeat(lpad(to_hex(i % 256), 2, '0'), 1000), 'hex') as b from generate_series(1, $1::int) as i`;
    const buffersOf = (rows: { b: Uint8Array }[]) => new Set(rows.map((row) => row.b.buffer));
    await db.fetch(sql, [100]);
    const rows = await db.fetch<{ b: Uint8Array }>(sql, [100]);
    expect(rows.every((row, i) => row.b.length === 1000 && row.b.every((byte) => byte === (i + 1) % 256))).toBe(true);
    expect([...buffersOf(rows)].map((buffer) => buffer.byteLength)).toEqual([100_000]);
    // After a 2 MB result the next one's first slab is capped: results that vary must not pin large slabs.
    await db.fetch(sql, [2000]);
    const small = await db.fetch<{ b: Uint8Array }>(sql, [3]);
    expect([...buffersOf(small)].map((buffer) => buffer.byteLength)).toEqual([256 * 1024]);
    expect(small.map((row) => row.b[0])).toEqual([1, 2, 3]);
  });

  it('fetch with rowMode array returns values in column order', async () => {
    const rows = await db.fetch('select 1::int4 as a, $1::text as b', ['x'], { rowMode: 'array' });
    expect(rows).toEqual([[1, 'x']]);
  });

  it('fetchrow returns null when there is no row', async () => {
    expect(await db.fetchrow('select 1 where false')).toBeNull();
  });

  it('fetchval picks a column by index or name and returns null for no row', async () => {
    expect(await db.fetchval('select 1 as a, 2 as b', [], 1)).toBe(2);
    expect(await db.fetchval('select 1 as a, 2 as b', [], 'b')).toBe(2);
    expect(await db.fetchval('select 1 where false')).toBeNull();
    await expect(db.fetchval('select 1 as a', [], 'nope')).rejects.toThrow(InterfaceError);
  });

  it('execute without parameters runs several statements and returns the last tag', async () => {
    const table = uniqueTable('multi');
    const tag = await db.execute(`create temp table ${table}(x int); insert into ${table} values (1), (2); update ${table} set x = x + 1`);
    expect(tag).toBe('UPDATE 2');
  });

  it('query returns command, rowCount and column descriptions', async () => {
    const result = await db.query('select 1::int4 as id, $1::text as name', ['n']);
    expect(result.command).toBe('SELECT 1');
    expect(result.rowCount).toBe(1);
    expect(result.columns.map((c) => [c.name, c.typeOid, c.typeName])).toEqual([['id', 23, 'int4'], ['name', 25, 'text']]);
  });

  it('executemany inserts every parameter row, atomically', async () => {
    const table = uniqueTable('many');
    await db.execute(`create temp table ${table}(id int primary key, label text)`);
    await db.executemany(`insert into ${table} values ($1, $2)`, Array.from({ length: 500 }, (_, i) => [i, `row ${i}`]));
    expect(await db.fetchval(`select count(*)::int from ${table}`)).toBe(500);
    // A duplicate key in the middle rolls back the whole batch.
    await expect(db.executemany(`insert into ${table} values ($1, $2)`, [[1000, 'a'], [1, 'dup'], [1001, 'b']])).rejects.toMatchObject({ code: '23505' });
    expect(await db.fetchval(`select count(*)::int from ${table}`)).toBe(500);
  });

  it('prepare exposes columns and parameter types and runs many times', async () => {
    const statement = await db.prepare('select $1::int4 + 1 as next, $2::text as label');
    expect(statement.parameterTypes).toEqual([23, 25]);
    expect(statement.columns.map((c) => c.name)).toEqual(['next', 'label']);
    for (let i = 0; i < 3; i++) expect(await statement.fetchrow([i, `l${i}`])).toEqual({ next: i + 1, label: `l${i}` });
    expect(await statement.fetchval([41, 'x'])).toBe(42);
    await statement.close();
    await expect(statement.fetch([1, 'x'])).rejects.toThrow(InterfaceError);
  });

  it('rejects a wrong parameter count before executing, and stays usable', async () => {
    const error = await db.fetch('select $1::int4 + $2::int4', [1]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as Error).message).toMatch(/takes 2 parameter\(s\).*1 were given/);
    expect(await db.fetchval('select 1')).toBe(1);
  });

  it('rejects a value of the wrong type for its parameter, naming the parameter', async () => {
    const error = await db.fetch('select $1::int4', ['not a number']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as Error).message).toMatch(/\$1/);
    const undefinedParam = await db.fetch('select $1::int4', [undefined]).catch((e: unknown) => e);
    expect(undefinedParam).toBeInstanceOf(ParameterError);
    expect(await db.fetchval('select $1::int4', [7])).toBe(7);
  });

  it('sends NULL parameters and returns NULL as null, distinct from the empty string', async () => {
    const row = await db.fetchrow('select $1::text as a, $2::text as b, $1::text is null as a_null, $2::text is null as b_null', [null, '']);
    expect(row).toEqual({ a: null, b: '', a_null: true, b_null: false });
  });
});
