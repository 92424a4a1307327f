// The CSV import's binary path against the server's own CSV parser: each file is loaded both ways —
// parsed here and sent as binary COPY (CsvSource), and sent as CSV for the server to parse — and
// the tables must hold the same text, value by value, or both loads fail with the same error.
// Forms the binary path does not read must be seen, and left to the server.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvSource } from '../../src/cli/import/csv-source.js';
import { tableColumns } from '../../src/cli/import/target-table.js';
import type { Connection } from '../../src/main/index.js';
import { withConnection } from '../support/server.js';

const dir = mkdtempSync(join(tmpdir(), 'pgloom-csv-binary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Outcome = { rows: (string | null)[][] } | { error: string };

const noProgress = Object.assign(() => undefined, { shown: false });
let files = 0;

function errorText(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  return `${code ?? 'no SQLSTATE'}: ${message}`;
}

async function tableText(db: Connection, table: string, columns: number): Promise<(string | null)[][]> {
  const list = Array.from({ length: columns }, (_, i) => `c${i}::text`).join(', ');
  const rows = await db.fetch<Record<string, string | null>>(`select ${list} from ${table} order by line`);
  return rows.map((row) => Object.values(row));
}

/**
 * Loads `lines` (CSV fields as written, one array per line) into a temp table of `types` both
 * ways; returns both outcomes and how CsvSource sent the file.
 */
async function loadBothWays(db: Connection, types: readonly string[], lines: readonly (readonly string[])[]): Promise<{ sentAs: string | undefined; ours: Outcome; server: Outcome }> {
  const names = ['line', ...types.map((_, i) => `c${i}`)];
  const path = join(dir, `file-${files++}.csv`);
  writeFileSync(path, [names.join(','), ...lines.map((fields, i) => [String(i), ...fields].join(','))].join('\n') + '\n');
  const ddl = `(line int4, ${types.map((type, i) => `c${i} ${type}`).join(', ')})`;
  await db.execute(`drop table if exists ours; drop table if exists theirs; create temp table ours ${ddl}; create temp table theirs ${ddl}`);
  const source = await CsvSource.open(path);
  let ours: Outcome;
  try {
    await db.transaction(async (tx) => {
      await source.load(tx, { table: 'ours' }, (await tableColumns(tx, { table: 'ours' }))!, noProgress);
    });
    ours = { rows: await tableText(db, 'ours', types.length) };
  } catch (error) {
    ours = { error: errorText(error) };
  }
  let server: Outcome;
  try {
    await db.copyToTable('theirs', { source: path, format: 'csv', header: true, columns: names });
    server = { rows: await tableText(db, 'theirs', types.length) };
  } catch (error) {
    server = { error: errorText(error) };
  }
  return { sentAs: source.sentAs, ours, server };
}

/** Values each encoder reads itself: the file goes as binary COPY. */
const READ_HERE: Record<string, string[]> = {
  int2: ['0', '-32768', '32767', '007', '-0'],
  int4: ['-2147483648', '2147483647', '42', '000000000000000000001'],
  int8: ['-9223372036854775808', '9223372036854775807', '123456789012345', '1234567890123456', '-4503599627370497', '0000000000000000000042'],
  numeric: ['0', '-0', '0.000', '1.', '.5', '-.5', '10000', '99990000', '-1.10', '123456789012345678901234567890.123456789012345678901', '0.00000000000000000001', '-0.0001', '9999.9999'],
  'numeric(12,2)': ['1.005', '1.004', '-1.005', '0.125', '1234567890.99', '7'],
  float8: ['0', '-0', '1.5', '-2.25e-3', '1e308', '4.9e-324', '2.2250738585072014e-308', '0.1', '123456789012345678', '.5', '5.', '1E5', '-1.7976931348623157E+308'],
  float4: ['0', '-0', '1.5', '0.1', '3.4028235e38', '1e-45', '1.17549435e-38', '16777216', '16777218', '-2.5e-3'],
  time: ['00:00:00', '23:59:59.999999', '12:34:56.5', '07:08:09.000001'],
  bool: ['t', 'f', 'true', 'FALSE', 'Yes', 'no', 'ON', 'off', '1', '0', 'y', 'N'],
  date: ['2024-02-29', '0001-01-01', '9999-12-31', '2000-01-01', '1970-01-01', '1900-03-01', '2000-02-29'],
  timestamp: ['2024-02-29 23:59:59.999999', '0001-01-01 00:00:00', '9999-12-31T23:59:59.5', '2000-01-01 00:00:00.000001', '1969-12-31 23:59:59.1'],
  timestamptz: ['2024-02-29 23:59:59.999999Z', '2024-01-01T00:00:00+05:30', '2024-01-01 00:00:00-0800', '1999-12-31 23:59:59.123-03', '0001-01-01 00:00:00+14', '9999-12-31 23:59:59.999999+00', '1970-01-01 00:00:00Z'],
  // A typmod is applied by the binary input functions as by the text ones: rounding here too.
  'timestamptz(0)': ['2024-01-01 00:00:00.5Z', '2024-01-01 00:00:01.499999+01', '1999-12-31 23:59:59.999999Z'],
  'timestamp(3)': ['2024-01-01 00:00:00.0005', '2024-01-01 00:00:00.1234'],
  'numeric(5,0)': ['12345.4', '-0.5', '99999.49'],
  uuid: ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '00000000-0000-0000-0000-000000000000'],
  text: ['""', 'plain', '"a,b"', '"say ""hi"""', '"multi\nline"', '"cr\r\nlf"', 'unicode é日🎉', ' spaces ', '\\N', 'NULL'],
  'varchar(3)': ['abc', '"ab "', 'ab   ', '日本語'],
  'char(4)': ['ab', '""', 'abcd'],
  json: ['"{""a"": [1, 2]}"', '"[]"', '"  {""x"":1}  "'],
  jsonb: ['"{""b"": 1, ""a"": [true, null]}"', '"""text"""', '1.50'],
  bytea: ['\\x', '\\x00ff10', '\\xDEADbeef'],
};

/** Forms only the server reads (or refuses): each alone in its file, which must go as CSV. */
const LEFT_TO_SERVER: Record<string, string[]> = {
  int4: [' 5', '+5', '5 ', '0x1F', '1_000', '2147483648', '""', 'abc'],
  int8: ['9223372036854775808', '-9223372036854775809', '+1'],
  numeric: ['1e5', 'NaN', 'Infinity', '-Infinity', ' 1.5', '1_000.5', '+1', '.'],
  'numeric(3,1)': ['123.4'],
  float8: ['NaN', 'Infinity', '-inf', '1e400', '1e-400', ' 1.5', '0x10', '1e'],
  // 16777217 is halfway between two float4s as a double: the decimal's side is the server's to tell.
  float4: ['16777217', '16777217.000000001', '3.5e38', '1e-50', 'NaN'],
  time: ['24:00:00', '12:34', '12:34:56.1234567', 'allballs', '12:34:56+02'],
  bool: ['tr', 'o', ' t', 'yes ', 'maybe'],
  date: ['2024-02-30', '20240101', 'Jan 1 2024', 'infinity', '2024-1-1', '0000-01-01'],
  timestamp: ['2024-01-01 00:00:00+05', '2024-01-01 24:00:00', '2024-01-01 23:59:60', '2024-01-01 00:00:00.1234567', 'infinity', '2024-01-01', '2024-01-01 00:00:00.'],
  timestamptz: ['2024-01-01 00:00:00', '2024-01-01 00:00:00 UTC', '2024-01-01T00:00:00z', '2024-01-01 00:00:00+16', '2024-01-01 00:00:00+05:3', '-infinity'],
  uuid: ['{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', 'a0eebc999c0b4ef8bb6d6bb9bd380a11', 'zz'],
  bytea: ['\\x0', 'escape\\000', '\\x 00', '""'],
  jsonb: ['"{bad"'],
};

describe('CSV import as binary COPY', () => {
  it.each(Object.entries(READ_HERE))('%s: reads every plain form itself, and loads what the server loads from the same CSV', async (type, values) => {
    await withConnection(async (db) => {
      // With a NULL (an unquoted empty field) beside them.
      const { sentAs, ours, server } = await loadBothWays(db, [type], [...values.map((value) => [value]), ['']]);
      expect(ours).toEqual(server);
      expect('rows' in server).toBe(true);
      expect(sentAs).toBe('binary');
    });
  });

  it.each(Object.entries(LEFT_TO_SERVER).flatMap(([type, values]) => values.map((value) => ({ type, value }))))(
    '$type: leaves $value to the server, with the same rows or the same error',
    async ({ type, value }) => {
      await withConnection(async (db) => {
        const { sentAs, ours, server } = await loadBothWays(db, [type], [[value]]);
        expect(ours).toEqual(server);
        expect(sentAs).toBe('csv');
      });
    },
  );

  it('falls back past the first chunk: a savepoint drops the binary attempt, the rest of the transaction stays', async () => {
    await withConnection(async (db) => {
      const lines = Array.from({ length: 40_000 }, (_, i) => [String(i * 7), `2024-01-01 00:00:${String(i % 60).padStart(2, '0')}Z`]);
      lines.push([' 5', '2024-01-01 00:00:00Z']);
      const path = join(dir, 'late-fallback.csv');
      writeFileSync(path, `n,ts\n${lines.map((fields) => fields.join(',')).join('\n')}\n`);
      await db.execute('drop table if exists late; create temp table late (n int8, ts timestamptz)');
      const source = await CsvSource.open(path);
      const loaded = await db.transaction(async (tx) => {
        await tx.execute(`insert into late values (-1, 'epoch')`);
        return source.load(tx, { table: 'late' }, (await tableColumns(tx, { table: 'late' }))!, noProgress);
      });
      expect(source.sentAs).toBe('csv');
      expect(loaded).toBe(40_001);
      expect(await db.fetchval('select count(*) from late')).toBe(40_002n);
      expect(await db.fetchval('select count(*) from late where n = -1')).toBe(1n);
      expect(await db.fetchval(`select count(*) from late where n between 0 and 279993 and n % 7 = 0 and ts = timestamptz '2024-01-01 00:00:00Z' + (n / 7 % 60) * interval '1 second'`)).toBe(40_000n);
    });
  });

  it('a row the server refuses after the first chunk gives the CSV parser\'s error, with its line, and keeps nothing', async () => {
    await withConnection(async (db) => {
      const path = join(dir, 'duplicate.csv');
      writeFileSync(path, `id\n${Array.from({ length: 30_000 }, (_, i) => String(i === 29_000 ? 5 : i)).join('\n')}\n`);
      await db.execute('drop table if exists keyed; create temp table keyed (id int4 primary key)');
      const source = await CsvSource.open(path);
      const failure = await db.transaction(async (tx) => source.load(tx, { table: 'keyed' }, (await tableColumns(tx, { table: 'keyed' }))!, noProgress)).catch((error: unknown) => error);
      expect(errorText(failure)).toMatch(/^23505: duplicate key value violates unique constraint/);
      expect(String((failure as { where?: string }).where)).toContain('line 29002');
      expect(await db.fetchval('select count(*) from keyed')).toBe(0n);
    });
  });

  it.each([
    { forms: 'plain forms only', others: false },
    { forms: 'some forms left to the server', others: true },
  ])('loads what the server loads, for random rows in $forms (property)', async ({ others }) => {
    const types = ['int8', 'numeric', 'float8', 'timestamptz', 'date', 'bool', 'text', 'float4', 'time'];
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    const form = (plain: fc.Arbitrary<string>, other: string[]) => fc.oneof(
      { weight: 30, arbitrary: plain },
      { weight: 2, arbitrary: fc.constant('') },
      { weight: others ? 1 : 0, arbitrary: fc.constantFrom(...other) },
    );
    const row = fc.tuple(
      form(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String), [' 1', '+1', '1.0']),
      form(fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.nat(12)).map(([digits, scale]) => {
        const text = (digits < 0n ? -digits : digits).toString().padStart(scale + 1, '0');
        return `${digits < 0n ? '-' : ''}${scale === 0 ? text : `${text.slice(0, -scale)}.${text.slice(-scale)}`}`;
      }), ['NaN', '1e3', '-Infinity']),
      form(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), ['NaN', 'Infinity', '1e999']),
      form(fc.record({ y: fc.integer({ min: 1, max: 9999 }), mo: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }), s: fc.nat(86_399), us: fc.nat(999_999), zone: fc.integer({ min: -14 * 60, max: 14 * 60 }) })
        .map(({ y, mo, d, s, us, zone }) => `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}.${pad(us, 6)}${zone < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(zone) / 60))}:${pad(Math.abs(zone) % 60)}`),
      ['2024-01-01 00:00:00', 'epoch', '2024-01-01 00:00:00+05']),
      form(fc.record({ y: fc.integer({ min: 1, max: 9999 }), mo: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) })
        .map(({ y, mo, d }) => `${pad(y, 4)}-${pad(mo)}-${pad(d)}`), ['epoch', '2024-1-1', '2023-02-29']),
      form(fc.constantFrom('t', 'f', 'true', 'false', 'TRUE', 'yes', 'no', 'on', 'off', '1', '0'), ['tr', 'nope']),
      form(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', 'é', '🎉', ' ', '\\'), maxLength: 8 }).map((text) => `"${text.replace(/"/g, '""')}"`), ['bare']),
      form(fc.float({ noNaN: true, noDefaultInfinity: true }).map(String), ['Infinity', '1e39']),
      form(fc.tuple(fc.nat(86_399), fc.nat(999_999)).map(([s, us]) => `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}.${pad(us, 6)}`), ['24:00:00', 'allballs']),
    );
    await withConnection(async (db) => {
      await fc.assert(fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 25 }), async (lines) => {
        const { sentAs, ours, server } = await loadBothWays(db, types, lines);
        expect(ours).toEqual(server);
        if (!others) expect(sentAs).toBe('binary');
      }), { numRuns: 30 });
    });
  });
});
