// The server is the oracle for arrays, ranges and multiranges: each edge value, written as a SQL
// literal, is fetched in binary and decoded, compared with what the server's own text rendering
// of it says (parsed here by a small independent reader of PostgreSQL's array/range output), then
// sent back as a binary parameter for the server to confirm `$n IS NOT DISTINCT FROM literal`.
// Ranges and multiranges are also sent back as the server's text, through the literal parser.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection, TypeOptions } from '../../src/main/index.js';
import { arrayLowerBounds } from '../../src/codec/types/containers/index.js';
import { connectToTestServer } from '../support/server.js';

type Kind = 'array' | 'range' | 'multirange';
type FromText = (text: string) => unknown;

interface ContainerCase {
  /** SQL type the literals are cast to, e.g. 'int4[]'. */
  type: string;
  kind: Kind;
  /** SQL literals; 'NULL' is added to every case. */
  literals: string[];
  options?: TypeOptions;
  /** JS value of one element (array) or bound (range), from its text in the server's rendering. */
  element: FromText;
  /** Elements are JS arrays (json, multiranges): decoded multi-dimensional arrays record their bounds. */
  arrayValued?: boolean;
  /** Types without an equality operator (json): compare round trips as text. */
  compareAsText?: boolean;
  /** Literals whose decoded value cannot come back as the same parameter (documented ambiguities). */
  notRoundTripped?: string[];
  minVersion?: number;
  /** Only the round trip is checked (element types whose JS form is tested in their own oracle). */
  roundTripOnly?: boolean;
}

// ---- An independent reader of the server's text output (array_out, range_out, multirange_out) ----

interface ArrayText {
  /** Lower bounds, when the server printed a dimension decoration ('[0:2]={…}'). */
  bounds?: number[];
  values: unknown[];
}

function readArrayText(text: string): ArrayText {
  let pos = 0;
  let bounds: number[] | undefined;
  if (text[0] === '[') {
    const eq = text.indexOf('=');
    bounds = [...text.slice(0, eq).matchAll(/\[(-?\d+):(-?\d+)\]/g)].map((m) => Number(m[1]));
    pos = eq + 1;
  }
  const level = (): unknown[] => {
    pos++; // '{'
    const items: unknown[] = [];
    if (text[pos] === '}') {
      pos++;
      return items;
    }
    for (;;) {
      if (text[pos] === '{') {
        items.push(level());
      } else if (text[pos] === '"') {
        pos++;
        let s = '';
        while (text[pos] !== '"') {
          if (text[pos] === '\\') pos++;
          s += text[pos++];
        }
        pos++;
        items.push(s);
      } else {
        let s = '';
        while (text[pos] !== ',' && text[pos] !== '}') s += text[pos++];
        items.push(s === 'NULL' ? null : s);
      }
      if (text[pos++] === '}') return items;
    }
  };
  return { bounds, values: level() };
}

const BOUND = String.raw`"((?:[^"\\]|\\.)*)"|([^,"()\[\]]*)`;
const RANGE_TEXT = new RegExp(String.raw`^([\[(])(?:${BOUND}),(?:${BOUND})([\])])$`);
const unescape = (s: string) => s.replace(/\\(.)/g, '$1');

function readRangeText(text: string, bound: FromText): unknown {
  if (text === 'empty') return { lower: null, upper: null, lowerInclusive: false, upperInclusive: false, isEmpty: true };
  const m = RANGE_TEXT.exec(text);
  if (m === null) throw new Error(`test reader cannot read range text ${text}`);
  const side = (quoted: string | undefined, bare: string) => (quoted !== undefined ? bound(unescape(quoted)) : bare === '' ? null : bound(bare));
  const lower = side(m[2], m[3]);
  const upper = side(m[4], m[5]);
  return { lower, upper, lowerInclusive: m[1] === '[', upperInclusive: m[6] === ']', isEmpty: false };
}

function readMultirangeText(text: string, bound: FromText): unknown[] {
  const ranges = text.slice(1, -1).match(/(?:[\[(](?:"(?:[^"\\]|\\.)*"|[^,"])*,(?:"(?:[^"\\]|\\.)*"|[^\])"])*[\])]|empty)/g) ?? [];
  return ranges.map((r) => readRangeText(r, bound));
}

const rangeOf = (bound: FromText): FromText => (text) => readRangeText(text, bound);
const multirangeOf = (bound: FromText): FromText => (text) => readMultirangeText(text, bound);

function mapLeaves(values: unknown[], element: FromText): unknown[] {
  return values.map((v) => (Array.isArray(v) ? mapLeaves(v, element) : v === null ? null : element(v as string)));
}

function depth(values: unknown[]): number {
  return values.length > 0 && Array.isArray(values[0]) ? 1 + depth(values[0] as unknown[]) : 1;
}

// ---- Element/bound readers ----

const same: FromText = (t) => t;
const hexBytes: FromText = (t) => new Uint8Array(Buffer.from(t.slice(2), 'hex'));
const infinityNumber = (t: string) => (t === 'infinity' ? Infinity : t === '-infinity' ? -Infinity : undefined);
const tstzDate: FromText = (t) => infinityNumber(t) ?? new Date(`${t.slice(0, -3).replace(' ', 'T')}Z`);
const tsDate: FromText = (t) => infinityNumber(t) ?? new Date(`${t.replace(' ', 'T')}Z`);
const dateDate: FromText = (t) => infinityNumber(t) ?? new Date(`${t}T00:00:00Z`);

const quoted = (xs: string[]) => xs.map((x) => `'${x}'`);

const cases: ContainerCase[] = [
  // ---- arrays ----
  {
    type: 'int4[]',
    kind: 'array',
    literals: quoted([
      '{}', '{1,2,3}', '{NULL}', '{1,NULL,-2147483648,2147483647}', '{{1,2},{3,4}}', '{{{1},{2}},{{3},{4}}}', '{{NULL,NULL},{NULL,NULL}}',
      '[0:2]={1,2,3}', '[-2:-1][5:6]={{1,NULL},{3,4}}', '[1:1][1:1][1:1][1:1][1:1][1:1]={{{{{{6}}}}}}', '[2147483646:2147483646]={7}', '[-2147483648:-2147483647]={1,2}',
    ]).concat(['array(select generate_series(1, 10000))']),
    element: Number,
  },
  { type: 'int2[]', kind: 'array', literals: quoted(['{-32768,0,32767}', '[0:0]={NULL}']), element: Number },
  { type: 'int8[]', kind: 'array', literals: quoted(['{-9223372036854775808,9223372036854775807,NULL}', '[5:5]={0}', '{{1},{2}}']), element: BigInt },
  { type: 'int8[]', kind: 'array', literals: quoted(['{-9223372036854775808,9223372036854775807,NULL}']), options: { int8: 'string' }, element: same },
  { type: 'int8[]', kind: 'array', literals: quoted(['{9007199254740991,-9007199254740991,0}']), options: { int8: 'number' }, element: Number },
  { type: 'oid[]', kind: 'array', literals: quoted(['{0,4294967295}']), element: Number },
  { type: 'float4[]', kind: 'array', literals: quoted(['{0,-0,NaN,Infinity,-Infinity,3.4028235e38,1e-45,0.1}']), element: (t) => Math.fround(Number(t)) },
  { type: 'float8[]', kind: 'array', literals: quoted(['{0,-0,NaN,Infinity,-Infinity,1.7976931348623157e308,5e-324,0.1}', '{{1.5},{NULL}}']), element: Number },
  {
    type: 'numeric[]',
    kind: 'array',
    // Top-level numeric columns travel as text (numeric: 'string'); elements are the binary decoder's oracle.
    literals: quoted(['{0,-0,1.50,NaN,Infinity,-Infinity,1e-100,12345678901234567890.0987654321}', '[0:1]={0.0001,NULL}', '{0.0000,-1.5,10000,99999999.99990000,1e100}']).concat([
      `array['${'9'.repeat(1000)}.${'9'.repeat(1000)}'::numeric, '0.${'0'.repeat(200)}1'::numeric]`,
    ]),
    element: same,
  },
  { type: 'numeric[]', kind: 'array', literals: quoted(['{1.5,-0.25,NaN,Infinity}']), options: { numeric: 'number' }, element: Number },
  {
    type: 'text[]',
    kind: 'array',
    literals: [
      String.raw`array['a"b', 'back\slash', 'c,d', '{braces}', '', NULL, 'NULL', ' spaced ', 'ünïcödé', '😀 𝄞', 'tab	and
newline']`,
      `'{{"a b",c},{"",NULL}}'`,
      `'[0:1]={"",NULL}'`,
      `array['${'x'.repeat(100_000)}']`,
    ],
    element: same,
  },
  { type: 'varchar[]', kind: 'array', literals: quoted(['{abc,"",日本語}']), element: same },
  { type: 'name[]', kind: 'array', literals: quoted(['{pg_catalog,""}']), element: same },
  { type: 'char(3)[]', kind: 'array', literals: quoted(['{a,"ab ",abc}']), element: same },
  { type: '"char"[]', kind: 'array', literals: quoted(['{a,Z}']), element: same },
  { type: 'bool[]', kind: 'array', literals: quoted(['{t,f,NULL}', '{{t},{f}}']), element: (t) => t === 't' },
  { type: 'bytea[]', kind: 'array', literals: [String.raw`array['\x00ff'::bytea, '\x'::bytea, NULL]`], element: hexBytes },
  { type: 'uuid[]', kind: 'array', literals: quoted(['{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,00000000-0000-0000-0000-000000000000,NULL}']), element: same },
  {
    type: 'json[]',
    kind: 'array',
    literals: [`array['{"a":[1,2]}', '[1,2]', '"s"', '1.5', '"😀"', NULL]::json[]`, `'{{"[1]","{}"},{"2","[]"}}'`, `array['null']::json[]`],
    element: (t) => JSON.parse(t),
    arrayValued: true,
    compareAsText: true,
    // JSON null decodes to JS null, which as an element is SQL NULL (docs/types.md).
    notRoundTripped: [`array['null']::json[]`],
  },
  {
    type: 'jsonb[]',
    kind: 'array',
    literals: [`array['{"a":[1,2]}', '[1,2]', '"s"', '-0.5', NULL]::jsonb[]`, `'[0:1][0:0]={{"[1]"},{"{}"}}'`],
    element: (t) => JSON.parse(t),
    arrayValued: true,
  },
  { type: 'json[]', kind: 'array', literals: [`'{{"[1]","{}"},{"2",NULL}}'`], options: { json: 'string' }, element: same, compareAsText: true },
  { type: 'date[]', kind: 'array', literals: quoted(['{2000-01-01,1969-12-31,"0001-12-31 BC","4713-11-24 BC",5874897-12-31,infinity,-infinity,NULL}']), element: same },
  { type: 'date[]', kind: 'array', literals: quoted(['{2000-01-01,2024-02-29,infinity,-infinity}']), options: { date: 'Date' }, element: dateDate },
  {
    type: 'timestamp[]',
    kind: 'array',
    literals: quoted(['{"2000-01-01 00:00:00","1969-12-31 23:59:59.999999","0044-03-15 12:00:00 BC","294276-12-31 23:59:59.999999",infinity,-infinity}']),
    options: { timestamp: 'string' },
    element: same,
  },
  {
    type: 'timestamptz[]',
    kind: 'array',
    literals: quoted(['{"2000-01-01 00:00:00+00","1999-12-31 23:59:59.999999+00","0044-03-15 12:00:00+00 BC",infinity,NULL}']),
    options: { timestamp: 'string' },
    element: same,
  },
  { type: 'timestamptz[]', kind: 'array', literals: quoted(['{"2024-02-29 12:34:56.789+00","1969-12-31 23:59:59.999+00",infinity,-infinity}']), element: tstzDate },
  { type: 'timestamp[]', kind: 'array', literals: quoted(['{{"2024-02-29 12:34:56.789"},{"1900-06-30 01:02:03"}}']), element: tsDate },
  {
    type: 'interval[]',
    kind: 'array',
    literals: quoted(['{"1 year 2 mons 3 days 04:05:06.789","-1 days +02:03:00",00:00:00,"-178000000 years",NULL}']),
    options: { interval: 'string' },
    element: same,
  },
  { type: 'time[]', kind: 'array', literals: quoted(['{00:00:00,23:59:59.999999,24:00:00}']), element: same },
  { type: 'timetz[]', kind: 'array', literals: quoted(['{00:00:00+00,12:34:56+05:30,23:59:59.999999-15:59}']), element: same },
  {
    type: 'int4range[]',
    kind: 'array',
    literals: quoted(['{"[1,3)",empty,NULL,"(,5)","[3,)","(,)"}', '[0:0][1:2]={{"[1,2)","[3,4)"}}']),
    element: rangeOf(Number),
  },
  {
    type: 'tstzrange[]',
    kind: 'array',
    literals: quoted(['{"[\\"2000-01-01 00:00:00+00\\",infinity)",empty}']),
    options: { timestamp: 'string' },
    element: rangeOf(same),
  },
  { type: 'daterange[]', kind: 'array', literals: quoted(['{"[2000-01-01,infinity)","(,2000-01-01)"}']), element: rangeOf(same) },
  {
    type: 'int4multirange[]',
    kind: 'array',
    literals: quoted(['{"{[1,3),[5,7)}","{}",NULL}', '{{"{[1,2)}"},{"{}"}}']),
    element: multirangeOf(Number),
    arrayValued: true,
    minVersion: 140000,
  },

  // ---- arrays of the other scalar types: the generic array codec wraps their codecs (round trip as text) ----
  ...(
    [
      ['inet[]', '{192.168.0.1/24,::1,NULL}'], ['cidr[]', '{10.0.0.0/8,2001:db8::/32}'], ['macaddr[]', '{08:00:2b:01:02:03}'],
      ['macaddr8[]', '{08:00:2b:01:02:03:04:05}'], ['point[]', '{"(1,2)","(-1.5,NaN)"}'], ['line[]', '{"{1,-1,0}"}'],
      ['lseg[]', '{"[(1,2),(3,4)]",NULL}'], ['box[]', '{(3,4),(1,2);(0,0),(0,0)}'], ['path[]', '{"[(1,2),(3,4)]","((0,0),(1,1),(2,0))"}'],
      ['polygon[]', '{"((0,0),(1,1),(2,0))"}'], ['circle[]', '{"<(1,2),3>"}'], ['bit(3)[]', '{101,000}'], ['varbit[]', '{"",1,0101010101}'],
      ['money[]', '{1.23,-92233720368547758.08}'], ['xml[]', '{<a>b</a>,"text"}'], ['pg_lsn[]', '{0/0,FFFFFFFF/FFFFFFFF}'], ['tid[]', '{"(0,1)","(4294967295,65535)"}'],
      ['xid8[]', '{0,18446744073709551615}'], ['regtype[]', '{int4,pg_catalog.text}'], ['regclass[]', '{pg_class}'],
      ['tsvector[]', `{"'a':1 'b':2A"}`], ['tsquery[]', `{"'a' & !'b'"}`], ['int2vector[]', '{"1 2 3",0}'], ['oidvector[]', '{"23 25"}'],
      ['jsonpath[]', '{"$.a[*] ? (@ > 1)"}'], ['int4[][]', '{{1},{2}}'],
    ] as const
  ).map(([type, literal]): ContainerCase => ({
    type,
    kind: 'array',
    literals: [`'${literal.replace(/'/g, "''")}'`],
    element: same,
    compareAsText: true,
    roundTripOnly: true,
  })),
  { type: 'box[]', kind: 'array', literals: [`'{{(1,1),(0,0)};{(2,2),(1,1)}}'`], element: same, compareAsText: true, roundTripOnly: true },
  { type: 'int2vector[]', kind: 'array', literals: [`'{{"1 2"},{"3"}}'`], element: same, compareAsText: true, roundTripOnly: true },

  // ---- ranges ----
  {
    type: 'int4range',
    kind: 'range',
    literals: quoted(['empty', '(,)', '[1,5)', '(1,5]', '[,5)', '[3,)', '[-2147483648,2147483647)', '[5,5]', '(5,5)', '[0,0)']),
    element: Number,
  },
  { type: 'int8range', kind: 'range', literals: quoted(['[-9223372036854775808,9223372036854775807)', '(,0]', 'empty']), element: BigInt },
  {
    type: 'numrange',
    kind: 'range',
    literals: quoted(['(,)', '[1.5,2.50)', '[0.1,0.1]', '(0,0]', `(-1e-100,${'9'.repeat(100)}.5]`, '[-Infinity,Infinity]', '(,Infinity)']),
    element: same,
    minVersion: 140000,
  },
  {
    type: 'daterange',
    kind: 'range',
    literals: quoted(['[2000-01-01,infinity)', '[-infinity,2000-01-01]', '(,)', '[4713-11-24 BC,2000-01-01)', '[2024-02-29,2024-02-29]', '[5874897-12-30,5874897-12-30]', 'empty']),
    element: same,
  },
  { type: 'daterange', kind: 'range', literals: quoted(['[2000-01-01,infinity)', '(-infinity,2024-02-29]']), options: { date: 'Date' }, element: dateDate },
  {
    type: 'tsrange',
    kind: 'range',
    literals: quoted([
      '["2000-01-01 00:00:00",infinity)', '[-infinity,infinity]', '["1999-12-31 23:59:59.999999","2000-01-01 00:00:00.000001"]', '(,"0044-03-15 12:00:00 BC")',
      '["294276-12-31 23:59:59.999999",)', 'empty',
    ]),
    options: { timestamp: 'string' },
    element: same,
  },
  {
    type: 'tstzrange',
    kind: 'range',
    literals: quoted(['["2000-01-01 00:00:00+00",infinity)', '(-infinity,"1969-12-31 23:59:59.999999+00"]', '["4713-11-24 00:00:00+00 BC",)', '(,)']),
    options: { timestamp: 'string' },
    element: same,
  },
  { type: 'tstzrange', kind: 'range', literals: quoted(['["2024-02-29 12:34:56.789+00",infinity)', '(,"1970-01-01 00:00:00+00"]']), element: tstzDate },
  { type: 'tsrange', kind: 'range', literals: quoted(['["2000-01-01 00:00:00.001","2000-01-01 00:00:00.002"]']), options: { timestamp: 'bigint' }, element: (t) => BigInt(Date.parse(`${t.replace(' ', 'T')}Z`)) * 1000n },

  // ---- multiranges (PostgreSQL 14+) ----
  { type: 'int4multirange', kind: 'multirange', literals: quoted(['{}', '{[1,3),[5,7)}', '{(,5),[10,)}', '{(,)}', '{[1,3),[2,8),empty}']), element: Number, minVersion: 140000 },
  { type: 'int8multirange', kind: 'multirange', literals: quoted(['{[-9223372036854775808,0),[1,9223372036854775807)}']), element: BigInt, minVersion: 140000 },
  { type: 'nummultirange', kind: 'multirange', literals: quoted(['{[1.5,2.5],(3,)}', '{}']), element: same, minVersion: 140000 },
  { type: 'datemultirange', kind: 'multirange', literals: quoted(['{[2000-01-01,2000-02-01),[2001-01-01,infinity)}', '{(,)}']), element: same, minVersion: 140000 },
  {
    type: 'tsmultirange',
    kind: 'multirange',
    literals: quoted(['{["2000-01-01 00:00:00","2000-01-02 00:00:00"),["2000-01-03 00:00:00",)}']),
    options: { timestamp: 'string' },
    element: same,
    minVersion: 140000,
  },
  {
    type: 'tstzmultirange',
    kind: 'multirange',
    literals: quoted(['{(,"2000-01-01 00:00:00+00"],["2000-01-03 00:00:00.5+00",infinity]}']),
    options: { timestamp: 'string' },
    element: same,
    minVersion: 140000,
  },
];

const SESSION_SETTINGS = "set timezone to 'UTC'; set datestyle to 'ISO, MDY'; set intervalstyle to 'postgres'; set extra_float_digits to 1";

describe('container codecs against the server (oracle)', () => {
  let db: Connection;
  let serverVersion = 0;
  beforeAll(async () => {
    db = await connectToTestServer();
    serverVersion = Number(await db.fetchval<string>('show server_version_num'));
  });
  afterAll(async () => {
    await db?.close();
  });

  for (const testCase of cases) {
    const label = `${testCase.type} ${testCase.literals.length > 1 ? `×${testCase.literals.length}` : ''}${testCase.options ? ` ${JSON.stringify(testCase.options)}` : ''}`;
    it(label, async () => {
      if (testCase.minVersion && serverVersion < testCase.minVersion) return;
      const literals = [...testCase.literals, 'NULL'];
      const valueOf = (literal: string) => `(${literal})::${testCase.type}`;
      const session = await connectToTestServer({ types: testCase.options ?? {} });
      try {
        await session.execute(SESSION_SETTINGS);
        const columns = literals.flatMap((literal, i) => [`${valueOf(literal)} as v${i}`, `${valueOf(literal)}::text as t${i}`]);
        const row = (await session.fetchrow<Record<string, unknown>>(`select ${columns.join(', ')}`))!;
        const decoded = literals.map((_, i) => row[`v${i}`]);
        const texts = literals.map((_, i) => row[`t${i}`] as string | null);
        literals.forEach((literal, i) => {
          const value = decoded[i];
          if (literal === 'NULL') return expect(value).toBeNull();
          if (testCase.roundTripOnly) return expect(Array.isArray(value), `${literal} decodes to an array`).toBe(true);
          const text = texts[i]!;
          const why = `decoding ${literal.length > 60 ? `${literal.slice(0, 60)}…` : literal} (server prints ${text.length > 80 ? `${text.slice(0, 80)}…` : text})`;
          if (testCase.kind === 'array') {
            const parsed = readArrayText(text);
            expect(value, why).toEqual(mapLeaves(parsed.values, testCase.element));
            const ndim = parsed.values.length === 0 ? 0 : depth(parsed.values);
            const expectedBounds = parsed.bounds ?? (testCase.arrayValued && ndim > 1 ? new Array<number>(ndim).fill(1) : undefined);
            expect(arrayLowerBounds(value as unknown[]), `lower bounds of ${why}`).toEqual(expectedBounds);
          } else if (testCase.kind === 'range') {
            expect(value, why).toEqual(readRangeText(text, testCase.element));
          } else {
            expect(value, why).toEqual(readMultirangeText(text, testCase.element));
          }
        });

        // Send every decoded value back as a binary parameter; ranges and multiranges also as the server's text.
        const compared = (sql: string) => (testCase.compareAsText ? `(${sql})::text` : sql);
        const sameAs = (param: string, literal: string) => {
          const equal = `${compared(`${param}::${testCase.type}`)} is not distinct from ${compared(valueOf(literal))}`;
          return testCase.kind === 'array' ? `(${equal} and array_dims(${param}::${testCase.type}) is not distinct from array_dims(${valueOf(literal)}))` : equal;
        };
        const sent = literals
          .map((literal, i) => ({ literal, value: decoded[i], how: 'binary value' }))
          .filter(({ literal }) => !testCase.notRoundTripped?.includes(literal));
        if (testCase.kind !== 'array') {
          literals.forEach((literal, i) => sent.push({ literal, value: texts[i], how: 'server text' }));
        }
        const checks = sent.map(({ literal }, i) => `${sameAs(`$${i + 1}`, literal)} as ok${i}`);
        const verdict = (await session.fetchrow<Record<string, boolean>>(`select ${checks.join(', ')}`, sent.map(({ value }) => value)))!;
        sent.forEach(({ literal, value, how }, i) => {
          const shown = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
          expect(verdict[`ok${i}`], `round trip (${how}) of ${literal.length > 60 ? `${literal.slice(0, 60)}…` : literal} as ${shown.slice(0, 80)}`).toBe(true);
        });
      } finally {
        await session.close();
      }
    });
  }

  it('a parameter typed by the statement picks the element codec: int8[] from numbers, strings and bigints', async () => {
    const text = await db.fetchval<string>('select $1::int8[]::text', [[[1, '2'], [3n, null]]]);
    expect(text).toBe('{{1,2},{3,NULL}}');
  });

  it('typed arrays are sent as 1-D numeric arrays', async () => {
    const row = await db.fetchrow<Record<string, string>>('select $1::int4[]::text a, $2::float8[]::text b, $3::int8[]::text c', [
      new Int32Array([1, -2]),
      new Float64Array([0.5, Infinity]),
      new BigInt64Array([9007199254740993n]),
    ]);
    expect(row).toEqual({ a: '{1,-2}', b: '{0.5,Infinity}', c: '{9007199254740993}' });
  });

  it('ragged arrays are refused before anything is sent, and the connection stays usable', async () => {
    await expect(db.fetchval('select $1::int4[]', [[[1, 2], [3]]])).rejects.toThrow(/rectangular/);
    expect(await db.fetchval('select 1::int4')).toBe(1);
  });
});
