import { describe, expect, it } from 'vitest';
import { DecodeError, ParameterError } from '../../../src/codec/errors/client-errors.js';
import { NUMERIC } from '../../../src/codec/types/oids.js';
import { be16, codec, decode, encode, roundTrip } from './helpers.js';

/** The binary numeric for a header and base-10000 digit groups. */
function numeric(weight: number, sign: number, dscale: number, digits: number[]): number[] {
  return [...be16(digits.length), ...be16(weight), ...be16(sign), ...be16(dscale), ...digits.flatMap(be16)];
}

const POS = 0x0000;
const NEG = 0x4000;

describe('numeric binary layout', () => {
  const c = codec(NUMERIC);
  // Each case: text, then the layout derived by hand from the format (groups of four decimal
  // digits aligned on the decimal point; weight = base-10000 exponent of the first group).
  const cases: [string, number[]][] = [
    ['1234.5600', numeric(0, POS, 4, [1234, 5600])],
    ['-1234.56', numeric(0, NEG, 2, [1234, 5600])],
    ['0', numeric(0, POS, 0, [])],
    ['0.000', numeric(0, POS, 3, [])],
    ['10000', numeric(1, POS, 0, [1])],
    ['0.0015', numeric(-1, POS, 4, [15])],
    ['0.00000000000000000001', numeric(-5, POS, 20, [1])],
    ['12345678.9', numeric(1, POS, 1, [1234, 5678, 9000])],
    ['100000000', numeric(2, POS, 0, [1])],
    ['1.0100', numeric(0, POS, 4, [1, 100])],
    ['9999.9999', numeric(0, POS, 4, [9999, 9999])],
    ['-0.5', numeric(-1, NEG, 1, [5000])],
    ['10000.0001', numeric(1, POS, 4, [1, 0, 1])],
  ];
  for (const [text, bytes] of cases) {
    it(`encodes ${text}`, () => expect(encode(c, text)).toEqual(bytes));
    it(`decodes ${text}`, () => expect(decode(c, bytes)).toBe(text));
  }
  it('encodes the special values', () => {
    expect(encode(c, 'NaN')).toEqual(numeric(0, 0xc000, 0, []));
    expect(encode(c, 'infinity')).toEqual(numeric(0, 0xd000, 0, []));
    expect(encode(c, '-Infinity')).toEqual(numeric(0, 0xf000, 0, []));
    expect(encode(c, '-inf')).toEqual(numeric(0, 0xf000, 0, []));
    expect(encode(c, NaN)).toEqual(numeric(0, 0xc000, 0, []));
    expect(encode(c, Infinity)).toEqual(numeric(0, 0xd000, 0, []));
    expect(encode(c, -Infinity)).toEqual(numeric(0, 0xf000, 0, []));
  });
  it('decodes the special values', () => {
    expect(decode(c, numeric(0, 0xc000, 0, []))).toBe('NaN');
    expect(decode(c, numeric(0, 0xd000, 0, []))).toBe('Infinity');
    expect(decode(c, numeric(0, 0xf000, 0, []))).toBe('-Infinity');
  });
});

describe('numeric decoding', () => {
  const c = codec(NUMERIC);
  it('prints exactly dscale fraction digits, truncating extra ones', () => {
    expect(decode(c, numeric(0, POS, 6, [1, 5000]))).toBe('1.500000');
    expect(decode(c, numeric(0, POS, 1, [1, 2345]))).toBe('1.2');
    expect(decode(c, numeric(0, POS, 0, [7, 9999]))).toBe('7');
  });
  it('prints implied trailing zero groups of the integer part', () => {
    expect(decode(c, numeric(3, POS, 0, [12]))).toBe('12000000000000');
  });
  it('tolerates unnormalised leading zero groups', () => {
    expect(decode(c, numeric(1, POS, 0, [0, 12]))).toBe('12');
  });
  it('prints negative zero as 0', () => {
    expect(decode(c, numeric(0, NEG, 2, []))).toBe('0.00');
  });
  it("'number' mode converts the exact text", () => {
    expect(decode(codec(NUMERIC, { numeric: 'number' }), numeric(0, NEG, 2, [1234, 5600]))).toBe(-1234.56);
    expect(decode(codec(NUMERIC, { numeric: 'number' }), numeric(0, 0xc000, 0, []))).toBeNaN();
  });
  it('rejects malformed values', () => {
    expect(() => decode(c, [0, 1, 0, 0])).toThrow(DecodeError);
    expect(() => decode(c, numeric(0, POS, 0, [1]).slice(0, 9))).toThrow(DecodeError);
    expect(() => decode(c, numeric(0, 0x1234, 0, []))).toThrow(DecodeError);
    expect(() => decode(c, numeric(0, POS, 0, [10000]))).toThrow(DecodeError);
  });
});

describe('numeric encoding', () => {
  const c = codec(NUMERIC);
  it('normalises exponents and keeps the scale of the digits given', () => {
    expect(roundTrip(c, '1.5e-3')).toBe('0.0015');
    expect(roundTrip(c, '1.50E3')).toBe('1500');
    expect(roundTrip(c, '1.2345e2')).toBe('123.45');
    expect(roundTrip(c, '1.50')).toBe('1.50');
    expect(roundTrip(c, '-000123.4500')).toBe('-123.4500');
    expect(roundTrip(c, '+.5')).toBe('0.5');
    expect(roundTrip(c, '5.')).toBe('5');
    expect(roundTrip(c, ' 7 ')).toBe('7');
    expect(roundTrip(c, '-0.00')).toBe('0.00');
  });
  it('encodes numbers by their shortest round-trip text', () => {
    expect(roundTrip(c, 0.1)).toBe('0.1');
    expect(roundTrip(c, -5e-7)).toBe('-0.0000005');
    expect(roundTrip(c, 1e21)).toBe('1000000000000000000000');
    expect(roundTrip(c, -0)).toBe('0');
    expect(roundTrip(c, 123456789.125)).toBe('123456789.125');
  });
  it('encodes bigints exactly', () => {
    expect(roundTrip(c, -(2n ** 100n))).toBe((-(2n ** 100n)).toString());
  });
  it('round-trips a 1000-digit value', () => {
    const digits = Array.from({ length: 1000 }, (_, i) => String((i * 7 + 3) % 10)).join('');
    const text = '-' + digits.slice(0, 600) + '.' + digits.slice(600);
    expect(roundTrip(c, text)).toBe(text);
    const integer = '9'.repeat(1000);
    expect(roundTrip(c, integer)).toBe(integer);
  });
  it('round-trips the largest display scale', () => {
    const text = '0.' + '0'.repeat(16382) + '1';
    expect(roundTrip(c, text)).toBe(text);
  });
  it('rejects garbage and unsupported values', () => {
    for (const bad of ['', '.', 'abc', '1.2.3', '1e', '--1', '1,5', '0x10', 'NaN1', '1 2']) {
      expect(() => encode(c, bad), bad).toThrow(ParameterError);
    }
    expect(() => encode(c, {})).toThrow(ParameterError);
    expect(() => encode(c, null)).toThrow(/got null/);
    expect(() => encode(c, '1e-20000')).toThrow(ParameterError);
    expect(() => encode(c, '1e200000')).toThrow(ParameterError);
  });
});
