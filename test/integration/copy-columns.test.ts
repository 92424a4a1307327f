// copyColumnsToTable: columns in, no rows built — pgloom's own Results and streamed batches
// (a table copied through the pool without becoming JS rows), plain typed arrays, Arrow tables.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Binary, DateDay, Int32, makeData, makeVector, Table as ArrowTable, TimeMicrosecond, TimestampMicrosecond, TimestampNanosecond, TimestampSecond, tableFromArrays, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import { createPool, CopyDataError, InterfaceError, type Connection, type Pool } from '../../src/main/index.js';
import { connectToTestServer, testDsn, uniqueTable } from '../support/server.js';
import { createFamilyTables, mixedRowsSql, MIXED_COLUMNS, type FamilyTables } from '../support/copy-tables.js';
import { rejectionOf } from '../support/deadlines.js';

describe('copyColumnsToTable', () => {
  let pool: Pool;
  let db: Connection;
  let tables: FamilyTables;
  beforeAll(async () => {
    // Default type options: timestamps decode to Date (ms), so µs surviving proves the columns
    // were copied from the batches' own buffers, not through row values.
    pool = createPool(testDsn(), { workers: 2, connectionsPerWorker: 2 , mainThreadConnections: 0 });
    db = await connectToTestServer();
    tables = await createFamilyTables(db);
  });
  afterAll(async () => {
    await tables?.drop();
    await pool?.close();
    await db?.close();
  });

  it('a pool Result goes back in identical, every type family, through connect() and the pool', async () => {
    const result = await pool.query(`select * from ${tables.source} order by id`);
    const first = await tables.emptyCopy();
    expect(await db.copyColumnsToTable(first, { columns: result })).toBe('COPY 5');
    expect(await tables.rendered(first)).toEqual(await tables.rendered(tables.source));
    const second = await tables.emptyCopy();
    expect(await pool.copyColumnsToTable(second, { columns: result })).toBe('COPY 5');
    expect(await tables.rendered(second)).toEqual(await tables.rendered(tables.source));
  });

  it('300K mixed rows streamed from one table into another as batches, never as rows', async () => {
    const from = uniqueTable('copy_cols_from');
    const to = uniqueTable('copy_cols_to');
    await db.execute(`create unlogged table ${from} (${MIXED_COLUMNS}); create unlogged table ${to} (${MIXED_COLUMNS})`);
    await db.execute(mixedRowsSql(from, 300_000));
    let copied = 0;
    for await (const batch of pool.stream(`select * from ${from}`)) {
      const tag = await pool.copyColumnsToTable(to, { columns: batch });
      copied += Number(tag.slice(5));
    }
    expect(copied).toBe(300_000);
    const digest = (table: string) => db.fetchrow(`select count(*)::int8 as n, sum(hashtextextended(t::text, 0)::numeric)::text as h from ${table} t`);
    expect(await digest(to)).toEqual(await digest(from));
    await db.execute(`drop table ${from}; drop table ${to}`);
  });

  it('plain typed arrays and value arrays, checked against the server\'s rendering', async () => {
    const table = uniqueTable('copy_cols_plain');
    await db.execute(`create table ${table} (id int4, big int8, ratio float8, small int2, label text, amount numeric, at timestamptz)`);
    const n = 10_000;
    const columns = {
      id: Int32Array.from({ length: n }, (_, i) => i),
      big: BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * -3_000_000_007n),
      ratio: Float64Array.from({ length: n }, (_, i) => (i === 1 ? NaN : i === 2 ? -Infinity : i / 3)),
      small: Int16Array.from({ length: n }, (_, i) => (i % 65536) - 32768),
      label: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : `l${i}`)),
      amount: Array.from({ length: n }, (_, i) => `${i}.5`),
      at: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2020, 0, 1) + i * 1000)),
    };
    expect(await db.copyColumnsToTable(table, { columns })).toBe(`COPY ${n}`);
    const mismatches = await db.fetchval(`select count(*)::int from ${table} t, generate_series(0, ${n - 1}) i where t.id = i and (
      t.big <> i::int8 * -3000000007 or t.small <> (i % 65536) - 32768 or t.amount::text <> i || '.5'
      or t.at <> '2020-01-01 00:00:00+00'::timestamptz + i * interval '1 second'
      or t.label is distinct from (case when i % 7 = 0 then null else 'l' || i end)
      or t.ratio::text <> (case i when 1 then 'NaN' when 2 then '-Infinity' else (i / 3.0::float8)::text end))`);
    expect(mismatches).toBe(0);
    expect(await db.fetchval(`select count(*)::int from ${table}`)).toBe(n);
    await db.execute(`drop table ${table}`);
  });

  it('an Apache Arrow table: from apache-arrow itself and from result.toArrow()', async () => {
    const table = uniqueTable('copy_cols_arrow');
    await db.execute(`create table ${table} (id int4, label text, score float8, at timestamptz)`);
    const arrow = tableFromArrays({
      id: Int32Array.from([1, 2, 3]),
      label: ['a', null, 'ç'],
      score: Float64Array.from([0.5, NaN, -0]),
      at: [new Date(Date.UTC(2024, 1, 29, 12)), null, new Date(0)],
    });
    expect(await pool.copyColumnsToTable(table, { columns: arrow })).toBe('COPY 3');
    expect(await db.fetch(`select id, label, score::text, at::text from ${table} order by id`, [], { rowMode: 'array' })).toEqual([
      [1, 'a', '0.5', '2024-02-29 12:00:00+00'],
      [2, null, 'NaN', null],
      [3, 'ç', '-0', '1970-01-01 00:00:00+00'],
    ]);
    const again = (await pool.query(`select id, label, score from ${table} order by id`)).toArrow();
    await db.execute(`truncate ${table}`);
    expect(await db.copyColumnsToTable(table, { columns: again })).toBe('COPY 3');
    expect(await db.fetch(`select id, label, score::text from ${table} order by id`, [], { rowMode: 'array' })).toEqual([[1, 'a', '0.5'], [2, null, 'NaN'], [3, 'ç', '-0']]);
    await db.execute(`drop table ${table}`);
  });

  it('an Arrow table keeps the µs of its timestamps (any unit), dates and times, NULLs and pre-1970 values, across chunks and slices', async () => {
    const table = uniqueTable('copy_cols_arrow_us');
    await db.execute(`create table ${table} (id int4, ts timestamp, tstz timestamptz, ts_ns timestamp, ts_s timestamptz, d date, t time)`);
    const us = (ms: number, micros: number) => BigInt(ms) * 1000n + BigInt(micros);
    const column = <T extends DataType>(type: T, values: ArrayLike<number | bigint>, nulls: number[] = []) => {
      const validity = new Uint8Array(1).fill(0xff);
      for (const row of nulls) validity[0] &= ~(1 << row);
      return makeVector(makeData({ type, length: values.length, nullCount: nulls.length, nullBitmap: validity, data: values } as Parameters<typeof makeData>[0]));
    };
    const micros = BigInt64Array.of(us(Date.UTC(2024, 0, 2, 3, 4, 5), 123_456), -1n, 0n, us(Date.UTC(1900, 4, 6, 7, 8, 9), 654_321));
    const batch = (rows: number[]) => new ArrowTable({
      id: column(new Int32(), Int32Array.from(rows, (row) => row + 1)),
      ts: column(new TimestampMicrosecond(), micros.filter((_, i) => rows.includes(i)), rows.includes(2) ? [rows.indexOf(2)] : []),
      tstz: column(new TimestampMicrosecond('UTC'), micros.filter((_, i) => rows.includes(i)), rows.includes(2) ? [rows.indexOf(2)] : []),
      // ns round to the nearest µs, half to even as PostgreSQL rounds: …456789 → …457, -1500 ns → -2 µs.
      ts_ns: column(new TimestampNanosecond(), BigInt64Array.from(rows, (row) => [micros[0] * 1000n + 789n, -1500n, 0n, micros[3] * 1000n][row])),
      ts_s: column(new TimestampSecond('UTC'), BigInt64Array.from(rows, (row) => [1_704_164_645n, -1n, 0n, -2_208_988_800n][row])),
      d: column(new DateDay(), Int32Array.from(rows, (row) => [19_724, -1, 0, -25_442][row]), rows.includes(2) ? [rows.indexOf(2)] : []),
      t: column(new TimeMicrosecond(), BigInt64Array.from(rows, (row) => [11_045_123_456n, 86_399_999_999n, 0n, 1n][row])),
    });
    // Two chunks per column (a table of two batches), so the rows of each chunk land in order.
    const arrow = batch([0, 1]).concat(batch([2, 3]));
    expect(arrow.getChild('ts')!.data.length).toBe(2);
    expect(await pool.copyColumnsToTable(table, { columns: arrow })).toBe('COPY 4');
    const rendered = `select id, ts::text, (tstz at time zone 'UTC')::text, ts_ns::text, (ts_s at time zone 'UTC')::text, d::text, t::text from ${table} order by id`;
    const expected = [
      [1, '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123457', '2024-01-02 03:04:05', '2024-01-02', '03:04:05.123456'],
      [2, '1969-12-31 23:59:59.999999', '1969-12-31 23:59:59.999999', '1969-12-31 23:59:59.999998', '1969-12-31 23:59:59', '1969-12-31', '23:59:59.999999'],
      [3, null, null, '1970-01-01 00:00:00', '1970-01-01 00:00:00', null, '00:00:00'],
      [4, '1900-05-06 07:08:09.654321', '1900-05-06 07:08:09.654321', '1900-05-06 07:08:09.654321', '1900-01-01 00:00:00', '1900-05-06', '00:00:00.000001'],
    ];
    expect(await db.fetch(rendered, [], { rowMode: 'array' })).toEqual(expected);
    // A slice: Arrow JS offsets the validity bits of the chunks it cuts, not their values.
    await db.execute(`truncate ${table}`);
    expect(await db.copyColumnsToTable(table, { columns: arrow.slice(1) })).toBe('COPY 3');
    expect(await db.fetch(rendered, [], { rowMode: 'array' })).toEqual(expected.slice(1));
    await db.execute(`drop table ${table}`);
  });

  it('Arrow strings and binaries go in as their bytes: text, varchar, char, bytea, NULLs, empty values, across chunks and slices', async () => {
    const table = uniqueTable('copy_cols_arrow_bytes');
    await db.execute(`create table ${table} (id int4, t text, v varchar(12), c char(4), b bytea, n numeric)`);
    const rows = [
      { id: 1, t: 'plain', v: 'é日🎉', c: 'ab', b: Uint8Array.of(0, 255, 10), n: '1.50' },
      { id: 2, t: '', v: null, c: '', b: new Uint8Array(0), n: '-0.001' },
      { id: 3, t: null, v: 'x'.repeat(12), c: null, b: null, n: null },
      { id: 4, t: 'line\nbreak, "quoted"', v: '', c: 'abcd', b: Uint8Array.of(92, 120), n: '123456789012345678901234567890' },
    ];
    const batch = (picked: typeof rows) => new ArrowTable({
      id: makeVector(Int32Array.from(picked, (row) => row.id)),
      t: vectorFromArray(picked.map((row) => row.t), new Utf8()),
      v: vectorFromArray(picked.map((row) => row.v), new Utf8()),
      c: vectorFromArray(picked.map((row) => row.c), new Utf8()),
      b: vectorFromArray(picked.map((row) => row.b), new Binary()),
      n: vectorFromArray(picked.map((row) => row.n), new Utf8()),
    });
    // Two chunks per column, the first without a NULL in t (one chunk alone is read in place).
    const arrow = batch(rows.slice(0, 2)).concat(batch(rows.slice(2)));
    expect(arrow.getChild('t')!.data.length).toBe(2);
    const rendered = `select id, t, v, c, encode(b, 'hex') as b, n::text as n from ${table} order by id`;
    const expected = rows.map((row) => ({ ...row, c: row.c === null ? null : row.c.padEnd(4), b: row.b === null ? null : Buffer.from(row.b).toString('hex') }));
    expect(await pool.copyColumnsToTable(table, { columns: arrow })).toBe('COPY 4');
    expect(await db.fetch(rendered)).toEqual(expected);
    await db.execute(`truncate ${table}`);
    expect(await db.copyColumnsToTable(table, { columns: arrow.slice(1) })).toBe('COPY 3');
    expect(await db.fetch(rendered)).toEqual(expected.slice(1));
    await db.execute(`truncate ${table}`);
    expect(await db.copyColumnsToTable(table, { columns: batch(rows.slice(0, 2)).slice(1) })).toBe('COPY 1');
    expect(await db.fetch(rendered)).toEqual(expected.slice(1, 2));
    await db.execute(`drop table ${table}`);
  });

  it('an Arrow string that is not UTF-8 is refused by the server, nothing is kept, and the connection goes on', async () => {
    const table = uniqueTable('copy_cols_arrow_bad_utf8');
    await db.execute(`create table ${table} (t text)`);
    const bytes = Uint8Array.of(0x6f, 0x6b, 0xff, 0xfe);
    const strings = makeVector(makeData({ type: new Utf8(), length: 2, nullCount: 0, valueOffsets: Int32Array.of(0, 2, 4), data: bytes }));
    const error = await rejectionOf(db.copyColumnsToTable(table, { columns: new ArrowTable({ t: strings }) }));
    expect((error as { code?: string }).code).toBe('22021');
    expect(await db.fetchval(`select count(*) from ${table}`)).toBe(0n);
    await db.execute(`drop table ${table}`);
  });

  it('a bad value names record, column and type; unequal lengths are refused; nothing is kept', async () => {
    const table = uniqueTable('copy_cols_bad');
    await db.execute(`create table ${table} (a int4, b text)`);
    const b: unknown[] = Array.from({ length: 300_000 }, (_, i) => `v${i}`);
    b[234_567] = 42;
    const error = await rejectionOf(pool.copyColumnsToTable(table, { columns: { a: new Int32Array(300_000), b } }));
    expect(error).toBeInstanceOf(CopyDataError);
    expect(error).toMatchObject({ recordIndex: 234_567, column: 'b', valueType: 'number' });
    const unequal = await rejectionOf(db.copyColumnsToTable(table, { columns: { a: new Int32Array(3), b: ['x'] } }));
    expect(unequal).toBeInstanceOf(InterfaceError);
    expect((unequal as Error).message).toMatch(/column "b" has 1 values but "a" has 3/);
    expect(await db.fetchval(`select count(*)::int from ${table}`)).toBe(0);
    await db.execute(`drop table ${table}`);
  });
});
