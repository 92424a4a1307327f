import { describe, expect, it } from 'vitest';
import { DecodeError, ParameterError } from '../../../src/codec/errors/client-errors.js';
import * as oids from '../../../src/codec/types/oids.js';
import { be32, be64, codec, decode, encode, roundTrip } from './helpers.js';

describe('bool', () => {
  const c = codec(oids.BOOL);
  it('encodes and decodes one byte', () => {
    expect(encode(c, true)).toEqual([1]);
    expect(encode(c, false)).toEqual([0]);
    expect(decode(c, [1])).toBe(true);
    expect(decode(c, [0])).toBe(false);
  });
  it('rejects non-booleans with what it got', () => {
    expect(() => encode(c, 'yes')).toThrow(ParameterError);
    expect(() => encode(c, 'yes')).toThrow("expected a boolean, got string 'yes'");
    expect(() => encode(c, 1)).toThrow(ParameterError);
  });
  it('rejects a wrong field length', () => {
    expect(() => decode(c, [1, 0])).toThrow(DecodeError);
  });
});

describe('int2 / int4', () => {
  const i2 = codec(oids.INT2);
  const i4 = codec(oids.INT4);
  it('uses big-endian two’s complement', () => {
    expect(encode(i2, -2)).toEqual([0xff, 0xfe]);
    expect(encode(i4, 258)).toEqual([0, 0, 1, 2]);
    expect(decode(i2, [0x80, 0])).toBe(-32768);
    expect(decode(i4, [0x7f, 0xff, 0xff, 0xff])).toBe(2147483647);
  });
  it('accepts bigint within range', () => {
    expect(encode(i4, -1n)).toEqual([0xff, 0xff, 0xff, 0xff]);
  });
  it('range-checks and rejects fractions, NaN and strings', () => {
    expect(() => encode(i2, 32768)).toThrow(ParameterError);
    expect(() => encode(i2, -32769)).toThrow(ParameterError);
    expect(() => encode(i4, 2147483648)).toThrow(ParameterError);
    expect(() => encode(i4, 2 ** 31 * -1 - 1)).toThrow(ParameterError);
    expect(() => encode(i4, 1.5)).toThrow(/got number 1.5/);
    expect(() => encode(i4, NaN)).toThrow(ParameterError);
    expect(() => encode(i4, '12')).toThrow(/got string '12'/);
    expect(() => encode(i4, 2n ** 31n)).toThrow(ParameterError);
  });
});

describe('int8', () => {
  const min = -(2n ** 63n);
  const max = 2n ** 63n - 1n;
  it('decodes to bigint by default', () => {
    const c = codec(oids.INT8);
    expect(decode(c, [0x80, 0, 0, 0, 0, 0, 0, 0])).toBe(min);
    expect(decode(c, [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])).toBe(max);
    expect(roundTrip(c, -1n)).toBe(-1n);
  });
  it('encodes bigint, safe numbers and decimal strings', () => {
    const c = codec(oids.INT8);
    expect(encode(c, min)).toEqual([0x80, 0, 0, 0, 0, 0, 0, 0]);
    expect(encode(c, '9223372036854775807')).toEqual([0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(encode(c, -1)).toEqual(be64(-1n));
    expect(encode(c, ' +42 ')).toEqual(be64(42n));
    expect(encode(c, Number.MAX_SAFE_INTEGER)).toEqual(be64(9007199254740991n));
  });
  it('rejects out-of-range and imprecise values', () => {
    const c = codec(oids.INT8);
    expect(() => encode(c, max + 1n)).toThrow(ParameterError);
    expect(() => encode(c, '-9223372036854775809')).toThrow(ParameterError);
    expect(() => encode(c, 2 ** 53)).toThrow(ParameterError);
    expect(() => encode(c, 1.5)).toThrow(ParameterError);
    expect(() => encode(c, '1.0')).toThrow(ParameterError);
    expect(() => encode(c, '')).toThrow(ParameterError);
    expect(() => encode(c, true)).toThrow(ParameterError);
  });
  it("'number' mode returns safe integers and refuses the rest", () => {
    const c = codec(oids.INT8, { int8: 'number' });
    expect(decode(c, be64(9007199254740991n))).toBe(9007199254740991);
    expect(decode(c, be64(-9007199254740991n))).toBe(-9007199254740991);
    expect(decode(c, be64(-5n))).toBe(-5);
    expect(decode(c, be64(4294967296n))).toBe(4294967296);
    expect(() => decode(c, be64(9007199254740992n))).toThrow(DecodeError);
    expect(() => decode(c, be64(-9007199254740992n))).toThrow(DecodeError);
    expect(() => decode(c, be64(min))).toThrow(/9223372036854775808/);
  });
  it("'string' mode returns decimal text", () => {
    const c = codec(oids.INT8, { int8: 'string' });
    expect(decode(c, be64(min))).toBe('-9223372036854775808');
  });
});

describe('oid', () => {
  const c = codec(oids.OID);
  it('is unsigned 32-bit', () => {
    expect(decode(c, [0xff, 0xff, 0xff, 0xff])).toBe(4294967295);
    expect(encode(c, 4294967295)).toEqual([0xff, 0xff, 0xff, 0xff]);
    expect(() => encode(c, -1)).toThrow(ParameterError);
    expect(() => encode(c, 2 ** 32)).toThrow(ParameterError);
  });
});

describe('float4 / float8', () => {
  const f4 = codec(oids.FLOAT4);
  const f8 = codec(oids.FLOAT8);
  it('uses IEEE 754 big-endian', () => {
    expect(encode(f4, 1)).toEqual([0x3f, 0x80, 0, 0]);
    expect(encode(f8, -2)).toEqual([0xc0, 0, 0, 0, 0, 0, 0, 0]);
    expect(decode(f4, [0x7f, 0x80, 0, 0])).toBe(Infinity);
    expect(decode(f8, [0xff, 0xf0, 0, 0, 0, 0, 0, 0])).toBe(-Infinity);
  });
  it('keeps NaN, infinities and -0', () => {
    for (const c of [f4, f8]) {
      expect(roundTrip(c, NaN)).toBeNaN();
      expect(roundTrip(c, Infinity)).toBe(Infinity);
      expect(roundTrip(c, -Infinity)).toBe(-Infinity);
      expect(Object.is(roundTrip(c, -0), -0)).toBe(true);
    }
    expect(encode(f8, -0)).toEqual([0x80, 0, 0, 0, 0, 0, 0, 0]);
  });
  it('float4 decodes to the float32 value', () => {
    expect(roundTrip(f4, 0.1)).toBe(Math.fround(0.1));
    expect(roundTrip(f8, 0.1)).toBe(0.1);
  });
  it('rejects non-numbers and float4 overflow', () => {
    expect(() => encode(f8, 1n)).toThrow(ParameterError);
    expect(() => encode(f8, '1.5')).toThrow(ParameterError);
    expect(() => encode(f4, 1e39)).toThrow(ParameterError);
  });
  it('rejects a wrong field length', () => {
    expect(() => decode(f8, be32(0))).toThrow(DecodeError);
  });
});
