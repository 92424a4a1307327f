// `pgloom import` runs as a real process on files DuckDB wrote (CSV, ndjson, Parquet) and on an
// Arrow file; the loaded table compares equal, value by value, to what DuckDB holds.

import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvSource } from '../../src/cli/import/csv-source.js';
import type { CopySession } from '../../src/cli/import/file-source.js';
import { closeDuckdb, duckRows, runCli, sqlPath } from '../support/cli-runner.js';
import { testDsn, uniqueTable, withConnection } from '../support/server.js';

const dir = mkdtempSync(join(tmpdir(), 'pgloom-cli-import-'));
const prefix = uniqueTable('cli_import');
const columnsSql = 'id int4 primary key, small int2, big int8, f8 float8, num numeric, t text, b bool, d date, ts timestamptz, bin bytea, j jsonb';

/** DuckDB's source rows: edge cases, then enough generated rows for several COPY chunks and batches. */
const duckSource = `create table src as
  select * from (values
    (1, 1::smallint, 9223372036854775807::bigint, 0.1::double, '12345678901234567890.123456789', 'plain', true, date '2024-02-29', timestamptz '2024-01-02 03:04:05.123456+00', '\\x00ff10'::blob, '{"a": [1, "x"], "b": null}'::json),
    (2, (-32768)::smallint, (-9223372036854775808)::bigint, 'nan'::double, '-0.5', 'comma, "quote"' || chr(10) || 'newline' || chr(13) || chr(10) || 'CRLF', false, date '0001-01-01', timestamptz '1970-01-01 00:00:00+00', ''::blob, '[]'::json),
    (3, 32767::smallint, 0::bigint, 'inf'::double, '0', '', true, date '9999-12-31', timestamptz '1969-12-31 23:59:59.999999+00', '\\x0a\\x0d'::blob, '"text"'::json),
    (4, 0::smallint, 1::bigint, '-inf'::double, '0.00000000000000000001', 'unicode: héllo 日本 🎉', false, date '1970-01-01', timestamptz '2262-04-11 23:47:16.854775+00', '\\xc3\\xa9'::blob, '{"n": 1.5}'::json),
    (5, null, null, -0.0::double, null, '\\.', null, null, null, null, null),
    (6, null, null, null, null, null, null, null, null, null, null)
  ) t(id, small, big, f8, num, t, b, d, ts, bin, j)
  union all
  select i::int, (i % 30000)::smallint, i * 1000003, i / 7, (i / 8)::varchar, 'row ' || i, i % 2 = 0, date '2020-01-01' + (i % 1000)::int,
    timestamptz '2020-01-01 00:00:00+00' + to_microseconds(i * 1000001), ('\\x' || lpad(to_hex(i), 8, '0'))::varchar::blob, ('{"i": ' || i || '}')::json
  from range(100, 5100) r(i)`;

/** Canonical values from DuckDB: the expected content of every imported table. */
let expected: Record<string, unknown>[] = [];

beforeAll(async () => {
  await duckRows(duckSource);
  expected = await duckRows(`select id, small::varchar as small, big::varchar as big, f8, num, t, b, d::varchar as d, epoch_us(ts)::varchar as ts_us, lower(hex(bin)) as by_hex, j::varchar as j from src order by id`);
  // CSV and JSON have no bytes: bytea is written as PostgreSQL's hex text.
  await duckRows(`create view src_text as select * replace ('\\x' || lower(hex(bin)) as bin) from src`);
  await duckRows(`copy src_text to ${sqlPath(join(dir, 'in.csv'))} (header)`);
  await duckRows(`copy src_text to ${sqlPath(join(dir, 'in.ndjson'))} (format json)`);
  await duckRows(`copy src to ${sqlPath(join(dir, 'in.parquet'))} (format parquet)`);
}, 120_000);

afterAll(async () => {
  await withConnection(async (db) => {
    const tables = await db.fetch<{ name: string }>(`select tablename as name from pg_tables where tablename like $1`, [`${prefix}%`]);
    for (const { name } of tables) await db.execute(`drop table "${name}"`);
  });
  rmSync(dir, { recursive: true, force: true });
  await closeDuckdb();
});

async function tableRows(table: string): Promise<Record<string, unknown>[]> {
  return withConnection((db) => db.fetch(`select id, small::text, big::text, f8::text as f8, num::text, t, b, d::text,
    (extract(epoch from ts) * 1000000)::int8::text as ts_us, encode(bin, 'hex') as by_hex, j::text as j from "${table}" order by id`));
}

function expectSameAsDuckDB(rows: Record<string, unknown>[]): void {
  expect(rows.length).toBe(expected.length);
  rows.forEach((row, i) => {
    const want = expected[i];
    const context = `row id=${String(want.id)}`;
    expect(row.id, context).toBe(want.id);
    for (const key of ['small', 'big', 'num', 't', 'b', 'd', 'ts_us', 'by_hex']) expect(row[key] ?? null, `${context}: ${key}`).toBe(want[key] ?? null);
    expect(Object.is(row.f8 === null ? null : Number(row.f8), want.f8 ?? null), `${context}: f8 ${String(row.f8)} vs ${String(want.f8)}`).toBe(true);
    expect(row.j === null ? null : JSON.parse(row.j as string), context).toEqual(want.j === null ? null : JSON.parse(want.j as string));
  });
}

async function importInto(file: string, name: string, reported = '', ...extra: string[]): Promise<string> {
  const table = `${prefix}_${name}`;
  if (!extra.includes('--create')) await withConnection((db) => db.execute(`create table "${table}" (${columnsSql})`));
  const run = await runCli(['import', join(dir, file), '--table', table, '--dsn', testDsn(), ...extra]);
  expect(run.stderr).toContain(`imported ${expected.length} rows`);
  expect(run.stderr).toContain(reported);
  expect(run.code).toBe(0);
  return table;
}

describe('pgloom import', () => {
  it('loads a CSV file DuckDB wrote (its nan and inf floats send it to the server\'s parser): NULL and "" stay apart, quotes and line breaks survive', async () => {
    const table = await importInto('in.csv', 'csv', 'sent as CSV, parsed by the server');
    expectSameAsDuckDB(await tableRows(table));
  });

  // Many chunks of the file are read while the COPY is still being set up: none may be lost (the
  // progress counter once set the file flowing before the COPY read it, and rows went missing).
  it('loads every line of a CSV file of many chunks (300K lines, ~20 MB, parsed here and sent as binary COPY)', async () => {
    const lines = 300_000;
    const path = join(dir, 'large.csv');
    let text = 'id,t\n';
    for (let i = 1; i <= lines; i++) text += `${i},"line ${i}, padded to fill the file a little more"\n`;
    writeFileSync(path, text);
    const table = `${prefix}_large_csv`;
    await withConnection((db) => db.execute(`create table "${table}" (id int4, t text)`));
    const run = await runCli(['import', path, '--table', table, '--dsn', testDsn()]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`imported ${lines} rows`);
    expect(run.stderr).toContain('(parsed here, sent as binary COPY)');
    const [counts] = await withConnection((db) => db.fetch<{ n: string; first: number; last: number; sum: string }>(`select count(*)::text as n, min(id) as first, max(id) as last, sum(id)::text as sum from "${table}"`));
    expect(counts).toEqual({ n: String(lines), first: 1, last: lines, sum: String((lines * (lines + 1)) / 2) });
  });

  it('loads an ndjson file DuckDB wrote, int8 extremes exact, its bare NaN/Infinity read as floats', async () => {
    expectSameAsDuckDB(await tableRows(await importInto('in.ndjson', 'ndjson')));
  });

  it('loads a Parquet file DuckDB wrote, by binary COPY from its columns, timestamps to the µs', async () => {
    expectSameAsDuckDB(await tableRows(await importInto('in.parquet', 'parquet')));
  });

  it('rounds nanosecond timestamps of a Parquet file to the µs half to even, as PostgreSQL does', async () => {
    const file = join(dir, 'ns.parquet');
    // .0000015 → .000002 (half, odd below: up); .0000025 → .000002 (half, even below: stays); .0000026 → .000003.
    await duckRows(`copy (select * from (values (1, '2024-01-02 03:04:05.0000015'::timestamp_ns), (2, '2024-01-02 03:04:05.0000025'::timestamp_ns),
      (3, '2024-01-02 03:04:05.0000026'::timestamp_ns), (4, '1969-12-31 23:59:59.9999995'::timestamp_ns)) v(id, ts)) to ${sqlPath(file)} (format parquet)`);
    const table = `${prefix}_ns`;
    const run = await runCli(['import', file, '--table', table, '--dsn', testDsn(), '--create']);
    expect(run.stderr).toContain('imported 4 rows');
    expect(run.code).toBe(0);
    const rows = await withConnection((db) => db.fetch<{ ts: string }>(`select ts::text as ts from "${table}" order by id`));
    expect(rows.map((r) => r.ts)).toEqual(['2024-01-02 03:04:05.000002', '2024-01-02 03:04:05.000002', '2024-01-02 03:04:05.000003', '1970-01-01 00:00:00']);
  });

  it('--create makes the table from the Parquet schema, with the matching PostgreSQL types', async () => {
    const table = await importInto('in.parquet', 'created', '', '--create');
    const types = await withConnection((db) => db.fetch<{ name: string; type: string }>(
      `select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = $1::text::regclass and attnum > 0 order by attnum`, [`"${table}"`]));
    expect(types.map((c) => `${c.name} ${c.type}`)).toEqual([
      'id integer', 'small smallint', 'big bigint', 'f8 double precision', 'num text', 't text', 'b boolean', 'd date', 'ts timestamp with time zone', 'bin bytea', 'j text',
    ]);
  });

  it('round-trips a table through an Arrow file: export then import compare equal in SQL', async () => {
    const source = await importInto('in.parquet', 'arrow_source');
    const arrow = join(dir, 'round.arrow');
    const exported = await runCli(['export', `select * from "${source}"`, '--out', arrow, '--dsn', testDsn(), '--batch-rows', '2000']);
    expect(exported.code).toBe(0);
    const target = `${prefix}_round_arrow`;
    await withConnection((db) => db.execute(`create table "${target}" (${columnsSql})`));
    const run = await runCli(['import', arrow, '--table', target, '--dsn', testDsn()]);
    expect(run.code).toBe(0);
    const differing = await withConnection((db) => db.fetchval<bigint>(
      `select count(*) from ((table "${source}" except all table "${target}") union all (table "${target}" except all table "${source}")) d`));
    expect(differing).toBe(0n);
    expectSameAsDuckDB(await tableRows(target));
  });

  it('keeps nothing when a value is refused midway, and says which', async () => {
    const table = `${prefix}_refused`;
    await withConnection((db) => db.execute(`create table "${table}" (id int4, n int4)`));
    const csv = join(dir, 'refused.csv');
    writeFileSync(csv, `id,n\n${Array.from({ length: 5000 }, (_, i) => `${i},${i === 4321 ? 'not a number' : i}`).join('\n')}\n`);
    const run = await runCli(['import', csv, '--table', table, '--dsn', testDsn()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('invalid input syntax for type integer: "not a number"');
    expect(await withConnection((db) => db.fetchval<bigint>(`select count(*) from "${table}"`))).toBe(0n);
  });

  it.each([
    { shown: true, bar: 'with a bar (lines counted)' },
    { shown: false, bar: 'without a bar (the file as read)' },
  ])('a CSV load whose COPY starts late loses no row, $bar (found under load: 1036 of 5006 rows imported, no error)', async ({ shown }) => {
    const table = `${prefix}_late_copy_${shown ? 'bar' : 'quiet'}`;
    const csv = join(dir, `late-${shown}.csv`);
    writeFileSync(csv, `id,n\n${Array.from({ length: 20_000 }, (_, i) => `${i},${i * 3}`).join('\n')}\n`);
    await withConnection(async (db) => {
      await db.execute(`create table "${table}" (id int4, n int4)`);
      // A slow server: the COPY begins 200 ms after the load hands over its source.
      const late: CopySession = {
        execute: db.execute.bind(db), fetch: db.fetch.bind(db), fetchval: db.fetchval.bind(db),
        copyRecordsToTable: db.copyRecordsToTable.bind(db), copyColumnsToTable: db.copyColumnsToTable.bind(db),
        copyToTable: async (target, options) => {
          await new Promise((resolve) => setTimeout(resolve, 200));
          return db.copyToTable(target, options);
        },
      };
      let reported = 0;
      const source = await CsvSource.open(csv);
      const progress = Object.assign((_rows: number, bytes: number) => (reported = bytes), { shown });
      expect(await source.load(late, { table }, [], progress)).toBe(20_000);
      expect(reported).toBe(shown ? statSync(csv).size : 0);
      expect(await db.fetchval<bigint>(`select count(*) from "${table}" where n = id * 3`)).toBe(20_000n);
    });
  });

  it('refuses a missing table without --create, and a file column the table lacks', async () => {
    const missing = await runCli(['import', join(dir, 'in.csv'), '--table', `${prefix}_absent`, '--dsn', testDsn()]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist: create it first, or add --create');
    const table = `${prefix}_narrow`;
    await withConnection((db) => db.execute(`create table "${table}" (id int4)`));
    const narrow = await runCli(['import', join(dir, 'in.csv'), '--table', table, '--dsn', testDsn()]);
    expect(narrow.code).toBe(1);
    expect(narrow.stderr).toContain('has columns that table');
    expect(narrow.stderr).toContain('"small"');
  });
});
