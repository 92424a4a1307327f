import { describe, expect, it } from 'vitest';
import { DecodeError, ParameterError } from '../../../src/codec/errors/client-errors.js';
import {
  arrayLowerBounds,
  emptyRange,
  makeRange,
  parseMultirangeLiteral,
  parseRangeLiteral,
  withArrayLowerBounds,
} from '../../../src/codec/types/containers/index.js';
import { JsonText } from '../../../src/codec/types/json.js';
import * as oids from '../../../src/codec/types/oids.js';
import { codecFor, typeNameFor } from '../../../src/codec/types/registry.js';
import { be32, be64, codec, decode, encode, roundTrip } from './helpers.js';

/** The binary array header: ndim, has-nulls, element OID, then (length, lower bound) per dimension. */
function header(elementOid: number, hasNulls: boolean, dims: [number, number][]): number[] {
  return [...be32(dims.length), ...be32(hasNulls ? 1 : 0), ...be32(elementOid), ...dims.flatMap(([n, lb]) => [...be32(n), ...be32(lb)])];
}
const int4Item = (n: number) => [...be32(4), ...be32(n)];
const NULL_ITEM = be32(-1);
const utf8 = (s: string) => Array.from(new TextEncoder().encode(s));
const textItem = (s: string) => [...be32(utf8(s).length), ...utf8(s)];

describe('arrays: binary layout', () => {
  const c = codec(oids.INT4_ARRAY);
  it('encodes a 1-D array with a NULL element', () => {
    expect(encode(c, [1, null, 3])).toEqual([...header(oids.INT4, true, [[3, 1]]), ...int4Item(1), ...NULL_ITEM, ...int4Item(3)]);
  });
  it('sets the has-nulls flag only when there is a NULL', () => {
    expect(encode(c, [7])).toEqual([...header(oids.INT4, false, [[1, 1]]), ...int4Item(7)]);
  });
  it('encodes a 2-D array in row-major order', () => {
    expect(encode(c, [[1, 2, 3], [4, 5, 6]])).toEqual([...header(oids.INT4, false, [[2, 1], [3, 1]]), ...[1, 2, 3, 4, 5, 6].flatMap(int4Item)]);
  });
  it('encodes every empty shape as the one dimensionless empty array', () => {
    const empty = header(oids.INT4, false, []);
    expect(encode(c, [])).toEqual(empty);
    expect(encode(c, [[], []])).toEqual(empty);
    expect(encode(c, new Int32Array(0))).toEqual(empty);
  });
  it('decodes 1-D, 2-D, 3-D and empty arrays', () => {
    expect(decode(c, [...header(oids.INT4, true, [[3, 1]]), ...int4Item(-1), ...NULL_ITEM, ...int4Item(2147483647)])).toEqual([-1, null, 2147483647]);
    expect(decode(c, [...header(oids.INT4, false, [[3, 1], [1, 1]]), ...[1, 2, 3].flatMap(int4Item)])).toEqual([[1], [2], [3]]);
    expect(decode(c, [...header(oids.INT4, false, [[2, 1], [1, 1], [2, 1]]), ...[1, 2, 3, 4].flatMap(int4Item)])).toEqual([[[1, 2]], [[3, 4]]]);
    expect(decode(c, header(oids.INT4, false, []))).toEqual([]);
  });
  it('rejects malformed arrays from the server', () => {
    const good = [...header(oids.INT4, false, [[1, 1]]), ...int4Item(5)];
    expect(() => decode(c, good.slice(0, -1))).toThrow(DecodeError); // truncated element
    expect(() => decode(c, [...good, 0])).toThrow(DecodeError); // a byte left over
    expect(() => decode(c, [...header(oids.INT8, false, [[1, 1]]), ...int4Item(5)])).toThrow(/element/); // wrong element type
    expect(() => decode(c, [...header(oids.INT4, false, [[1, 1]]), ...be32(3), 0, 0, 0])).toThrow(DecodeError); // int4 of 3 bytes
    expect(() => decode(c, [...header(oids.INT4, false, [[0x7fffffff, 1]]), ...int4Item(5)])).toThrow(/cannot fit/); // absurd length
    expect(() => decode(c, [...be32(7), ...be32(0), ...be32(oids.INT4)])).toThrow(/dimensions/);
    expect(() => decode(c, [...be32(1), ...be32(2), ...be32(oids.INT4), ...be32(1), ...be32(1), ...int4Item(1)])).toThrow(/flags/);
    expect(() => decode(c, [0, 0, 0])).toThrow(DecodeError);
  });
});

describe('arrays: lower bounds', () => {
  const c = codec(oids.INT4_ARRAY);
  it('records non-default lower bounds on the decoded array, out of sight', () => {
    const value = decode(c, [...header(oids.INT4, false, [[3, 0]]), ...[1, 2, 3].flatMap(int4Item)]) as number[];
    expect(value).toEqual([1, 2, 3]);
    expect(arrayLowerBounds(value)).toEqual([0]);
    expect(Object.keys(value)).toEqual(['0', '1', '2']);
    expect(JSON.stringify(value)).toBe('[1,2,3]');
  });
  it('records nothing for default bounds', () => {
    expect(arrayLowerBounds(decode(c, [...header(oids.INT4, false, [[1, 1]]), ...int4Item(1)]) as number[])).toBeUndefined();
  });
  it('sends recorded bounds back: the round trip is exact', () => {
    const bytes = [...header(oids.INT4, false, [[1, -5], [2, 3]]), ...[8, 9].flatMap(int4Item)];
    const value = decode(c, bytes) as number[][];
    expect(value).toEqual([[8, 9]]);
    expect(arrayLowerBounds(value)).toEqual([-5, 3]);
    expect(encode(c, value)).toEqual(bytes);
  });
  it('withArrayLowerBounds tags an array for sending', () => {
    const tagged = withArrayLowerBounds([1, 2], [0]);
    expect(encode(c, tagged)).toEqual([...header(oids.INT4, false, [[2, 0]]), ...[1, 2].flatMap(int4Item)]);
    expect(arrayLowerBounds(tagged)).toEqual([0]);
  });
  it('rejects bounds that do not match the nesting or are not int32', () => {
    expect(() => encode(c, withArrayLowerBounds([1, 2], [1, 1]))).toThrow(/2 dimension/);
    expect(() => withArrayLowerBounds([1], [1.5])).toThrow(ParameterError);
    expect(() => withArrayLowerBounds([1], [2 ** 31])).toThrow(ParameterError);
    expect(() => withArrayLowerBounds([1], [])).toThrow(ParameterError);
    expect(() => withArrayLowerBounds([1], [1, 1, 1, 1, 1, 1, 1])).toThrow(ParameterError);
  });
});

describe('arrays: parameters', () => {
  const c = codec(oids.INT4_ARRAY);
  it('rejects ragged arrays, naming where', () => {
    expect(() => encode(c, [[1, 2], [3]])).toThrow('multi-dimensional arrays must be rectangular: sub-array [1] has 1 element(s) but [0] has 2');
    expect(() => encode(c, [[[1], [2]], [[3], [4, 5]]])).toThrow(/sub-array \[1\]\[1\] has 2 element\(s\) but \[0\]\[0\] has 1/);
    expect(() => encode(c, [1, [2]])).toThrow(/\[1\] is an array/);
    expect(() => encode(c, [[1], 2])).toThrow(/\[1\] is number 2 where an array of 1 element/);
    expect(() => encode(c, [[1], null])).toThrow(/NULL sub-array/);
    expect(() => encode(c, [[], [1]])).toThrow(ParameterError);
  });
  it('rejects undefined elements, non-arrays and too many dimensions', () => {
    expect(() => encode(c, [1, undefined])).toThrow('array element [1] is undefined: use null for a NULL element');
    // eslint-disable-next-line no-sparse-arrays
    expect(() => encode(c, [1, , 3])).toThrow(/undefined/);
    expect(() => encode(c, '{1,2}')).toThrow(/expected a JS array/);
    expect(() => encode(c, new Set([1]))).toThrow(ParameterError);
    expect(() => encode(c, [[[[[[[1]]]]]]])).toThrow(/at most 6 dimensions/);
  });
  it('names the element whose value the element type rejects', () => {
    expect(() => encode(c, [[1, 2], [3, 'x']])).toThrow(/array element \[1\]\[1\]: expected an integer/);
    expect(() => encode(c, [2 ** 31])).toThrow(ParameterError);
  });
  it('takes typed arrays for numeric element types, also as rows', () => {
    expect(encode(c, new Int32Array([1, 2]))).toEqual(encode(c, [1, 2]));
    expect(encode(c, [new Int32Array([1, 2]), new Int32Array([3, 4])])).toEqual(encode(c, [[1, 2], [3, 4]]));
    const f8 = codec(oids.FLOAT8_ARRAY);
    expect(roundTrip(f8, new Float64Array([0.5, -0, NaN, Infinity]))).toEqual([0.5, -0, NaN, Infinity]);
    expect(roundTrip(codec(oids.INT8_ARRAY), new BigInt64Array([-(2n ** 63n), 1n]))).toEqual([-(2n ** 63n), 1n]);
    expect(roundTrip(codec(oids.FLOAT4_ARRAY), new Float32Array([1.5]))).toEqual([1.5]);
  });
  it('takes typed arrays as elements, not dimensions, for bytea', () => {
    const b = codec(oids.BYTEA_ARRAY);
    const value = roundTrip(b, [new Uint8Array([1, 2]), null, Buffer.from([3])]);
    expect(value).toEqual([new Uint8Array([1, 2]), null, new Uint8Array([3])]);
    expect(() => encode(codec(oids.TEXT_ARRAY), new Uint8Array([65]))).toThrow(ParameterError);
  });
});

describe('arrays: element types and options', () => {
  it('text: quotes, backslashes, commas, Unicode beyond the BMP, empty string vs NULL', () => {
    const c = codec(oids.TEXT_ARRAY);
    const value = ['a"b', 'c\\d', 'e,f', '😀', '', null, 'NULL', '{}'];
    expect(encode(c, value)).toEqual([...header(oids.TEXT, true, [[8, 1]]), ...value.flatMap((s) => (s === null ? NULL_ITEM : textItem(s)))]);
    expect(roundTrip(c, value)).toEqual(value);
    expect(() => encode(c, ['a\u0000b'])).toThrow(/NUL/);
  });
  it('builds the element codec from the same type options', () => {
    expect(roundTrip(codec(oids.INT8_ARRAY), [1n, null])).toEqual([1n, null]);
    expect(roundTrip(codec(oids.INT8_ARRAY, { int8: 'string' }), ['9223372036854775807'])).toEqual(['9223372036854775807']);
    expect(roundTrip(codec(oids.INT8_ARRAY, { int8: 'number' }), [[1], [2]])).toEqual([[1], [2]]);
    expect(roundTrip(codec(oids.NUMERIC_ARRAY, { numeric: 'number' }), ['1.5'])).toEqual([1.5]);
    expect(roundTrip(codec(oids.DATE_ARRAY), ['2024-02-29', 'infinity'])).toEqual(['2024-02-29', 'infinity']);
    const ts = roundTrip(codec(oids.TIMESTAMPTZ_ARRAY, { timestamp: 'bigint' }), [0n, null]);
    expect(ts).toEqual([0n, null]);
    expect(codec(oids.INT8_ARRAY, { int8: 'string' })).not.toBe(codec(oids.INT8_ARRAY));
  });
  it('json/jsonb in parse mode: a JS array parameter is 1-D, its arrays are JSON values', () => {
    const c = codec(oids.JSONB_ARRAY);
    const value = [[1, 2], { a: [] }, 'x'];
    expect(roundTrip(c, value)).toEqual(value);
    expect(encode(c, value).slice(0, 20)).toEqual(header(oids.JSONB, false, [[3, 1]]));
    // Two dimensions need explicit bounds; the decoded value records them so it round-trips.
    const twoD = withArrayLowerBounds([[1, 2], [3, 4]], [1, 1]);
    expect(encode(c, twoD).slice(0, 28)).toEqual(header(oids.JSONB, false, [[2, 1], [2, 1]]));
    const back = roundTrip(c, twoD) as unknown[];
    expect(back).toEqual([[1, 2], [3, 4]]);
    expect(arrayLowerBounds(back)).toEqual([1, 1]);
    expect(roundTrip(codec(oids.JSON_ARRAY), [new JsonText('{"a" : 1}')])).toEqual([{ a: 1 }]);
  });
  it("json/jsonb in 'string' mode: nested JS arrays are dimensions", () => {
    const c = codec(oids.JSON_ARRAY, { json: 'string' });
    expect(roundTrip(c, [['[1]', '{}'], ['2', 'null']])).toEqual([['[1]', '{}'], ['2', 'null']]);
  });
  it('has the registry name and covers every array whose element has a codec', () => {
    expect(codecFor(oids.INT4_ARRAY, {})?.name).toBe('_int4');
    expect(typeNameFor(oids.INT4_ARRAY)).toBe('_int4');
    expect(typeNameFor(oids.CHAR_ARRAY)).toBe('_char');
    expect(typeNameFor(3905)).toBe('_int4range');
    expect(typeNameFor(6150)).toBe('_int4multirange');
    for (const [element, array] of oids.ARRAY_TYPE_OF) {
      const elementCodec = codecFor(element, {});
      const arrayCodec = codecFor(array, {});
      if (elementCodec === undefined) {
        expect(arrayCodec, `array ${array}`).toBeUndefined();
        continue;
      }
      expect(arrayCodec?.oid, `array ${array}`).toBe(array);
      expect(arrayCodec?.name).toBe(`_${elementCodec.name}`);
    }
  });
});

/** A range's bytes: flags, then each present bound as length + bytes. */
const int4Bound = (n: number) => [...be32(4), ...be32(n)];

describe('ranges', () => {
  const c = codec(oids.INT4RANGE);
  it('decodes bounds and flags', () => {
    expect(decode(c, [0x02, ...int4Bound(1), ...int4Bound(6)])).toEqual({ lower: 1, upper: 6, lowerInclusive: true, upperInclusive: false, isEmpty: false });
    expect(decode(c, [0x01])).toEqual(emptyRange());
    expect(decode(c, [0x18])).toEqual({ lower: null, upper: null, lowerInclusive: false, upperInclusive: false, isEmpty: false });
    expect(decode(c, [0x08, ...int4Bound(5)])).toEqual({ lower: null, upper: 5, lowerInclusive: false, upperInclusive: false, isEmpty: false });
    expect(decode(c, [0x14, ...int4Bound(-3)])).toEqual({ lower: -3, upper: null, lowerInclusive: false, upperInclusive: false, isEmpty: false });
    expect(decode(c, [0x04, ...int4Bound(1), ...int4Bound(2)])).toMatchObject({ lowerInclusive: false, upperInclusive: true });
    expect(decode(c, [0x06, ...int4Bound(1), ...int4Bound(2)])).toMatchObject({ lowerInclusive: true, upperInclusive: true });
  });
  it('rejects malformed ranges from the server', () => {
    expect(() => decode(c, [])).toThrow(DecodeError);
    expect(() => decode(c, [0x02, ...int4Bound(1)])).toThrow(/upper/);
    expect(() => decode(c, [0x18, 0])).toThrow(/left over/);
    expect(() => decode(c, [0x01, 0])).toThrow(DecodeError);
    expect(() => decode(c, [0x0a, ...be32(-1)])).toThrow(DecodeError);
  });
  it('encodes Range objects, defaulting to [) and never marking an unbounded side inclusive', () => {
    expect(encode(c, makeRange(1, 5))).toEqual([0x02, ...int4Bound(1), ...int4Bound(5)]);
    expect(encode(c, makeRange(1, 5, '[]'))).toEqual([0x06, ...int4Bound(1), ...int4Bound(5)]);
    expect(encode(c, makeRange(1, 5, '()'))).toEqual([0x00, ...int4Bound(1), ...int4Bound(5)]);
    expect(encode(c, { lower: 1, upper: 5 })).toEqual([0x02, ...int4Bound(1), ...int4Bound(5)]);
    expect(encode(c, { lower: null, upper: 5, lowerInclusive: true, upperInclusive: true })).toEqual([0x0c, ...int4Bound(5)]);
    expect(encode(c, { upper: undefined, lower: 2n })).toEqual([0x12, ...int4Bound(2)]);
    expect(encode(c, {})).toEqual([0x18]);
    expect(encode(c, emptyRange())).toEqual([0x01]);
    expect(encode(c, { isEmpty: true })).toEqual([0x01]);
  });
  it('encodes range literals as PostgreSQL parses them', () => {
    expect(encode(c, '[1,5)')).toEqual(encode(c, makeRange(1, 5)));
    expect(encode(c, '  ( -1 , +7 ]  ')).toEqual(encode(c, makeRange(-1, 7, '(]')));
    expect(encode(c, '(,)')).toEqual([0x18]);
    expect(encode(c, '[,3]')).toEqual([0x0c, ...int4Bound(3)]);
    expect(encode(c, 'EMPTY')).toEqual([0x01]);
    expect(encode(c, '["1","2")')).toEqual(encode(c, makeRange(1, 2)));
  });
  it('round-trips through decode', () => {
    for (const value of [makeRange(1, 6), makeRange(null, 3), makeRange(-9, null), makeRange(null, null), emptyRange()]) {
      expect(roundTrip(c, value)).toEqual(value);
    }
  });
  it('rejects malformed values, naming the problem', () => {
    expect(() => encode(c, { lower: 1, upper: 2, lowerInc: true })).toThrow("unknown range property 'lowerInc'");
    expect(() => encode(c, { lower: 1, upperInclusive: 'yes' })).toThrow(/must be a boolean/);
    expect(() => encode(c, { isEmpty: true, lower: 1 })).toThrow(/cannot have bounds/);
    expect(() => encode(c, { lower: 'x' })).toThrow(/lower bound of the range: expected an integer/);
    expect(() => encode(c, '[1,5')).toThrow(/malformed range literal/);
    expect(() => encode(c, '1,5')).toThrow(/malformed range literal/);
    expect(() => encode(c, '[1,5) x')).toThrow(/junk/);
    expect(() => encode(c, '[ ,5)')).toThrow(ParameterError); // a blank bound is not an unbounded one
    expect(() => encode(c, [1, 5])).toThrow(ParameterError);
    expect(() => encode(c, 5)).toThrow(ParameterError);
    expect(() => encode(c, new Date(0))).toThrow(ParameterError);
    expect(() => encode(c, new Map())).toThrow(ParameterError);
    expect(() => encode(c, Buffer.from('[1,2)'))).toThrow(ParameterError);
    class Span {
      constructor(readonly lower: number, readonly upper: number) {}
    }
    expect(encode(c, new Span(1, 5))).toEqual(encode(c, makeRange(1, 5)));
    expect(() => makeRange(1, 2, '[[' as '[]')).toThrow(ParameterError);
  });
  it('passes other subtypes their bounds, also from literals', () => {
    const dates = codec(oids.DATERANGE);
    const value = decode(dates, [0x02, ...be32(4), ...be32(0), ...be32(4), ...be32(0x7fffffff)]);
    expect(value).toEqual({ lower: '2000-01-01', upper: 'infinity', lowerInclusive: true, upperInclusive: false, isEmpty: false });
    expect(encode(dates, '[2000-01-01,infinity)')).toEqual([0x02, ...be32(4), ...be32(0), ...be32(4), ...be32(0x7fffffff)]);
    const ts = codec(oids.TSTZRANGE, { timestamp: 'bigint' });
    expect(encode(ts, '["2000-01-01 00:00:00+00","2000-01-01 00:00:01+00"]')).toEqual([0x06, ...be32(8), ...be64(0n), ...be32(8), ...be64(1_000_000n)]);
    expect(roundTrip(codec(oids.INT8RANGE), '[9223372036854775806,9223372036854775807)')).toEqual(makeRange(9223372036854775806n, 9223372036854775807n));
    expect(roundTrip(codec(oids.NUMRANGE), '(0.5,"1e3"]')).toEqual(makeRange('0.5', '1000', '(]'));
  });
});

describe('range literals', () => {
  it('follows the server quoting rules', () => {
    expect(parseRangeLiteral('["a""b","c\\"d"]')).toEqual(makeRange('a"b', 'c"d', '[]'));
    expect(parseRangeLiteral('(a\\,b,"x,y")')).toEqual(makeRange('a,b', 'x,y', '()'));
    expect(parseRangeLiteral('["",z)')).toEqual(makeRange('', 'z'));
    expect(parseRangeLiteral('[ a , b )')).toEqual(makeRange(' a ', ' b '));
    expect(parseRangeLiteral(' empty ')).toEqual(emptyRange());
    expect(() => parseRangeLiteral('["a,b)')).toThrow(/unterminated/);
    expect(() => parseRangeLiteral('[a\\')).toThrow(/backslash/);
  });
  it('parses multiranges', () => {
    expect(parseMultirangeLiteral('{}')).toEqual([]);
    expect(parseMultirangeLiteral(' { [1,2) , empty,(,"}"] } ')).toEqual([makeRange('1', '2'), emptyRange(), makeRange(null, '}', '(]')]);
    expect(() => parseMultirangeLiteral('[1,2)')).toThrow(/starts with/);
    expect(() => parseMultirangeLiteral('{[1,2) [3,4)}')).toThrow(/expected ','/);
    expect(() => parseMultirangeLiteral('{[1,2)')).toThrow(ParameterError);
    expect(() => parseMultirangeLiteral('{}x')).toThrow(/junk/);
  });
});

describe('multiranges', () => {
  const c = codec(oids.INT4MULTIRANGE);
  const range1to3 = [0x02, ...int4Bound(1), ...int4Bound(3)];
  const range5up = [0x12, ...int4Bound(5)];
  const bytes = [...be32(2), ...be32(range1to3.length), ...range1to3, ...be32(range5up.length), ...range5up];
  it('decodes to an array of ranges', () => {
    expect(decode(c, bytes)).toEqual([makeRange(1, 3), makeRange(5, null)]);
    expect(decode(c, be32(0))).toEqual([]);
  });
  it('encodes arrays of ranges and literals', () => {
    expect(encode(c, [makeRange(1, 3), makeRange(5, null)])).toEqual(bytes);
    expect(encode(c, ['[1,3)', { lower: 5 }])).toEqual(bytes);
    expect(encode(c, '{[1,3), [5,)}')).toEqual(bytes);
    expect(encode(c, [])).toEqual(be32(0));
    expect(encode(c, '{}')).toEqual(be32(0));
  });
  it('rejects malformed values', () => {
    expect(() => encode(c, [makeRange(1, 2), null])).toThrow(/range \[1\] of the multirange/);
    expect(() => encode(c, [{ lower: 'x' }])).toThrow(/range \[0\] of the multirange: lower bound/);
    expect(() => encode(c, makeRange(1, 2))).toThrow(ParameterError);
    expect(() => encode(c, '{[1,2)')).toThrow(ParameterError);
    expect(() => decode(c, [...be32(3), ...be32(range1to3.length), ...range1to3])).toThrow(DecodeError);
    expect(() => decode(c, [...bytes, 0])).toThrow(/left over/);
  });
  it('arrays of multiranges are 1-D by default: each multirange is a JS array', () => {
    const a = codec(6150);
    const value = [[makeRange(1, 3)], [], null];
    expect(roundTrip(a, value)).toEqual(value);
  });
  it('arrays of ranges work through the array codec', () => {
    const a = codec(3905);
    expect(roundTrip(a, [makeRange(1, 2), emptyRange(), null, '[5,)'])).toEqual([makeRange(1, 2), emptyRange(), null, makeRange(5, null)]);
    expect(roundTrip(a, [[makeRange(1, 2)], [makeRange(3, 4)]])).toEqual([[makeRange(1, 2)], [makeRange(3, 4)]]);
  });
  it('range and multirange codecs follow the subtype options', () => {
    expect(roundTrip(codec(oids.INT8MULTIRANGE, { int8: 'string' }), '{[1,2)}')).toEqual([makeRange('1', '2')]);
    expect(roundTrip(codec(oids.DATERANGE, { date: 'Date' }), '[2000-01-01,infinity]')).toEqual(makeRange<Date | number>(new Date('2000-01-01T00:00:00Z'), Infinity, '[]'));
  });
});
