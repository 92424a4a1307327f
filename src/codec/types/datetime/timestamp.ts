// timestamp and timestamptz: int64 µs since 2000-01-01 00:00:00 (UTC for timestamptz);
// int64 max/min are ±infinity.

import type { BufferWriter } from '../../buffer/writer.js';
import { DecodeError, ParameterError } from '../../errors/client-errors.js';
import type { TypeCodec, TypeOptions } from '../codec.js';
import { badLength, rejectValue } from '../describe.js';
import { TIMESTAMP, TIMESTAMPTZ } from '../oids.js';
import {
  INT64_MAX,
  INT64_MIN,
  PG_EPOCH_DAYS,
  PG_EPOCH_MS,
  PG_EPOCH_US,
  TIMESTAMP_END_US,
  TIMESTAMP_MIN_US,
  US_PER_DAY_BIG,
  civilFromDays,
  civilToPgDays,
  floorDiv,
  formatCivilDate,
  formatTimeOfDay,
  infinityWord,
  parseOffset,
  timeFieldsToUs,
} from './calendar.js';

const DATE_MS_LIMIT = 8.64e15;

/** 0 for a finite value, 1 for +infinity, -1 for -infinity (checked on the two halves, no bigint). */
function infinityOf(hi: number, lo: number): number {
  if (hi === 0x7fffffff && lo === 0xffffffff) return 1;
  if (hi === -0x80000000 && lo === 0) return -1;
  return 0;
}

/** The text PostgreSQL prints with DateStyle ISO and TimeZone UTC. */
export function formatTimestamp(us: bigint, withZone: boolean): string {
  if (us === INT64_MAX) return 'infinity';
  if (us === INT64_MIN) return '-infinity';
  const days = floorDiv(us, US_PER_DAY_BIG);
  const timeOfDay = Number(us - days * US_PER_DAY_BIG);
  const { year, month, day } = civilFromDays(Number(days) + PG_EPOCH_DAYS);
  let text = formatCivilDate(year, month, day) + ' ' + formatTimeOfDay(timeOfDay);
  if (withZone) text += '+00';
  // PostgreSQL puts the era after the zone.
  return year <= 0 ? text + ' BC' : text;
}

const TIMESTAMP_TEXT =
  /^\s*(\d{4,})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?\s*(Z|[+-][\d:]+)?(?:\s+(BC|AD))?\s*$/i;

function accepts(withZone: boolean): string {
  return withZone
    ? "a Date, a bigint of µs since 1970, an ISO timestamp string 'YYYY-MM-DD HH:MM:SS[.ffffff][Z|±hh[:mm]]' (no zone means UTC), 'infinity', '-infinity' or ±Infinity"
    : "a Date, a bigint of µs since 1970, a timestamp string 'YYYY-MM-DD HH:MM:SS[.ffffff]' without a zone, 'infinity', '-infinity' or ±Infinity";
}

function parseTimestamp(text: string, withZone: boolean): bigint {
  const match = TIMESTAMP_TEXT.exec(text);
  if (match === null) throw rejectValue(accepts(withZone), text);
  const days = civilToPgDays(match[1], match[2], match[3], match[9]?.toUpperCase() === 'BC', text);
  const timeOfDay = match[4] === undefined ? 0 : timeFieldsToUs(match[4], match[5], match[6], match[7]);
  if (timeOfDay === undefined) throw rejectValue(accepts(withZone), text);
  let east = 0;
  if (match[8] !== undefined) {
    if (!withZone) {
      throw new ParameterError(
        `timestamp without time zone cannot take a zone offset (got ${JSON.stringify(text)}): drop the offset, or use timestamptz`,
      );
    }
    const offset = parseOffset(match[8]);
    if (offset === undefined) throw rejectValue(accepts(withZone), text);
    east = offset;
  }
  return BigInt(days) * US_PER_DAY_BIG + BigInt(timeOfDay) - BigInt(east) * 1_000_000n;
}

/** µs since 2000-01-01 (or an infinity sentinel) for a timestamp parameter. */
export function timestampToPgUs(value: unknown, withZone: boolean): bigint {
  let us: bigint;
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new ParameterError('expected a valid Date, got an Invalid Date');
    us = BigInt(ms) * 1000n - PG_EPOCH_US;
  } else if (typeof value === 'bigint') {
    us = value - PG_EPOCH_US;
  } else if (typeof value === 'string') {
    const infinite = infinityWord(value);
    if (infinite !== 0) return infinite > 0 ? INT64_MAX : INT64_MIN;
    us = parseTimestamp(value, withZone);
  } else if (value === Infinity) {
    return INT64_MAX;
  } else if (value === -Infinity) {
    return INT64_MIN;
  } else {
    throw rejectValue(accepts(withZone), value);
  }
  if (us < TIMESTAMP_MIN_US || us >= TIMESTAMP_END_US) {
    throw new ParameterError(`timestamp ${describeForRange(value)} is out of PostgreSQL's range (4714-11-24 00:00:00 BC to 294276-12-31 23:59:59.999999)`);
  }
  return us;
}

function describeForRange(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return `${value}n µs since 1970`;
  return JSON.stringify(value);
}

function makeEncode(withZone: boolean): (value: unknown, out: BufferWriter) => void {
  return (value, out) => {
    out.i64(timestampToPgUs(value, withZone));
  };
}

/**
 * Whether a signed 64-bit count whose high 32-bit word is `hi` lies within ±2^52, where a double
 * holds it exactly (µs: about ±142 years around the count's epoch).
 */
export function exactInDouble(hi: number): boolean {
  return hi >= -0x100000 && hi < 0x100000;
}

function asDate(withZone: boolean, oid: number, name: string): TypeCodec<Date | number> {
  return {
    oid,
    name,
    decode(_bytes: Uint8Array, view: DataView, start: number, length: number): Date | number {
      if (length !== 8) throw badLength(name, 8, length);
      const hi = view.getInt32(start);
      const lo = view.getUint32(start + 4);
      let ms: number;
      if (exactInDouble(hi)) {
        // Within about ±140 years of 2000: exact in a double, so skip the bigint.
        const us = hi * 4294967296 + lo;
        const rest = ((us % 1000) + 1000) % 1000; // floor division, also before 2000
        ms = (us - rest) / 1000 + PG_EPOCH_MS;
      } else {
        const infinite = infinityOf(hi, lo);
        if (infinite !== 0) return infinite * Infinity;
        const us = view.getBigInt64(start);
        ms = Number(floorDiv(us, 1000n)) + PG_EPOCH_MS;
        if (ms > DATE_MS_LIMIT || ms < -DATE_MS_LIMIT) {
          throw new DecodeError(`${name} ${formatTimestamp(us, withZone)} is outside the range of a JS Date: set the timestamp type option to 'bigint' or 'string'`);
        }
      }
      return new Date(ms);
    },
    encode: makeEncode(withZone),
  };
}

function asBigint(withZone: boolean, oid: number, name: string): TypeCodec<bigint | number> {
  return {
    oid,
    name,
    decode(_bytes: Uint8Array, view: DataView, start: number, length: number): bigint | number {
      if (length !== 8) throw badLength(name, 8, length);
      const us = view.getBigInt64(start);
      if (us === INT64_MAX) return Infinity;
      if (us === INT64_MIN) return -Infinity;
      return us + PG_EPOCH_US;
    },
    encode: makeEncode(withZone),
  };
}

function asString(withZone: boolean, oid: number, name: string): TypeCodec<string> {
  return {
    oid,
    name,
    decode(_bytes: Uint8Array, view: DataView, start: number, length: number): string {
      if (length !== 8) throw badLength(name, 8, length);
      return formatTimestamp(view.getBigInt64(start), withZone);
    },
    encode: makeEncode(withZone),
  };
}

function build(withZone: boolean, oid: number, name: string): Record<Required<TypeOptions>['timestamp'], TypeCodec> {
  return { Date: asDate(withZone, oid, name), bigint: asBigint(withZone, oid, name), string: asString(withZone, oid, name) };
}

const timestampCodecs = build(false, TIMESTAMP, 'timestamp');
const timestamptzCodecs = build(true, TIMESTAMPTZ, 'timestamptz');

export function timestampCodec(mode: Required<TypeOptions>['timestamp']): TypeCodec {
  return timestampCodecs[mode] ?? timestampCodecs.Date;
}

export function timestamptzCodec(mode: Required<TypeOptions>['timestamp']): TypeCodec {
  return timestamptzCodecs[mode] ?? timestamptzCodecs.Date;
}
