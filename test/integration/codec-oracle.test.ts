// The server is the oracle: each edge value, written as a SQL literal, is fetched in binary and
// decoded, compared with the server's own text rendering of it, then sent back as a binary
// parameter for the server to confirm `$n IS NOT DISTINCT FROM literal`.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Connection, TypeOptions } from '../../src/main/index.js';
import { connectToTestServer } from '../support/server.js';

interface OracleCase {
  type: string;
  /** SQL literals (cast to `type`); 'NULL' is added to every case. */
  literals: string[];
  options?: TypeOptions;
  /** The JS value the decoder must produce, derived from the server's output-function text. */
  expected: (text: string) => unknown;
  /** Whether the decoded value, sent back as a parameter, must equal the literal (false where the mode is lossy). */
  roundTrip?: boolean;
  /** Literals whose decoded value cannot come back as the same parameter (documented ambiguities). */
  notRoundTripped?: string[];
  /** Compare round trips as text: types without an equality operator (json). */
  compareAsText?: boolean;
  /** Needs at least this server_version_num. */
  minVersion?: number;
}

const sameText = (text: string) => text;
const hexBytes = (text: string) => new Uint8Array(Buffer.from(text.slice(2), 'hex'));

const dates = ['2000-01-01', '1970-01-01', '1969-12-31', '2024-02-29', '0001-01-01', '0001-12-31 BC', '4713-11-24 BC', '5874897-12-31', 'infinity', '-infinity'];
const timestamps = [
  '2000-01-01 00:00:00', '1970-01-01 00:00:00', '1969-12-31 23:59:59.999999', '1999-12-31 23:59:59.999999', '2000-01-01 00:00:00.000001',
  '2024-02-29 12:34:56.789012', '0001-01-01 00:00:00', '0044-03-15 12:00:00 BC', '4713-11-24 00:00:00 BC', '294276-12-31 23:59:59.999999', 'infinity', '-infinity',
];
/** Within the range of a JS Date, where the default (ms) mode applies. */
const dateRangeTimestamps = ['2000-01-01 00:00:00', '1970-01-01 00:00:00', '1969-12-31 23:59:59.999', '2024-02-29 12:34:56.789', '1900-06-30 01:02:03', 'infinity', '-infinity'];
/** A timestamptz literal in UTC: the zone goes before a BC suffix; infinities take none. */
const inUtc = (t: string) => (t.endsWith('infinity') ? t : t.replace(/( BC)?$/, '+00$1'));
const infinityNumber = (text: string) => (text === 'infinity' ? Infinity : text === '-infinity' ? -Infinity : undefined);

const cases: OracleCase[] = [
  { type: 'bool', literals: ['true', 'false'], expected: (t) => t === 't' },
  { type: 'int2', literals: ['-32768', '32767', '0', '-1'], expected: Number },
  { type: 'int4', literals: ['-2147483648', '2147483647', '0', '42'], expected: Number },
  { type: 'int8', literals: ['-9223372036854775808', '9223372036854775807', '0', '9007199254740993'], expected: BigInt },
  { type: 'int8', literals: ['-9223372036854775808', '9223372036854775807', '1'], options: { int8: 'string' }, expected: sameText },
  { type: 'int8', literals: ['9007199254740991', '-9007199254740991', '0'], options: { int8: 'number' }, expected: Number },
  { type: 'oid', literals: ['0', '4294967295', '16384'], expected: Number },
  {
    type: 'float4',
    literals: ['0', '-0', 'NaN', 'Infinity', '-Infinity', '3.4028235e38', '1e-45', '1.17549435e-38', '0.1', '-123.456'].map((f) => `'${f}'`),
    expected: (t) => Math.fround(Number(t)),
  },
  {
    type: 'float8',
    literals: ['0', '-0', 'NaN', 'Infinity', '-Infinity', '1.7976931348623157e308', '5e-324', '2.2250738585072014e-308', '0.1', '123456789.123456789'].map((f) => `'${f}'`),
    expected: Number,
  },
  {
    type: 'numeric',
    literals: [
      '0', '0.0000', '-0', '1.50', '-1.5', '10000', '0.0001', '99999999.99990000', '12345678901234567890.0987654321',
      `'${'9'.repeat(1000)}.${'9'.repeat(1000)}'`, `'0.${'0'.repeat(200)}1'`, '1e100', '-1e-100', "'NaN'", "'Infinity'", "'-Infinity'",
    ],
    expected: sameText,
  },
  { type: 'numeric', literals: ['1.5', '-0.25', "'NaN'", "'Infinity'"], options: { numeric: 'number' }, expected: Number },
  { type: 'text', literals: ["''", "'hello'", "'ünïcödé ☃'", "'beyond the BMP: 😀 𝄞'", `'${'x'.repeat(100_000)}'`, "'quote '' and \\ backslash'"], expected: sameText },
  { type: 'varchar', literals: ["''", "'abc'", "'日本語'"], expected: sameText },
  { type: 'varchar(3)', literals: ["'abc'", "''"], expected: sameText },
  // bpchar keeps its padding through the output function (concat), unlike a cast to text.
  { type: 'char(5)', literals: ["'ab'", "''", "'abcde'"], expected: sameText },
  { type: 'bpchar', literals: ["'a b '", "''"], expected: sameText },
  { type: 'name', literals: ["'pg_catalog'", "''", "'ünï'"], expected: sameText },
  { type: '"char"', literals: ["'a'", "'Z'"], expected: sameText },
  { type: 'bytea', literals: ["'\\x'", "'\\x00ff10'", "decode(repeat('00ff7f80', 5000), 'hex')"], expected: hexBytes },
  {
    type: 'uuid',
    literals: ["'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'", "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'"],
    expected: sameText,
  },
  {
    type: 'json',
    literals: [`'{"a":[1,2,{"b":null}],"c":"😀","d":1.5e3}'`, "'[]'", `'"str"'`, "'1.5'", "'null'", "'true'", `'{"nested":{"deep":[[[]]]}}'`],
    expected: (t) => JSON.parse(t),
    // JSON null decodes to JS null, which as a parameter is SQL NULL (docs/types.md); 1.5e3 re-serialises as 1500.
    notRoundTripped: ["'null'", `'{"a":[1,2,{"b":null}],"c":"😀","d":1.5e3}'`],
    compareAsText: true,
  },
  {
    type: 'jsonb',
    literals: [`'{"a":[1,2,{"b":null}],"c":"😀"}'`, "'[]'", `'"str"'`, "'-0.5'", "'null'", `'{"k":"tab\\tand \\"quote\\""}'`],
    expected: (t) => JSON.parse(t),
    notRoundTripped: ["'null'"],
  },
  { type: 'json', literals: [`'{"a":  1}'`, "'[1, 2]'", "'null'"], options: { json: 'string' }, expected: sameText, compareAsText: true },
  { type: 'date', literals: dates.map((d) => `'${d}'`), expected: sameText },
  {
    type: 'date',
    literals: ["'2000-01-01'", "'1970-01-01'", "'1900-02-28'", "'2024-02-29'", "'infinity'", "'-infinity'"],
    options: { date: 'Date' },
    expected: (t) => infinityNumber(t) ?? new Date(`${t}T00:00:00Z`),
  },
  { type: 'time', literals: ["'00:00:00'", "'23:59:59.999999'", "'24:00:00'", "'12:34:56.5'", "'00:00:00.000001'", "'01:02:03.12'"], expected: sameText },
  {
    type: 'timetz',
    literals: ["'00:00:00+00'", "'23:59:59.999999-15:59'", "'12:34:56+05:30'", "'12:00:00+05:30:15'", "'24:00:00-01'", "'00:00:00.000001+15:59'"],
    expected: sameText,
  },
  { type: 'timestamp', literals: timestamps.map((t) => `'${t}'`), options: { timestamp: 'string' }, expected: sameText },
  { type: 'timestamptz', literals: timestamps.map((t) => `'${inUtc(t)}'`), options: { timestamp: 'string' }, expected: sameText },
  {
    type: 'timestamp',
    literals: timestamps.map((t) => `'${t}'`),
    options: { timestamp: 'bigint' },
    // µs since 1970 computed by the server itself, with exact integer arithmetic.
    expected: () => undefined,
  },
  {
    type: 'timestamptz',
    literals: dateRangeTimestamps.map((t) => `'${inUtc(t)}'`),
    expected: (t) => infinityNumber(t) ?? new Date(`${t.slice(0, -3).replace(' ', 'T')}Z`),
  },
  {
    type: 'timestamp',
    literals: dateRangeTimestamps.map((t) => `'${t}'`),
    expected: (t) => infinityNumber(t) ?? new Date(`${t.replace(' ', 'T')}Z`),
  },
  {
    type: 'interval',
    literals: [
      "'0'", "'1 year 2 mons 3 days 04:05:06.789'", "'-1 days +02:03:00'", "'178000000 years'", "'-178000000 years'", "'1 microsecond'",
      "'-00:00:00.000001'", "'2147483647 days'", "'-2147483648 days'", "'2562047788:00:54.775807'", "'1 mon -1 days'",
    ],
    options: { interval: 'string' },
    expected: sameText,
  },
  { type: 'interval', literals: ["'infinity'", "'-infinity'", "'1 day'"], options: { interval: 'string' }, expected: sameText, minVersion: 170000 },
];

describe('binary codecs against the server (oracle)', () => {
  let db: Connection;
  let serverVersion = 0;
  beforeAll(async () => {
    db = await connectToTestServer();
    await db.execute("set timezone to 'UTC'; set datestyle to 'ISO, MDY'; set intervalstyle to 'postgres'; set extra_float_digits to 1");
    serverVersion = Number(await db.fetchval<string>('show server_version_num'));
  });
  afterAll(async () => {
    await db?.close();
  });

  for (const testCase of cases) {
    const label = `${testCase.type}${testCase.options ? ` ${JSON.stringify(testCase.options)}` : ''}`;
    it(label, async () => {
      if (testCase.minVersion && serverVersion < testCase.minVersion) return;
      const literals = [...testCase.literals, 'NULL'];
      const valueOf = (literal: string) => `(${literal})::${testCase.type}`;
      const session = await connectToTestServer({ types: testCase.options ?? {} });
      try {
        await session.execute("set timezone to 'UTC'; set datestyle to 'ISO, MDY'; set intervalstyle to 'postgres'; set extra_float_digits to 1");
        const columns = literals.flatMap((literal, i) => [
          `${valueOf(literal)} as v${i}`,
          `concat(${valueOf(literal)}) as t${i}`,
          // For the bigint timestamp mode: the server's exact µs since 1970 (NULL for infinities).
          testCase.options?.timestamp === 'bigint'
            // (extract(epoch) divides in numeric and rounds near the end of the range, so count days and µs.)
            ? `case when isfinite(${valueOf(literal)}) then ((${valueOf(literal)}::date - date '1970-01-01')::numeric * 86400000000 + extract(epoch from ${valueOf(literal)}::time) * 1000000)::numeric(30,0)::text end as e${i}`
            : `null::text as e${i}`,
        ]);
        const row = (await session.fetchrow<Record<string, unknown>>(`select ${columns.join(', ')}`))!;
        const decoded = literals.map((_, i) => row[`v${i}`]);
        literals.forEach((literal, i) => {
          const value = decoded[i];
          if (literal === 'NULL') return expect(value).toBeNull();
          const text = row[`t${i}`] as string;
          let expected = testCase.expected(text);
          if (testCase.options?.timestamp === 'bigint') {
            const exact = row[`e${i}`] as string | null;
            expected = exact === null ? (text === 'infinity' ? Infinity : -Infinity) : BigInt(exact);
          }
          expect(value, `decoding ${literal} (server prints ${text.length > 80 ? `${text.slice(0, 80)}…` : text})`).toEqual(expected);
        });
        if (testCase.roundTrip === false) return;
        const compared = (sql: string) => (testCase.compareAsText ? `(${sql})::text` : sql);
        const sent = literals.map((literal, i) => ({ literal, value: decoded[i] })).filter(({ literal }) => !testCase.notRoundTripped?.includes(literal));
        const checks = sent.map(({ literal }, i) => `${compared(`$${i + 1}::${testCase.type}`)} is not distinct from ${compared(valueOf(literal))} as ok${i}`);
        const verdict = (await session.fetchrow<Record<string, boolean>>(`select ${checks.join(', ')}`, sent.map(({ value }) => value)))!;
        sent.forEach(({ literal, value }, i) => {
          expect(verdict[`ok${i}`], `round trip of ${literal.length > 60 ? `${literal.slice(0, 60)}…` : literal} as ${String(value).slice(0, 60)}`).toBe(true);
        });
      } finally {
        await session.close();
      }
    });
  }

  it('timestamptz values in another session time zone decode to the same instant', async () => {
    const session = await connectToTestServer({ types: { timestamp: 'bigint' } });
    try {
      await session.execute("set timezone to 'America/St_Johns'");
      const value = await session.fetchval<bigint>("select '2024-07-01 12:00:00.123456+00'::timestamptz");
      expect(value).toBe(1719835200123456n);
    } finally {
      await session.close();
    }
  });

  it('uuid: 4,000 values with every byte value in every position decode to the server\'s own text', async () => {
    // md5 of distinct inputs spreads the 16 bytes; the server prints each uuid as the oracle.
    const rows = await db.fetch<{ u: string; t: string }>('select md5(i::text)::uuid as u, md5(i::text)::uuid::text as t from generate_series(1, 4000) as i');
    expect(rows).toHaveLength(4000);
    for (const row of rows) expect(row.u).toBe(row.t);
  });

  it('the main connection stays usable after all that', async () => {
    expect(await db.fetchval('select 1::int4')).toBe(1);
  });
});
