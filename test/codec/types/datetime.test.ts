import { describe, expect, it } from 'vitest';
import { DecodeError, ParameterError } from '../../../src/codec/errors/client-errors.js';
import * as oids from '../../../src/codec/types/oids.js';
import { be32, be64, codec, decode, encode, roundTrip } from './helpers.js';

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const US_PER_DAY = 86_400_000_000n;

describe('date', () => {
  const c = codec(oids.DATE);
  // Days since 2000-01-01, from the Julian day numbers (2000-01-01 is JD 2451545).
  const known: [string, number][] = [
    ['2000-01-01', 0],
    ['1999-12-31', -1],
    ['1970-01-01', -10957],
    ['2024-02-29', 24 * 365 + 6 + 31 + 28],
    ['0001-01-01', 1721426 - 2451545],
    ['0001-12-31 BC', 1721425 - 2451545],
    ['4714-11-24 BC', -2451545], // Julian day 0, PostgreSQL's smallest date
    ['5874897-12-31', 2147483494 - 2451545 - 1], // the day before DATE_END_JULIAN
  ];
  for (const [text, days] of known) {
    it(`${text} is day ${days}`, () => {
      expect(encode(c, text)).toEqual(be32(days));
      expect(decode(c, be32(days))).toBe(text);
    });
  }
  it('round-trips BC dates and leap days of BC years', () => {
    for (const text of ['0044-03-15 BC', '4713-11-24 BC', '0005-02-29 BC', '1900-02-28', '10000-01-01', '0001-03-01 BC']) {
      expect(roundTrip(c, text)).toBe(text);
    }
  });
  it('has infinities', () => {
    expect(encode(c, 'infinity')).toEqual([0x7f, 0xff, 0xff, 0xff]);
    expect(encode(c, '-Infinity')).toEqual([0x80, 0, 0, 0]);
    expect(encode(c, Infinity)).toEqual([0x7f, 0xff, 0xff, 0xff]);
    expect(decode(c, [0x7f, 0xff, 0xff, 0xff])).toBe('infinity');
    expect(decode(c, [0x80, 0, 0, 0])).toBe('-infinity');
  });
  it('encodes a Date by its UTC calendar date', () => {
    expect(encode(c, new Date(Date.UTC(1969, 11, 31, 23, 59)))).toEqual(be32(-10958));
    expect(encode(c, new Date(Date.UTC(2000, 0, 1, 0, 0, 0, 1)))).toEqual(be32(0));
  });
  it("'Date' mode decodes to UTC midnight and infinities to ±Infinity", () => {
    const d = codec(oids.DATE, { date: 'Date' });
    expect((decode(d, be32(-10957)) as Date).toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect((decode(d, be32(-2451545)) as Date).getTime()).toBe((-2451545 - -10957) * 86_400_000);
    expect(decode(d, [0x7f, 0xff, 0xff, 0xff])).toBe(Infinity);
    expect(decode(d, [0x80, 0, 0, 0])).toBe(-Infinity);
    expect(() => decode(d, be32(2147483494 - 2451545 - 1))).toThrow(DecodeError);
  });
  it('rejects invalid dates and values', () => {
    for (const bad of ['2023-02-30', '2023-13-01', '2023-00-10', '0000-01-01', '1900-02-29', '4714-11-23 BC', '5874898-01-01', '23-01-01', '2023-01-01 12:00', 'today']) {
      expect(() => encode(c, bad), bad).toThrow(ParameterError);
    }
    expect(() => encode(c, new Date(NaN))).toThrow(ParameterError);
    expect(() => encode(c, 0)).toThrow(ParameterError);
    expect(() => encode(c, null)).toThrow(ParameterError);
  });
});

describe('time', () => {
  const c = codec(oids.TIME);
  it('is µs since midnight', () => {
    expect(encode(c, '24:00:00')).toEqual(be64(US_PER_DAY));
    expect(encode(c, '00:00:00.000001')).toEqual(be64(1n));
    expect(encode(c, '12:34:56.5')).toEqual(be64(((12n * 60n + 34n) * 60n + 56n) * 1_000_000n + 500_000n));
    expect(encode(c, '01:02')).toEqual(be64(3_720_000_000n));
    expect(encode(c, 5n)).toEqual(be64(5n));
  });
  it('prints as PostgreSQL does, trimming fraction zeros', () => {
    expect(decode(c, be64(0n))).toBe('00:00:00');
    expect(decode(c, be64(US_PER_DAY))).toBe('24:00:00');
    expect(decode(c, be64(1n))).toBe('00:00:00.000001');
    expect(decode(c, be64(45_296_500_000n))).toBe('12:34:56.5');
    expect(decode(c, be64(US_PER_DAY - 1n))).toBe('23:59:59.999999');
    expect(decode(c, be64(45_296_120_000n))).toBe('12:34:56.12');
  });
  it("'bigint' mode returns µs", () => {
    expect(decode(codec(oids.TIME, { time: 'bigint' }), be64(US_PER_DAY))).toBe(US_PER_DAY);
  });
  it('rejects out-of-range times and other types', () => {
    for (const bad of ['24:00:00.000001', '25:00:00', '12:60:00', '12:00:60', '12:00:00.1234567', '12', '12:00:00+02']) {
      expect(() => encode(c, bad), bad).toThrow(ParameterError);
    }
    expect(() => encode(c, US_PER_DAY + 1n)).toThrow(ParameterError);
    expect(() => encode(c, -1n)).toThrow(ParameterError);
    expect(() => encode(c, 1000)).toThrow(ParameterError);
    expect(() => decode(c, be64(US_PER_DAY + 1n))).toThrow(DecodeError);
    expect(() => decode(c, be64(-1n))).toThrow(DecodeError);
  });
});

describe('timetz', () => {
  const c = codec(oids.TIMETZ);
  const noon = 45_296_000_000n; // 12:34:56
  // The zone is stored in seconds WEST of UTC.
  const cases: [string, number][] = [
    ['12:34:56+02', -7200],
    ['12:34:56-05:30', 19800],
    ['12:34:56+05:30:15', -19815],
    ['12:34:56+00', 0],
    ['12:34:56-15:59:59', 57599],
  ];
  for (const [text, west] of cases) {
    it(text, () => {
      expect(encode(c, text)).toEqual([...be64(noon), ...be32(west)]);
      expect(decode(c, [...be64(noon), ...be32(west)])).toBe(text);
    });
  }
  it('accepts Z, +hhmm and 24:00:00', () => {
    expect(roundTrip(c, '12:34:56Z')).toBe('12:34:56+00');
    expect(roundTrip(c, '12:34:56.25+0530')).toBe('12:34:56.25+05:30');
    expect(roundTrip(c, '24:00:00-01')).toBe('24:00:00-01');
  });
  it("'bigint' mode returns µs and the offset east of UTC", () => {
    const b = codec(oids.TIMETZ, { time: 'bigint' });
    expect(decode(b, [...be64(noon), ...be32(-7200)])).toEqual({ microseconds: noon, offset: 7200 });
    expect(encode(b, { microseconds: noon, offset: 7200 })).toEqual([...be64(noon), ...be32(-7200)]);
  });
  it('rejects missing or out-of-range zones', () => {
    for (const bad of ['12:34:56', '12:34:56+16', '12:34:56+02:60', '12:34:56+2', 'noon+02']) {
      expect(() => encode(c, bad), bad).toThrow(ParameterError);
    }
    expect(() => encode(c, { microseconds: 0n, offset: 57600 })).toThrow(ParameterError);
    expect(() => decode(c, [...be64(noon), ...be32(57600)])).toThrow(DecodeError);
  });
});

describe('timestamp', () => {
  const str = codec(oids.TIMESTAMP, { timestamp: 'string' });
  const known: [string, bigint][] = [
    ['2000-01-01 00:00:00', 0n],
    ['1999-12-31 23:59:59.999999', -1n],
    ['2000-01-01 00:00:00.000001', 1n],
    ['1970-01-01 00:00:00', -10957n * US_PER_DAY],
    ['1969-12-31 23:59:59.5', -10957n * US_PER_DAY - 500_000n],
    ['4714-11-24 00:00:00 BC', -2451545n * US_PER_DAY],
    ['0001-01-01 00:00:00', -730119n * US_PER_DAY],
    ['0001-12-31 23:59:59 BC', -730119n * US_PER_DAY - 1_000_000n],
    ['294276-12-31 23:59:59.999999', (109203528n - 2451545n) * US_PER_DAY - 1n],
  ];
  for (const [text, us] of known) {
    it(`${text} is ${us} µs`, () => {
      expect(encode(str, text)).toEqual(be64(us));
      expect(decode(str, be64(us))).toBe(text);
    });
  }
  it('has infinities', () => {
    expect(encode(str, 'infinity')).toEqual(be64(INT64_MAX));
    expect(encode(str, -Infinity)).toEqual(be64(INT64_MIN));
    expect(decode(str, be64(INT64_MAX))).toBe('infinity');
    expect(decode(str, be64(INT64_MIN))).toBe('-infinity');
    for (const mode of ['Date', 'bigint'] as const) {
      const c = codec(oids.TIMESTAMP, { timestamp: mode });
      expect(decode(c, be64(INT64_MAX))).toBe(Infinity);
      expect(decode(c, be64(INT64_MIN))).toBe(-Infinity);
    }
  });
  it("accepts the 'T' separator, a date alone and 24:00:00", () => {
    expect(roundTrip(str, '2024-01-02T03:04:05.123')).toBe('2024-01-02 03:04:05.123');
    expect(roundTrip(str, '2024-01-02')).toBe('2024-01-02 00:00:00');
    expect(roundTrip(str, '2024-01-01 24:00:00')).toBe('2024-01-02 00:00:00');
    expect(roundTrip(str, '0044-03-15 12:00:00 BC')).toBe('0044-03-15 12:00:00 BC');
  });
  it('decodes to a Date with floor rounding to milliseconds', () => {
    const c = codec(oids.TIMESTAMP);
    expect((decode(c, be64(-1n)) as Date).toISOString()).toBe('1999-12-31T23:59:59.999Z');
    expect((decode(c, be64(-10957n * US_PER_DAY - 1n)) as Date).getTime()).toBe(-1);
    expect((decode(c, be64(-10957n * US_PER_DAY - 1000n)) as Date).getTime()).toBe(-1);
    expect((decode(c, be64(-10957n * US_PER_DAY - 1001n)) as Date).getTime()).toBe(-2);
    // Far from 2000 (the bigint path): 0001-01-01 and 4714 BC.
    expect((decode(c, be64(-730119n * US_PER_DAY - 1n)) as Date).toISOString()).toBe('0000-12-31T23:59:59.999Z');
    expect((decode(c, be64(-2451545n * US_PER_DAY)) as Date).getTime()).toBe((-2451545 + 10957) * 86_400_000);
    expect(() => decode(c, be64((109203528n - 2451545n) * US_PER_DAY - 1n))).toThrow(DecodeError);
  });
  it("'bigint' mode gives µs since 1970", () => {
    const c = codec(oids.TIMESTAMP, { timestamp: 'bigint' });
    expect(decode(c, be64(0n))).toBe(946_684_800_000_000n);
    expect(decode(c, be64(-10957n * US_PER_DAY - 1n))).toBe(-1n);
    expect(encode(c, -1n)).toEqual(be64(-10957n * US_PER_DAY - 1n));
  });
  it('encodes Dates', () => {
    const c = codec(oids.TIMESTAMP);
    expect(encode(c, new Date(0))).toEqual(be64(-10957n * US_PER_DAY));
    expect(encode(c, new Date(-1))).toEqual(be64(-10957n * US_PER_DAY - 1000n));
    const d = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    expect(roundTrip(c, d)).toEqual(d);
  });
  it('rejects zones, bad values and out-of-range timestamps', () => {
    for (const bad of ['2024-01-02 03:04:05+02', '2024-01-02 03:04:05Z', '2024-02-30 00:00:00', '2024-01-02 24:00:01', '2024-01-02 03:04:05.1234567', 'now', '4714-11-23 23:59:59 BC', '294277-01-01 00:00:00']) {
      expect(() => encode(str, bad), bad).toThrow(ParameterError);
    }
    expect(() => encode(str, '2024-01-02 03:04:05+02')).toThrow(/timestamptz/);
    expect(() => encode(str, new Date(NaN))).toThrow(ParameterError);
    expect(() => encode(str, 1700000000000)).toThrow(ParameterError);
    expect(() => encode(str, new Date(-8.64e15))).toThrow(ParameterError);
  });
});

describe('timestamptz', () => {
  const str = codec(oids.TIMESTAMPTZ, { timestamp: 'string' });
  it('prints UTC with +00, and BC after the zone', () => {
    expect(decode(str, be64(-1n))).toBe('1999-12-31 23:59:59.999999+00');
    expect(decode(str, be64(-2451545n * US_PER_DAY))).toBe('4714-11-24 00:00:00+00 BC');
  });
  it('applies zone offsets and treats a missing zone as UTC', () => {
    const utc = decode(str, encode(str, '2024-01-02 03:04:05'));
    expect(utc).toBe('2024-01-02 03:04:05+00');
    expect(roundTrip(str, '2024-01-02T03:04:05Z')).toBe(utc);
    expect(roundTrip(str, '2024-01-02 05:04:05+02')).toBe(utc);
    expect(roundTrip(str, '2024-01-02 05:04:05+0200')).toBe(utc);
    expect(roundTrip(str, '2024-01-01 21:34:05-05:30')).toBe(utc);
    expect(roundTrip(str, '2024-01-02 03:04:05.5+00:00:30')).toBe('2024-01-02 03:03:35.5+00');
    expect(roundTrip(str, '0044-03-15 12:00:00+00 BC')).toBe('0044-03-15 12:00:00+00 BC');
  });
  it('decodes to Date by default', () => {
    const c = codec(oids.TIMESTAMPTZ);
    expect((decode(c, be64(0n)) as Date).toISOString()).toBe('2000-01-01T00:00:00.000Z');
  });
  it('rejects bad zones', () => {
    expect(() => encode(str, '2024-01-02 03:04:05+16')).toThrow(ParameterError);
    expect(() => encode(str, '2024-01-02 03:04:05+1')).toThrow(ParameterError);
  });
});

describe('interval', () => {
  const obj = codec(oids.INTERVAL);
  const str = codec(oids.INTERVAL, { interval: 'string' });
  const bytes = (months: number, days: number, us: bigint): number[] => [...be64(us), ...be32(days), ...be32(months)];
  it('is µs, then days, then months', () => {
    const b = bytes(14, 3, 14_706_789_000n);
    expect(decode(obj, b)).toEqual({ months: 14, days: 3, microseconds: 14_706_789_000n });
    expect(encode(obj, { months: 14, days: 3, microseconds: 14_706_789_000n })).toEqual(b);
    expect(decode(str, b)).toBe('1 year 2 mons 3 days 04:05:06.789');
  });
  it("prints the 'postgres' IntervalStyle", () => {
    const h = 3_600_000_000n;
    const cases: [number, number, bigint, string][] = [
      [0, 0, 0n, '00:00:00'],
      [0, -1, 2n * h + 180_000_000n, '-1 days +02:03:00'],
      [-14, 0, 0n, '-1 years -2 mons'],
      [1, -1, 0n, '1 mon -1 days'],
      [0, 0, -1_000_000n, '-00:00:01'],
      [0, 1, 0n, '1 day'],
      [12, 0, 0n, '1 year'],
      [0, 0, 100_000n * h, '100000:00:00'],
      [0, 0, -1_500_000n, '-00:00:01.5'],
      [12, -1, -500_000n, '1 year -1 days -00:00:00.5'],
      [24, 0, 1n, '2 years 00:00:00.000001'],
      [-1, 1, 0n, '-1 mons +1 day'],
      [0, -2147483648, 0n, '-2147483648 days'],
    ];
    for (const [months, days, us, text] of cases) {
      expect(decode(str, bytes(months, days, us)), text).toBe(text);
      // What the string mode prints must encode back to the same fields.
      expect(encode(str, text), text).toEqual(bytes(months, days, us));
    }
  });
  it('has infinities (PostgreSQL 17+)', () => {
    const plus = bytes(2147483647, 2147483647, INT64_MAX);
    const minus = bytes(-2147483648, -2147483648, INT64_MIN);
    expect(decode(obj, plus)).toBe(Infinity);
    expect(decode(obj, minus)).toBe(-Infinity);
    expect(decode(str, plus)).toBe('infinity');
    expect(decode(str, minus)).toBe('-infinity');
    expect(encode(obj, Infinity)).toEqual(plus);
    expect(encode(obj, -Infinity)).toEqual(minus);
    expect(encode(str, 'infinity')).toEqual(plus);
    expect(encode(str, '-infinity')).toEqual(minus);
  });
  it('encodes partial objects and number microseconds', () => {
    expect(encode(obj, { days: -1, microseconds: 7_380_000_000 })).toEqual(bytes(0, -1, 7_380_000_000n));
    expect(encode(obj, {})).toEqual(bytes(0, 0, 0n));
  });
  it('encodes ISO 8601 durations', () => {
    const h = 3_600_000_000n;
    expect(encode(obj, 'P1Y2M3DT4H5M6.5S')).toEqual(bytes(14, 3, 4n * h + 5n * 60_000_000n + 6_500_000n));
    expect(encode(obj, 'P2W')).toEqual(bytes(0, 14, 0n));
    expect(encode(obj, '-P1D')).toEqual(bytes(0, -1, 0n));
    expect(encode(obj, 'PT-1.5S')).toEqual(bytes(0, 0, -1_500_000n));
    expect(encode(obj, 'P-1Y-2M')).toEqual(bytes(-14, 0, 0n));
    expect(encode(obj, 'pt0.000001s')).toEqual(bytes(0, 0, 1n));
  });
  it('rejects bad values', () => {
    for (const bad of ['P', 'PT', '', '1 hour', '1 day 1 year', '1.5 days', '00:00', 'P1.5Y', 'PT1.1234567S', 'P1DT']) {
      expect(() => encode(obj, bad), bad).toThrow(ParameterError);
    }
    expect(() => encode(obj, { hours: 1 })).toThrow(/hours/);
    expect(() => encode(obj, { days: 1.5 })).toThrow(ParameterError);
    expect(() => encode(obj, { months: 2 ** 31 })).toThrow(ParameterError);
    expect(() => encode(obj, { microseconds: 2 ** 60 })).toThrow(ParameterError);
    expect(() => encode(obj, 5)).toThrow(ParameterError);
    expect(() => encode(obj, null)).toThrow(ParameterError);
    expect(() => decode(obj, bytes(0, 0, 0n).slice(1))).toThrow(DecodeError);
  });
});
