// interval: int64 µs, int32 days, int32 months — kept apart because a month has no fixed length
// in days, nor a day in µs (DST). PostgreSQL 17+ stores ±infinity as all-max / all-min fields.

import type { BufferWriter } from '../../buffer/writer.js';
import { ParameterError } from '../../errors/client-errors.js';
import type { TypeCodec, TypeOptions } from '../codec.js';
import { badLength, describeValue, rejectValue } from '../describe.js';
import { INTERVAL } from '../oids.js';
import { INT64_MAX, INT64_MIN } from './calendar.js';

export interface Interval {
  months: number;
  days: number;
  microseconds: bigint;
}

const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;

const US_PER_HOUR = 3_600_000_000n;
const US_PER_MINUTE = 60_000_000n;
const US_PER_SECOND = 1_000_000n;

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

function pad2(n: bigint | number): string {
  const text = String(n);
  return text.length < 2 ? '0' + text : text;
}

/** The interval as PostgreSQL prints it with IntervalStyle 'postgres' (the default). */
export function formatInterval(months: number, days: number, us: bigint): string {
  if (months === INT32_MAX && days === INT32_MAX && us === INT64_MAX) return 'infinity';
  if (months === INT32_MIN && days === INT32_MIN && us === INT64_MIN) return '-infinity';
  // C division truncates toward zero, so every field carries the sign of its source.
  const years = Math.trunc(months / 12);
  const mons = months % 12;
  const hours = us / US_PER_HOUR;
  let rest = us - hours * US_PER_HOUR;
  const minutes = rest / US_PER_MINUTE;
  rest -= minutes * US_PER_MINUTE;
  const seconds = rest / US_PER_SECOND;
  const fraction = rest - seconds * US_PER_SECOND;

  let text = '';
  let isZero = true;
  let isBefore = false;
  const part = (value: number, unit: string): void => {
    if (value === 0) return;
    text += (isZero ? '' : ' ') + (isBefore && value > 0 ? '+' : '') + value + ' ' + unit + (value !== 1 ? 's' : '');
    isBefore = value < 0;
    isZero = false;
  };
  part(years, 'year');
  part(mons, 'mon');
  part(days, 'day');
  if (isZero || us !== 0n) {
    const minus = us < 0n;
    text += (isZero ? '' : ' ') + (minus ? '-' : isBefore ? '+' : '') + pad2(abs(hours)) + ':' + pad2(abs(minutes)) + ':' + pad2(abs(seconds));
    if (fraction !== 0n) text += '.' + String(abs(fraction)).padStart(6, '0').replace(/0+$/, '');
  }
  return text;
}

const ACCEPTS =
  "an interval object { months?, days?, microseconds? } (integers; microseconds a bigint or safe integer), an ISO 8601 duration string like 'P1Y2M3DT4H5M6.5S', PostgreSQL's text like '1 year 2 mons 3 days 04:05:06.5', or ±Infinity";

function int32Field(value: unknown, field: string, original: unknown): number {
  if (value === undefined) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) return value;
  if (typeof value === 'bigint' && value >= BigInt(INT32_MIN) && value <= BigInt(INT32_MAX)) return Number(value);
  throw new ParameterError(`interval ${field} must be an integer from ${INT32_MIN} to ${INT32_MAX}, got ${describeValue(value)} in ${describeValue(original)}`);
}

function int64Field(value: unknown, original: unknown): bigint {
  if (value === undefined) return 0n;
  let result: bigint | undefined;
  if (typeof value === 'bigint') result = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) result = BigInt(value);
  if (result === undefined || result < INT64_MIN || result > INT64_MAX) {
    throw new ParameterError(`interval microseconds must be a bigint or safe integer within int64, got ${describeValue(value)} in ${describeValue(original)}`);
  }
  return result;
}

// Each field may carry its own sign, as in PostgreSQL's ISO 8601 input; only seconds take a fraction.
const ISO_DURATION =
  /^\s*([+-])?P(?!\s*$)(?:([+-]?\d+)Y)?(?:([+-]?\d+)M)?(?:([+-]?\d+)W)?(?:([+-]?\d+)D)?(?:T(?=[+-]?\d)(?:([+-]?\d+)H)?(?:([+-]?\d+)M)?(?:([+-]?)(\d+)(?:\.(\d{1,6}))?S)?)?\s*$/i;

function parseIsoDuration(text: string): Interval {
  const match = ISO_DURATION.exec(text);
  if (match === null) throw rejectValue(ACCEPTS, text);
  const int = (i: number): bigint => (match[i] === undefined ? 0n : BigInt(match[i]));
  let months = int(2) * 12n + int(3);
  let days = int(4) * 7n + int(5);
  let seconds = BigInt(match[9] ?? '0') * US_PER_SECOND + BigInt((match[10] ?? '').padEnd(6, '0'));
  if (match[8] === '-') seconds = -seconds;
  let us = int(6) * US_PER_HOUR + int(7) * US_PER_MINUTE + seconds;
  if (match[1] === '-') {
    months = -months;
    days = -days;
    us = -us;
  }
  return checkedInterval(months, days, us, text);
}

// PostgreSQL's own IntervalStyle=postgres text, so the strings the 'string' mode decodes go back in:
// '1 year 2 mons -3 days +04:05:06.5', '00:00:00', 'infinity'.
const POSTGRES_STYLE =
  /^\s*(?:([+-]?\d+) years?)?\s*(?:([+-]?\d+) mons?)?\s*(?:([+-]?\d+) days?)?\s*(?:([+-])?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?\s*$/;

function parsePostgresStyle(text: string): Interval | undefined {
  if (text.trim() === '') return undefined;
  const match = POSTGRES_STYLE.exec(text);
  if (match === null) return undefined;
  const int = (i: number): bigint => (match[i] === undefined ? 0n : BigInt(match[i]));
  const months = int(1) * 12n + int(2);
  const days = int(3);
  let us = int(5) * US_PER_HOUR + int(6) * US_PER_MINUTE + int(7) * US_PER_SECOND + BigInt((match[8] ?? '').padEnd(6, '0'));
  if (match[4] === '-') us = -us;
  return checkedInterval(months, days, us, text);
}

function checkedInterval(months: bigint, days: bigint, us: bigint, text: string): Interval {
  if (months < BigInt(INT32_MIN) || months > BigInt(INT32_MAX) || days < BigInt(INT32_MIN) || days > BigInt(INT32_MAX) || us < INT64_MIN || us > INT64_MAX) {
    throw new ParameterError(`interval ${JSON.stringify(text)} is out of range`);
  }
  return { months: Number(months), days: Number(days), microseconds: us };
}

function parseIntervalText(text: string): Interval {
  const keyword = text.trim().toLowerCase();
  if (keyword === 'infinity' || keyword === '+infinity') return toInterval(Infinity);
  if (keyword === '-infinity') return toInterval(-Infinity);
  return parsePostgresStyle(text) ?? parseIsoDuration(text);
}

const FIELDS = new Set(['months', 'days', 'microseconds']);

function toInterval(value: unknown): Interval {
  if (value === Infinity) return { months: INT32_MAX, days: INT32_MAX, microseconds: INT64_MAX };
  if (value === -Infinity) return { months: INT32_MIN, days: INT32_MIN, microseconds: INT64_MIN };
  if (typeof value === 'string') return parseIntervalText(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)) {
    // An unknown key ({ hours: 1 }) would otherwise be silently sent as a zero interval.
    for (const key of Object.keys(value)) {
      if (!FIELDS.has(key)) throw new ParameterError(`interval objects take only months, days and microseconds; got an unknown key '${key}'`);
    }
    const fields = value as Record<string, unknown>;
    return {
      months: int32Field(fields.months, 'months', value),
      days: int32Field(fields.days, 'days', value),
      microseconds: int64Field(fields.microseconds, value),
    };
  }
  throw rejectValue(ACCEPTS, value);
}

function encodeInterval(value: unknown, out: BufferWriter): void {
  const interval = toInterval(value);
  out.i64(interval.microseconds).i32(interval.days).i32(interval.months);
}

const intervalAsObject: TypeCodec<Interval | number> = {
  oid: INTERVAL,
  name: 'interval',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): Interval | number {
    if (length !== 16) throw badLength('interval', 16, length);
    const microseconds = view.getBigInt64(start);
    const days = view.getInt32(start + 8);
    const months = view.getInt32(start + 12);
    if (months === INT32_MAX && days === INT32_MAX && microseconds === INT64_MAX) return Infinity;
    if (months === INT32_MIN && days === INT32_MIN && microseconds === INT64_MIN) return -Infinity;
    return { months, days, microseconds };
  },
  encode: encodeInterval,
};

const intervalAsString: TypeCodec<string> = {
  oid: INTERVAL,
  name: 'interval',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): string {
    if (length !== 16) throw badLength('interval', 16, length);
    return formatInterval(view.getInt32(start + 12), view.getInt32(start + 8), view.getBigInt64(start));
  },
  encode: encodeInterval,
};

export function intervalCodec(mode: Required<TypeOptions>['interval']): TypeCodec {
  return mode === 'string' ? intervalAsString : intervalAsObject;
}
