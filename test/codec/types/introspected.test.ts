// Codecs built from introspected type descriptions: composites, anonymous records, enums, domains,
// hstore, and the catalog that builds them (also the users' custom codecs).

import { describe, expect, it } from 'vitest';
import { DecodeError, InterfaceError, ParameterError } from '../../../src/codec/errors/client-errors.js';
import { TypeCatalog } from '../../../src/codec/types/introspected/catalog.js';
import type { TypeDescription } from '../../../src/codec/types/introspected/description.js';
import { hstoreCodec } from '../../../src/codec/types/introspected/hstore.js';
import * as oids from '../../../src/codec/types/oids.js';
import type { TypeCodec } from '../../../src/codec/types/codec.js';
import { be32, decode, encode, roundTrip } from './helpers.js';

const utf8 = (text: string) => [...Buffer.from(text, 'utf8')];
/** One record field as record_send writes it. */
const field = (oid: number, bytes: number[] | null) => [...be32(oid), ...(bytes === null ? be32(-1) : [...be32(bytes.length), ...bytes])];

const PAIR = 20_001;
const MOOD = 20_002;
const POSINT = 20_003;
const NESTED = 20_004;
const PAIR_ARRAY = 20_005;
const POSINT_ARRAY = 20_006;
const FLOATRANGE = 20_007;
const FLOATMULTIRANGE = 20_008;
const HSTORE = 20_009;
const NOBINARY = 20_010;
const WITH_NOBINARY = 20_011;

const types: TypeDescription[] = [
  { oid: PAIR, name: 'pair', schema: 'public', kind: 'composite', binary: true, send: 'record_send', attributes: [{ name: 'a', typeOid: oids.INT4 }, { name: 'b', typeOid: oids.TEXT }] },
  { oid: MOOD, name: 'mood', schema: 'public', kind: 'enum', binary: true, send: 'enum_send', labels: ['sad', 'ok'] },
  { oid: POSINT, name: 'posint', schema: 'public', kind: 'domain', binary: true, send: 'int4send', baseOid: oids.INT4 },
  {
    oid: NESTED, name: 'nested', schema: 'public', kind: 'composite', binary: true, send: 'record_send',
    attributes: [{ name: 'p', typeOid: PAIR }, { name: 'm', typeOid: MOOD }, { name: 'n', typeOid: POSINT }],
  },
  { oid: PAIR_ARRAY, name: '_pair', schema: 'public', kind: 'array', binary: true, send: 'array_send', elementOid: PAIR },
  { oid: POSINT_ARRAY, name: '_posint', schema: 'public', kind: 'array', binary: true, send: 'array_send', elementOid: POSINT },
  { oid: FLOATRANGE, name: 'floatrange', schema: 'public', kind: 'range', binary: true, send: 'range_send', subtypeOid: oids.FLOAT8 },
  { oid: FLOATMULTIRANGE, name: 'floatmultirange', schema: 'public', kind: 'multirange', binary: true, send: 'multirange_send', rangeOid: FLOATRANGE },
  { oid: HSTORE, name: 'hstore', schema: 'ext', kind: 'base', binary: true, send: 'hstore_send' },
  { oid: NOBINARY, name: 'nobinary', schema: 'public', kind: 'base', binary: false, send: '' },
  { oid: WITH_NOBINARY, name: 'with_nobinary', schema: 'public', kind: 'composite', binary: true, send: 'record_send', attributes: [{ name: 'x', typeOid: NOBINARY }] },
];

function catalog(): TypeCatalog {
  const c = new TypeCatalog({});
  c.add(types);
  return c;
}

function codec(c: TypeCatalog, oid: number): TypeCodec {
  const found = c.codecFor(oid);
  if (found === undefined) throw new Error(`no codec for ${oid}`);
  return found;
}

describe('composite types', () => {
  const pairBytes = [...be32(2), ...field(oids.INT4, be32(7)), ...field(oids.TEXT, utf8('x'))];

  it('decode to objects keyed by attribute name, NULL attributes as null', () => {
    const pair = codec(catalog(), PAIR);
    expect(decode(pair, pairBytes)).toEqual({ a: 7, b: 'x' });
    expect(decode(pair, [...be32(2), ...field(oids.INT4, null), ...field(oids.TEXT, null)])).toEqual({ a: null, b: null });
  });

  it('encode objects (missing keys are NULL) and arrays in attribute order', () => {
    const pair = codec(catalog(), PAIR);
    expect(encode(pair, { a: 7, b: 'x' })).toEqual(pairBytes);
    expect(encode(pair, [7, 'x'])).toEqual(pairBytes);
    expect(encode(pair, { b: null })).toEqual([...be32(2), ...field(oids.INT4, null), ...field(oids.TEXT, null)]);
  });

  it('reject unknown keys, wrong arity and attribute values their type refuses', () => {
    const pair = codec(catalog(), PAIR);
    expect(() => encode(pair, { a: 1, c: 2 })).toThrow(/pair has no attribute 'c'/);
    expect(() => encode(pair, [1])).toThrow(/2 attribute\(s\) but the array has 1/);
    expect(() => encode(pair, { a: 'one' })).toThrow(/attribute a of pair: expected/);
    expect(() => encode(pair, 'text')).toThrow(ParameterError);
  });

  it('nest: composites of composites, enums and domains', () => {
    const nested = codec(catalog(), NESTED);
    const value = { p: { a: -1, b: '🦄' }, m: 'ok', n: 42 };
    expect(roundTrip(nested, value)).toEqual(value);
    // The domain attribute is sent under the domain's own OID, as record_recv checks.
    const bytes = encode(nested, value);
    expect(bytes.slice(-12, -8)).toEqual(be32(POSINT));
  });

  it('name what changed when the server sends another shape (ALTER TYPE without reloadSchemaState)', () => {
    const pair = codec(catalog(), PAIR);
    const three = [...be32(3), ...field(oids.INT4, be32(1)), ...field(oids.TEXT, utf8('x')), ...field(oids.INT4, null)];
    expect(() => decode(pair, three)).toThrow(/sent 3 attribute\(s\) but pgloom knows 2.*reloadSchemaState/);
    const retyped = [...be32(2), ...field(oids.INT8, [0, 0, 0, 0, 0, 0, 0, 1]), ...field(oids.TEXT, utf8('x'))];
    expect(() => decode(pair, retyped)).toThrow(DecodeError);
    expect(() => decode(pair, [...be32(2), ...field(oids.INT4, be32(1))])).toThrow(DecodeError);
  });

  it('arrays of composites keep NULL elements', () => {
    const array = codec(catalog(), PAIR_ARRAY);
    expect(roundTrip(array, [{ a: 1, b: 'x' }, null, { a: null, b: null }])).toEqual([{ a: 1, b: 'x' }, null, { a: null, b: null }]);
  });

  it('a composite with an attribute lacking binary I/O has no codec (it is read as text)', () => {
    const c = catalog();
    expect(c.codecFor(WITH_NOBINARY)).toBeUndefined();
    expect(c.codecFor(NOBINARY)).toBeUndefined();
    expect(c.resultFormat(WITH_NOBINARY)).toBe(0);
    expect(c.resultFormat(PAIR)).toBe(1);
  });
});

describe('anonymous records', () => {
  it('decode to arrays, looking each field type up by the OID in the value', () => {
    const record = codec(catalog(), oids.RECORD);
    const bytes = [...be32(3), ...field(oids.INT4, be32(1)), ...field(MOOD, utf8('sad')), ...field(oids.TEXT, null)];
    expect(decode(record, bytes)).toEqual([1, 'sad', null]);
    expect(decode(record, be32(0))).toEqual([]);
  });

  it('name the fix for a field of an unknown type, and cannot be sent', () => {
    const record = codec(catalog(), oids.RECORD);
    expect(() => decode(record, [...be32(1), ...field(99_999, [1])])).toThrow(/type oid 99999.*named composite/);
    expect(() => encode(record, [1, 2])).toThrow(/anonymous record.*\$1::my_type/);
  });

  it('arrays of records decode to arrays of arrays', () => {
    const records = codec(catalog(), oids.RECORD_ARRAY);
    const element = [...be32(1), ...field(oids.INT4, be32(5))];
    const bytes = [...be32(1), ...be32(0), ...be32(oids.RECORD), ...be32(1), ...be32(1), ...be32(element.length), ...element];
    expect(decode(records, bytes)).toEqual([[5]]);
  });

  it('refuse malformed values', () => {
    const record = codec(catalog(), oids.RECORD);
    expect(() => decode(record, [0, 0])).toThrow(DecodeError);
    expect(() => decode(record, be32(1000))).toThrow(/invalid record field count/);
    expect(() => decode(record, [...be32(1), ...field(oids.INT4, be32(1)), 0])).toThrow(/left over/);
  });
});

describe('enums and domains', () => {
  it('enums are strings both ways', () => {
    const mood = codec(catalog(), MOOD);
    expect(encode(mood, 'sad')).toEqual(utf8('sad'));
    expect(decode(mood, utf8('ok'))).toBe('ok');
    expect(() => encode(mood, 1)).toThrow(ParameterError);
  });

  it('domains are their base type under their own OID, arrays of domains too', () => {
    const c = catalog();
    const posint = codec(c, POSINT);
    expect(posint.oid).toBe(POSINT);
    expect(posint.name).toBe('posint');
    expect(roundTrip(posint, 5)).toBe(5);
    expect(() => encode(posint, 'five')).toThrow(ParameterError);
    const array = codec(c, POSINT_ARRAY);
    expect(encode(array, [1]).slice(8, 12)).toEqual(be32(POSINT));
    expect(roundTrip(array, [[1, 2], [3, null]])).toEqual([[1, 2], [3, null]]);
  });

  it('ranges and multiranges over an introspected range type', () => {
    const c = catalog();
    expect(roundTrip(codec(c, FLOATRANGE), { lower: 1.5, upper: null })).toEqual({ lower: 1.5, upper: null, lowerInclusive: true, upperInclusive: false, isEmpty: false });
    expect(roundTrip(codec(c, FLOATMULTIRANGE), ['[1,2)', '[3,4]'])).toHaveLength(2);
  });
});

describe('hstore', () => {
  const bytes = [...be32(2), ...be32(1), ...utf8('a'), ...be32(1), ...utf8('1'), ...be32(2), ...utf8('é'), ...be32(-1)];

  it('decodes to a plain object or, with hstore: Map, a Map', () => {
    expect(decode(hstoreCodec(HSTORE, 'hstore', 'object'), bytes)).toEqual({ a: '1', é: null });
    expect(decode(hstoreCodec(HSTORE, 'hstore', 'Map'), bytes)).toEqual(new Map([['a', '1'], ['é', null]]));
    const proto = decode(hstoreCodec(HSTORE, 'hstore', 'object'), [...be32(1), ...be32(9), ...utf8('__proto__'), ...be32(1), ...utf8('x')]) as object;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__']);
  });

  it('encodes objects and Maps; values must be strings or null', () => {
    const hstore = hstoreCodec(HSTORE, 'hstore', 'object');
    expect(encode(hstore, { a: '1', é: null })).toEqual(bytes);
    expect(encode(hstore, new Map([['a', '1'], ['é', null]]))).toEqual(bytes);
    expect(encode(hstore, {})).toEqual(be32(0));
    expect(() => encode(hstore, { a: 1 })).toThrow(/value of key 'a': expected a string or null/);
    expect(() => encode(hstore, 'a=>1')).toThrow(/\$1::text::hstore/);
    expect(() => encode(hstore, new Map([[1, 'x']]))).toThrow(/keys must be strings/);
  });

  it('refuses NULL keys and truncated values', () => {
    const hstore = hstoreCodec(HSTORE, 'hstore', 'object');
    expect(() => decode(hstore, [...be32(1), ...be32(-1), ...be32(-1)])).toThrow(DecodeError);
    expect(() => decode(hstore, [...be32(1), ...be32(5), ...utf8('ab')])).toThrow(DecodeError);
  });

  it('is found by its send function, wherever the extension lives', () => {
    expect(decode(codec(catalog(), HSTORE), bytes)).toEqual({ a: '1', é: null });
  });
});

describe('the catalog', () => {
  it('asks to introspect only unknown non-built-in OIDs, once each', () => {
    const c = new TypeCatalog({});
    expect(c.missing([oids.INT4, oids.VOID, 1034, 70_000, 70_000, 70_001])).toEqual([70_000, 70_001]);
    const generation = c.generation;
    c.add([], [70_000]);
    expect(c.generation).toBeGreaterThan(generation);
    expect(c.missing([70_000])).toEqual([]);
    expect(c.codecFor(70_000)).toBeUndefined();
  });

  it('reset() forgets introspected types but keeps custom codecs', () => {
    const c = catalog();
    c.setCustomCodec(MOOD, { format: 'text', encoder: (v: string) => v, decoder: (t) => t.toUpperCase() });
    c.reset();
    expect(c.codecFor(PAIR)).toBeUndefined();
    expect(c.missing([PAIR, MOOD])).toEqual([PAIR]);
    expect(decode(codec(c, MOOD), utf8('ok'))).toBe('OK');
  });

  it('closure() lists every description a type is built from', () => {
    expect(catalog().closure([NESTED]).map((t) => t.oid).sort()).toEqual([PAIR, MOOD, POSINT, NESTED].sort());
  });

  it('wire settings force formats, alias built-in codecs and reset on a new epoch', () => {
    const c = catalog();
    c.applyWireSettings({ epoch: 0, textOids: [PAIR], binaryOids: [NOBINARY], aliases: [[70_000, 'text']] });
    expect(c.resultFormat(PAIR)).toBe(0);
    expect(c.resultFormat(NOBINARY)).toBe(1);
    expect(decode(codec(c, 70_000), utf8('hi'))).toBe('hi');
    c.applyWireSettings({ epoch: 1, textOids: [], binaryOids: [], aliases: [] });
    expect(c.codecFor(PAIR)).toBeUndefined();
  });
});

describe('custom codecs', () => {
  it("'text' codecs read and write text, and make the type travel as text", () => {
    const c = catalog();
    c.setCustomCodec<unknown>(PAIR, { format: 'text', encoder: (v) => `(${(v as { a: number }).a},)`, decoder: (text) => ({ text }) });
    const pair = codec(c, PAIR);
    expect(pair.format).toBe('text');
    expect(c.resultFormat(PAIR)).toBe(0);
    expect(decode(pair, utf8('(1,x)'))).toEqual({ text: '(1,x)' });
    expect(encode(pair, { a: 3 })).toEqual(utf8('(3,)'));
    // Arrays of the type travel as array literals, their elements through the codec.
    const pairs = codec(c, PAIR_ARRAY);
    expect(pairs.format).toBe('text');
    expect(decode(pairs, utf8('{"(1,x)",NULL}'))).toEqual([{ text: '(1,x)' }, null]);
    expect(encode(pairs, [{ a: 3 }, null])).toEqual(utf8('{"(3,)",NULL}'));
  });

  it("'binary' codecs get a copy of the bytes and return bytes", () => {
    const c = new TypeCatalog({});
    c.setCustomCodec(oids.INT4, { format: 'binary', encoder: (v: number) => new Uint8Array(be32(v * 2)), decoder: (bytes) => bytes.length });
    expect(decode(codec(c, oids.INT4), be32(5))).toBe(4);
    expect(encode(codec(c, oids.INT4), 3)).toEqual(be32(6));
    // …and built-in arrays of the type use it for their elements.
    expect(encode(codec(c, oids.INT4_ARRAY), [1]).slice(-4)).toEqual(be32(2));
  });

  it("'tuple' codecs work on the decoded parts of composites and ranges", () => {
    const c = catalog();
    c.setCustomCodec(PAIR, { format: 'tuple', encoder: (v: string) => v.split(':').map((p, i) => (i === 0 ? Number(p) : p)), decoder: (t) => t.join(':') });
    expect(roundTrip(codec(c, PAIR), '7:x')).toBe('7:x');
    c.setCustomCodec(FLOATRANGE, { format: 'tuple', encoder: (v: unknown[]) => v, decoder: (t) => t });
    expect(roundTrip(codec(c, FLOATRANGE), [1, 2, '[]'])).toEqual([1, 2, '[]']);
    expect(roundTrip(codec(c, FLOATRANGE), [null, null, 'empty'])).toEqual([null, null, 'empty']);
  });

  it('refuse tuples for other types, codecs on domains, and wrong return types', () => {
    const c = catalog();
    expect(() => c.setCustomCodec(MOOD, { format: 'tuple', encoder: () => [], decoder: (t) => t })).toThrow(InterfaceError);
    expect(() => c.setCustomCodec(POSINT, { format: 'text', encoder: String, decoder: Number })).toThrow(/domain.*base type/);
    c.setCustomCodec(MOOD, { format: 'text', encoder: () => 5 as unknown as string, decoder: (t) => t });
    expect(() => encode(codec(c, MOOD), 'x')).toThrow(/must return a string/);
    c.setCustomCodec(MOOD, { format: 'text', encoder: (v: string) => v, decoder: () => { throw new Error('boom'); } });
    expect(() => decode(codec(c, MOOD), utf8('x'))).toThrow(/custom decoder of type mood threw: boom/);
    expect(() => c.setBuiltinCodec(MOOD, 'no_such_codec')).toThrow(/no built-in codec named 'no_such_codec'/);
  });

  it('resetCodec() restores the default', () => {
    const c = catalog();
    c.setBuiltinCodec(NOBINARY, 'text');
    expect(decode(codec(c, NOBINARY), utf8('z'))).toBe('z');
    c.resetCodec(NOBINARY);
    expect(c.codecFor(NOBINARY)).toBeUndefined();
  });
});
