// `pgloom export` runs as a real process; DuckDB (CSV, Parquet, ndjson) and Apache Arrow's own IPC
// reader (DuckDB has no Arrow reader offline) read the files, and every value compares equal to
// what the server itself prints for the source table.

import { mkdtempSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDuckdb, duckRows, runCli, sqlPath } from '../support/cli-runner.js';
import { testDsn, uniqueTable, withConnection } from '../support/server.js';

const table = uniqueTable('cli_export');
const dir = mkdtempSync(join(tmpdir(), 'pgloom-cli-export-'));
/** Several batches of --batch-rows, so headers, schemas and row groups span batches. */
const generatedRows = 3_000;
const batchRows = '1000';

/** Every value in a canonical text, as PostgreSQL prints it. */
interface Canonical {
  id: number;
  small: string | null;
  big: string | null;
  f8: string | null;
  num: string | null;
  t: string | null;
  b: boolean | null;
  d: string | null;
  ts_us: string | null;
  by_hex: string | null;
  j: unknown;
}

let expected: Canonical[] = [];

beforeAll(async () => {
  await withConnection(async (db) => {
    await db.execute(`create table ${table}(id int4 primary key, small int2, big int8, f8 float8, num numeric, t text, b bool, d date, ts timestamptz, bin bytea, j jsonb)`);
    await db.execute(`insert into ${table} values
      (1, 1, 9223372036854775807, 0.1, 12345678901234567890.123456789, 'plain', true, '2024-02-29', '2024-01-02 03:04:05.123456+00', '\\x00ff10', '{"a": [1, "x"], "b": null}'),
      (2, -32768, -9223372036854775808, 'NaN', -0.5, E'comma, "quote"\\nnewline\\r\\nCRLF', false, '0001-01-01', '1970-01-01 00:00:00+00', '\\x', '[]'),
      (3, 32767, 0, 'Infinity', 0, '', true, '9999-12-31', '1969-12-31 23:59:59.999999+00', '\\x0a0d2c22', '"text"'),
      (4, 0, 1, '-Infinity', 1e-20, 'unicode: héllo 日本 🎉', false, '1970-01-01', '2262-04-11 23:47:16.854775+00', '\\xc3a9', '{"n": 1.5e300}'),
      (5, null, null, '-0', null, '\\.', null, null, null, null, 'null'),
      (6, null, null, null, null, null, null, null, null, null, null),
      (7, 2, 2, 1e-7, 3.14, '  padded  ', true, '2000-01-01', '2000-01-01 12:00:00.000001+00', '\\x00', '{"nested": {"deep": [true, false]}}')`);
    await db.execute(`insert into ${table} select i, (i % 30000)::int2, i::int8 * 1000003, i / 7.0, i::numeric / 8, 'row ' || i, i % 2 = 0, date '2020-01-01' + (i % 1000),
      timestamptz '2020-01-01' + i * interval '1.000001 second', int4send(i), jsonb_build_object('i', i) from generate_series(100, ${99 + generatedRows}) i`);
    expected = await db.fetch<Canonical>(`select id, small::text, big::text, f8::text as f8, num::text, t, b, d::text,
      (extract(epoch from ts) * 1000000)::int8::text as ts_us, encode(bin, 'hex') as by_hex, j::text as j from ${table} order by id`);
  });
}, 120_000);

afterAll(async () => {
  await withConnection((db) => db.execute(`drop table if exists ${table}`));
  rmSync(dir, { recursive: true, force: true });
  await closeDuckdb();
});

/** Compare rows read back (already in the canonical shape) to the server's. */
function expectSameRows(actual: Record<string, unknown>[], options: { byteaHexPrefix?: boolean; readerDropsZeroSign?: boolean } = {}): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i];
    const got = actual[i];
    const context = `row id=${want.id}`;
    expect(Number(got.id), context).toBe(want.id);
    expect(got.small ?? null, context).toBe(want.small);
    expect(got.big ?? null, context).toBe(want.big);
    // Object.is: NaN equals NaN, and -0 differs from 0 (unless the reader itself drops the sign).
    const wantF8 = want.f8 === null ? null : Number(want.f8);
    const sameF8 = Object.is(got.f8 ?? null, wantF8) || (options.readerDropsZeroSign === true && wantF8 === 0 && got.f8 === 0);
    expect(sameF8, `${context}: f8 ${String(got.f8)} vs ${String(want.f8)}`).toBe(true);
    expect(got.num ?? null, context).toBe(want.num);
    expect(got.t ?? null, context).toBe(want.t);
    expect(got.b ?? null, context).toBe(want.b);
    expect(got.d ?? null, context).toBe(want.d);
    expect(got.ts_us ?? null, context).toBe(want.ts_us);
    expect(got.by_hex ?? null, context).toBe(want.by_hex === null ? null : options.byteaHexPrefix ? `\\x${want.by_hex}` : want.by_hex);
    expect(got.j === null || got.j === undefined ? null : JSON.parse(got.j as string), context).toEqual(want.j === null ? null : JSON.parse(want.j as string));
  }
}

async function exportTo(file: string, ...extra: string[]): Promise<string> {
  const path = join(dir, file);
  const run = await runCli(['export', `select * from ${table} order by id`, '--out', path, '--dsn', testDsn(), '--batch-rows', batchRows, ...extra]);
  expect(run.stderr).not.toContain('error');
  expect(run.code).toBe(0);
  expect(run.stderr).toContain(`exported ${expected.length} rows`);
  return path;
}

describe('pgloom export', () => {
  it('writes CSV that DuckDB reads back equal: NULL is an empty field, the empty string is "", quotes and line breaks survive', async () => {
    const path = await exportTo('out.csv');
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')[0]).toBe('id,small,big,f8,num,t,b,d,ts,bin,j');
    expect(text).toContain('\n6,,,,,,,,,,\n');
    expect(text).toContain(',"",'); // row 3's empty text
    expect(text).toContain(',"\\.",'); // COPY's end-of-data marker is quoted
    const rows = await duckRows(`select id, small::varchar as small, big::varchar as big, f8, num, t, b, d::varchar as d, epoch_us(ts)::varchar as ts_us, bin as by_hex, j
      from read_csv(${sqlPath(path)}, header = true, allow_quoted_nulls = false, columns = {
        'id': 'INTEGER', 'small': 'SMALLINT', 'big': 'BIGINT', 'f8': 'DOUBLE', 'num': 'VARCHAR', 't': 'VARCHAR', 'b': 'BOOLEAN',
        'd': 'DATE', 'ts': 'TIMESTAMPTZ', 'bin': 'VARCHAR', 'j': 'VARCHAR'}) order by id`);
    expectSameRows(rows, { byteaHexPrefix: true });
  });

  it('writes Parquet that DuckDB reads back equal, with Parquet types (timestamptz as UTC µs, bytea as BLOB, NaN and ±Infinity kept)', async () => {
    const path = await exportTo('out.parquet');
    const types = await duckRows(`select name, type from parquet_schema(${sqlPath(path)}) where name <> 'arrow_schema' and num_children is null order by name`);
    expect(Object.fromEntries(types.map((row) => [row.name, row.type]))).toMatchObject({ id: 'INT32', small: 'INT32', big: 'INT64', f8: 'DOUBLE', t: 'BYTE_ARRAY', b: 'BOOLEAN', d: 'INT32', ts: 'INT64', bin: 'BYTE_ARRAY' });
    const rows = await duckRows(`select id, small::varchar as small, big::varchar as big, f8, num, t, b, d::varchar as d, epoch_us(ts)::varchar as ts_us, lower(hex(bin)) as by_hex, j,
      typeof(ts) as ts_type, typeof(d) as d_type from read_parquet(${sqlPath(path)}) order by id`);
    expect(rows[0].ts_type).toBe('TIMESTAMP WITH TIME ZONE');
    expect(rows[0].d_type).toBe('DATE');
    expectSameRows(rows);
  });

  it('splits the query with --partition-on into range queries whose rows DuckDB reads back equal', async () => {
    const path = await exportTo('partitioned.parquet', '--partition-on', 'id', '--partitions', '3');
    const rows = await duckRows(`select id, small::varchar as small, big::varchar as big, f8, num, t, b, d::varchar as d, epoch_us(ts)::varchar as ts_us, lower(hex(bin)) as by_hex, j
      from read_parquet(${sqlPath(path)}) order by id`);
    expectSameRows(rows);
    const refused = await runCli(['export', `select * from ${table}`, '--out', join(dir, 'never.csv'), '--dsn', testDsn(), '--partitions', '2']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--partitions needs --partition-on');
  });

  it('writes ndjson that DuckDB reads back equal: int8 with all its digits, non-finite floats and numeric as strings', async () => {
    const path = await exportTo('out.ndjson');
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toContain('"big":9223372036854775807');
    expect(lines[1]).toContain('"f8":"NaN"');
    // DuckDB's JSON reader reads -0 as 0: the sign is checked in the file itself.
    expect(lines[4]).toContain('"f8":-0,');
    expect(lines[0]).toContain('"ts":"2024-01-02T03:04:05.123456Z"');
    const rows = await duckRows(`select id, small::varchar as small, big::varchar as big,
        case when f8 in ('NaN', 'Infinity', '-Infinity') then f8::double else (f8::varchar)::double end as f8,
        num, t, b, d::varchar as d, epoch_us(ts)::varchar as ts_us, bin as by_hex, j::varchar as j
      from read_json(${sqlPath(path)}, format = 'newline_delimited', columns = {
        'id': 'INTEGER', 'small': 'SMALLINT', 'big': 'BIGINT', 'f8': 'VARCHAR', 'num': 'VARCHAR', 't': 'VARCHAR', 'b': 'BOOLEAN',
        'd': 'DATE', 'ts': 'TIMESTAMPTZ', 'bin': 'VARCHAR', 'j': 'JSON'}) order by id`);
    expectSameRows(rows, { byteaHexPrefix: true, readerDropsZeroSign: true });
  });

  it('writes an Arrow IPC file that Apache Arrow reads back equal, with Arrow types', async () => {
    const path = await exportTo('out.arrow');
    const arrow = tableFromIPC(readFileSync(path));
    expect(arrow.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      'id:Int32', 'small:Int16', 'big:Int64', 'f8:Float64', 'num:Utf8', 't:Utf8', 'b:Bool', 'd:Date32<DAY>', 'ts:Timestamp<MICROSECOND, UTC>', 'bin:Binary', 'j:Utf8',
    ]);
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
    const rows = Array.from({ length: arrow.numRows }, (_, i) => {
      const row = arrow.get(i)!;
      const value = (name: string) => row[name] as unknown;
      const date = value('d') as number | Date | null;
      return {
        id: value('id'), small: value('small') === null ? null : String(value('small')), big: value('big') === null ? null : String(value('big')),
        f8: value('f8'), num: value('num'), t: value('t'), b: value('b'),
        d: date === null ? null : new Date(date).toISOString().slice(0, 10),
        ts_us: arrow.getChild('ts')!.isValid(i) ? String(tsMicros(arrow, i)) : null,
        by_hex: value('bin') === null ? null : hex(value('bin') as Uint8Array), j: value('j'),
      };
    });
    expectSameRows(rows);
  });

  it('writes a header (and a schema) for a query that returns no rows', async () => {
    const csv = join(dir, 'empty.csv');
    const run = await runCli(['export', `select id, t from ${table} where false`, '--out', csv, '--dsn', testDsn()]);
    expect(run.code).toBe(0);
    expect(readFileSync(csv, 'utf8')).toBe('id,t\n');
    const parquet = join(dir, 'empty.parquet');
    expect((await runCli(['export', `select id, t from ${table} where false`, '--out', parquet, '--dsn', testDsn()])).code).toBe(0);
    expect(await duckRows(`select count(*)::int as n from read_parquet(${sqlPath(parquet)})`)).toEqual([{ n: 0 }]);
    expect((await duckRows(`describe select * from read_parquet(${sqlPath(parquet)})`)).map((r) => r.column_name)).toEqual(['id', 't']);
  });

  it('writes to stdout with --out - and the format given', async () => {
    const run = await runCli(['export', `select id, t from ${table} where id <= 3 order by id`, '--out', '-', '--format', 'csv', '--dsn', testDsn()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('id,t\n1,plain\n2,"comma, ""quote""\nnewline\r\nCRLF"\n3,""\n');
  });

  it('leaves no file behind when the query fails midway', async () => {
    const path = join(dir, 'failed.csv');
    const run = await runCli(['export', `select i, 1 / (70000 - i) from generate_series(1, 100000) i`, '--out', path, '--dsn', testDsn()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('division by zero');
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('failed'))).toEqual([]);
  });

  it('ends the Parquet encoder thread when the query fails midway: exit 1, no file, no hang', async () => {
    const path = join(dir, 'failed-query.parquet');
    const run = await runCli(['export', `select i, 'row ' || i as t, 1 / (70000 - i) from generate_series(1, 100000) i`, '--out', path, '--dsn', testDsn(), '--batch-rows', '5000']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('division by zero');
    expect(readdirSync(dir).filter((name) => name.includes('failed-query'))).toEqual([]);
  });

  // The encoder thread fails after two of the three batches were encoded (and the first row group's
  // bytes may be in the partial file): the CLI says so, exits 1 and leaves no file, whole or partial.
  it.each([
    ['throws', 'throw-after:2', 'Parquet encoding failed: injected encoder fault after 2 batches'],
    ['exits', 'exit-after:2', 'Parquet encoding failed: the encoder thread stopped (exit code 3) before the file was complete'],
  ])('reports a Parquet encoder thread that %s mid-export and leaves no file behind', async (_how, fault, message) => {
    const path = join(dir, `encoder-${fault.replace(':', '-')}.parquet`);
    const run = await runCli(['export', `select * from ${table} order by id`, '--out', path, '--dsn', testDsn(), '--batch-rows', batchRows], { PGLOOM_TEST_PARQUET_ENCODER_FAULT: fault });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`pgloom: error: ${message}`);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('encoder-'))).toEqual([]);
  });
});

/** µs since 1970 of row i's ts, read from the Arrow vector (its values are BigInt64). */
function tsMicros(arrow: Table, i: number): bigint {
  const column = arrow.getChild('ts')!;
  let offset = i;
  for (const data of column.data) {
    if (offset < data.length) return (data.values as BigInt64Array)[offset];
    offset -= data.length;
  }
  throw new Error(`row ${i} is outside the ts column`);
}
