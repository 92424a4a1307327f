// CSV field bytes to binary COPY fields, for the types whose text forms are simple to read exactly.
// Each encoder takes only a plain, unambiguous form that PostgreSQL's input function reads the same
// way (digits, ISO dates with an explicit offset, the usual booleans…) and returns false for any
// other — spaces, signs, exponents of numeric, NaN, 'now', a session-time-zone timestamp — so the
// import falls back to the server's CSV parser, which then decides. A type not listed here sends the
// whole file to the server's parser.

import type { BufferWriter } from '../../codec/buffer/writer.js';
import { daysFromCivil, daysInMonth, PG_EPOCH_DAYS, US_PER_DAY } from '../../codec/types/datetime/calendar.js';
import { decodeText } from '../../codec/types/text.js';
import { hexValue } from '../../codec/types/uuid.js';
import { ESCAPED } from './csv-records.js';

/** Writes one non-NULL field (its length, then its bytes); false when the text is not a form read here. */
export type FieldEncoder = (src: Uint8Array, start: number, end: number, flags: number, out: BufferWriter) => boolean;

const QUOTE = 0x22;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const COLON = 0x3a;
const TWO_TO_32 = 4294967296;

/** Room for a field of `width` bytes, its length written: returns where its value goes. */
function fixedField(out: BufferWriter, width: number): number {
  out.ensure(4 + width);
  out.view.setInt32(out.length, width);
  const at = out.length + 4;
  out.length = at + width;
  return at;
}

function digit(src: Uint8Array, at: number): number {
  const value = src[at] - ZERO;
  return value >= 0 && value <= 9 ? value : -1;
}

/** The bytes as written, or with each doubled quote made one: text, varchar, char, json. */
function textField(src: Uint8Array, start: number, end: number, flags: number, out: BufferWriter, prefix = -1): boolean {
  out.ensure(5 + end - start);
  const slot = out.length;
  let at = slot + 4;
  const bytes = out.bytes;
  if (prefix >= 0) bytes[at++] = prefix;
  if ((flags & ESCAPED) !== 0) {
    for (let i = start; i < end; i++) {
      bytes[at++] = src[i];
      if (src[i] === QUOTE) i++;
    }
  } else if (end - start < 32) {
    for (let i = start; i < end; i++) bytes[at++] = src[i];
  } else {
    bytes.set(src.subarray(start, end), at);
    at += end - start;
  }
  out.view.setInt32(slot, at - slot - 4);
  out.length = at;
  return true;
}

const jsonbField: FieldEncoder = (src, start, end, flags, out) => textField(src, start, end, flags, out, 1);

/** An integer of at most 15 significant digits as a number, or NaN: `-?[0-9]+` and nothing else. */
function smallInteger(src: Uint8Array, start: number, end: number): number {
  let at = start;
  const negative = src[at] === MINUS;
  if (negative) at++;
  // Leading zeros count for nothing (the last digit stays, for "0").
  while (end - at > 1 && src[at] === ZERO) at++;
  if (at === end || end - at > 15) return NaN;
  let value = 0;
  for (; at < end; at++) {
    const d = digit(src, at);
    if (d < 0) return NaN;
    value = value * 10 + d;
  }
  return negative ? -value : value;
}

function intField(bytes: 2 | 4, min: number, max: number): FieldEncoder {
  return (src, start, end, flags, out) => {
    if ((flags & ESCAPED) !== 0) return false;
    const value = smallInteger(src, start, end);
    if (!(value >= min && value <= max)) return false;
    const at = fixedField(out, bytes);
    if (bytes === 2) out.view.setInt16(at, value);
    else out.view.setInt32(at, value);
    return true;
  };
}

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

const int8Field: FieldEncoder = (src, start, end, flags, out) => {
  if ((flags & ESCAPED) !== 0) return false;
  const value = smallInteger(src, start, end);
  if (value === value) {
    const high = Math.floor(value / TWO_TO_32);
    const at = fixedField(out, 8);
    out.view.setInt32(at, high);
    out.view.setUint32(at + 4, value - high * TWO_TO_32);
    return true;
  }
  // 16 to 19 significant digits: exact through BigInt, a rare path.
  const text = decodeText(src, start, end - start);
  if (!/^-?[0-9]{1,40}$/.test(text)) return false;
  const big = BigInt(text);
  if (big < INT8_MIN || big > INT8_MAX) return false;
  out.view.setBigInt64(fixedField(out, 8), big);
  return true;
};

const FLOAT = /^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]{1,4})?$/;

/** A plain decimal or exponent form as the double both parsers round it to, or NaN for any other form, or one PostgreSQL refuses. */
function plainFloat(src: Uint8Array, start: number, end: number, flags: number): number {
  if ((flags & ESCAPED) !== 0 || end - start > 64) return NaN;
  const text = decodeText(src, start, end - start);
  if (!FLOAT.test(text)) return NaN;
  // Both parsers round correctly; what PostgreSQL refuses (overflow, underflow to zero) goes to it.
  const value = Number(text);
  if (!Number.isFinite(value) || (value === 0 && /[1-9]/.test(text.replace(/[eE].*$/, '')))) return NaN;
  return value;
}

const float8Field: FieldEncoder = (src, start, end, flags, out) => {
  const value = plainFloat(src, start, end, flags);
  if (value !== value) return false;
  out.view.setFloat64(fixedField(out, 8), value);
  return true;
};

const single = new Float32Array(1);
const singleBits = new Int32Array(single.buffer);
const SMALLEST_SINGLE = 2 ** -149;

/** The float4 next to `value` (a float4), upwards or downwards. */
function adjacentSingle(value: number, up: boolean): number {
  if (value === 0) return up ? SMALLEST_SINGLE : -SMALLEST_SINGLE;
  single[0] = value;
  singleBits[0] += value > 0 === up ? 1 : -1;
  return single[0];
}

/**
 * float4 by way of the double: the same as PostgreSQL's strtof unless the double fell exactly
 * halfway between two float4s (the decimal may have been on either side): that is left to it.
 */
const float4Field: FieldEncoder = (src, start, end, flags, out) => {
  const value = plainFloat(src, start, end, flags);
  if (value !== value) return false;
  const rounded = Math.fround(value);
  // Out of float4's range, or underflowing to zero: PostgreSQL refuses those.
  if (!Number.isFinite(rounded) || (rounded === 0 && value !== 0)) return false;
  if (rounded !== value && value === (rounded + adjacentSingle(rounded, value > rounded)) / 2) return false;
  out.view.setFloat32(fixedField(out, 4), rounded);
  return true;
};

/** The longest numeric read here, in digits on each side of the point (the type allows more: the server reads those). */
const NUMERIC_MAX_DIGITS = 1000;
const NUMERIC_NEGATIVE = 0x4000;
const groups = new Int16Array(2 * (NUMERIC_MAX_DIGITS / 4 + 2));

/** `-?digits[.digits]` to the base-10000 digits of numeric's binary form; the server applies the column's typmod. */
const numericField: FieldEncoder = (src, start, end, flags, out) => {
  if ((flags & ESCAPED) !== 0) return false;
  let at = start;
  const negative = src[at] === MINUS;
  if (negative) at++;
  let intStart = at;
  while (at < end && digit(src, at) >= 0) at++;
  const intEnd = at;
  let fracStart = at;
  let fracEnd = at;
  if (at < end && src[at] === DOT) {
    fracStart = ++at;
    while (at < end && digit(src, at) >= 0) at++;
    fracEnd = at;
  }
  if (at !== end || intEnd - intStart + fracEnd - fracStart === 0) return false;
  if (intEnd - intStart > NUMERIC_MAX_DIGITS || fracEnd - fracStart > NUMERIC_MAX_DIGITS) return false;
  while (intStart < intEnd && src[intStart] === ZERO) intStart++;
  // Groups of four digits from the point outwards: the integer part's first group may be short,
  // the fraction's last one is padded with zeros.
  const intDigits = intEnd - intStart;
  let weight = Math.ceil(intDigits / 4) - 1;
  let count = 0;
  let group = 0;
  let inGroup = (4 - (intDigits % 4)) % 4;
  // The integer digits, then the fraction's: the point between them is the one byte skipped.
  for (let i = intStart; i < fracEnd; i++) {
    if (i === intEnd && i < fracStart) continue;
    group = group * 10 + src[i] - ZERO;
    if (++inGroup === 4) {
      groups[count++] = group;
      group = 0;
      inGroup = 0;
    }
  }
  if (inGroup > 0) {
    for (; inGroup < 4; inGroup++) group *= 10;
    groups[count++] = group;
  }
  let first = 0;
  while (first < count && groups[first] === 0) {
    first++;
    weight--;
  }
  while (count > first && groups[count - 1] === 0) count--;
  const digits = count - first;
  out.ensure(12 + 2 * digits);
  const view = out.view;
  let o = out.length;
  view.setInt32(o, 8 + 2 * digits);
  view.setInt16(o + 4, digits);
  view.setInt16(o + 6, digits === 0 ? 0 : weight);
  view.setUint16(o + 8, negative && digits > 0 ? NUMERIC_NEGATIVE : 0);
  view.setInt16(o + 10, fracEnd - fracStart);
  o += 12;
  for (let i = first; i < count; i++, o += 2) view.setInt16(o, groups[i]);
  out.length = o;
  return true;
};

function boolField(src: Uint8Array, start: number, end: number, flags: number, out: BufferWriter): boolean {
  if ((flags & ESCAPED) !== 0) return false;
  const value = booleanText(decodeText(src, start, end - start).toLowerCase());
  if (value === undefined) return false;
  out.bytes[fixedField(out, 1)] = value ? 1 : 0;
  return true;
}

/** Spellings PostgreSQL's boolin reads the same way (it takes more: prefixes, spaces). */
function booleanText(text: string): boolean | undefined {
  switch (text) {
    case 't': case 'true': case 'y': case 'yes': case 'on': case '1': return true;
    case 'f': case 'false': case 'n': case 'no': case 'off': case '0': return false;
    default: return undefined;
  }
}

/** Two digits at `at`, or -1. */
function twoDigits(src: Uint8Array, at: number): number {
  const high = digit(src, at);
  const low = digit(src, at + 1);
  return high < 0 || low < 0 ? -1 : high * 10 + low;
}

/** Days from 2000-01-01 to a `YYYY-MM-DD` at `at` (years 1 to 9999, a real day), or NaN. */
function isoDate(src: Uint8Array, at: number): number {
  const century = twoDigits(src, at);
  const yearOfCentury = twoDigits(src, at + 2);
  const month = twoDigits(src, at + 5);
  const day = twoDigits(src, at + 8);
  if (century < 0 || yearOfCentury < 0 || month < 1 || month > 12 || day < 1 || src[at + 4] !== MINUS || src[at + 7] !== MINUS) return NaN;
  const year = century * 100 + yearOfCentury;
  if (year < 1 || day > daysInMonth(year, month)) return NaN;
  return daysFromCivil(year, month, day) - PG_EPOCH_DAYS;
}

const dateField: FieldEncoder = (src, start, end, flags, out) => {
  if ((flags & ESCAPED) !== 0 || end - start !== 10) return false;
  const days = isoDate(src, start);
  if (days !== days) return false;
  out.view.setInt32(fixedField(out, 4), days);
  return true;
};

/** Where the clock read by the last clockMicros() ended. */
let clockEnd = 0;

/**
 * `HH:MM:SS[.ffffff]` at `at` (its eight bytes there, as the caller checked) as µs since midnight,
 * or NaN; more than six places would be rounded by the server, so they are left to it.
 */
function clockMicros(src: Uint8Array, at: number, end: number): number {
  const hour = twoDigits(src, at);
  const minute = twoDigits(src, at + 3);
  const second = twoDigits(src, at + 6);
  if (src[at + 2] !== COLON || src[at + 5] !== COLON || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NaN;
  let next = at + 8;
  let fraction = 0;
  if (next < end && src[next] === DOT) {
    const first = ++next;
    while (next < end && digit(src, next) >= 0) fraction = fraction * 10 + digit(src, next++);
    const places = next - first;
    if (places === 0 || places > 6) return NaN;
    fraction *= 10 ** (6 - places);
  }
  clockEnd = next;
  return ((hour * 60 + minute) * 60 + second) * 1_000_000 + fraction;
}

/** µs a day = 20 × 2³² + 500,654,080: splits days × µs-a-day into exact halves. */
const DAY_HIGH = Math.floor(US_PER_DAY / TWO_TO_32);
const DAY_LOW = US_PER_DAY - DAY_HIGH * TWO_TO_32;

/**
 * `YYYY-MM-DD[T ]HH:MM:SS[.ffffff]`, then for timestamptz `Z` or `±HH[[:]MM]` (with no offset the
 * session's time zone would decide: that is left to the server); µs from 2000-01-01 as int8.
 */
function timestampField(withZone: boolean): FieldEncoder {
  return (src, start, end, flags, out) => {
    if ((flags & ESCAPED) !== 0 || end - start < 19) return false;
    const days = isoDate(src, start);
    const separator = src[start + 10];
    if (days !== days || (separator !== 0x54 && separator !== 0x20)) return false;
    const micros = clockMicros(src, start + 11, end);
    if (micros !== micros) return false;
    let at = clockEnd;
    let offsetSeconds = 0;
    if (withZone) {
      const sign = src[at];
      if (sign === 0x5a && at + 1 === end) at++;
      else if (sign === 0x2b || sign === MINUS) {
        const offsetHours = twoDigits(src, at + 1);
        let offsetMinutes = 0;
        at += 3;
        if (at < end) {
          if (src[at] === COLON) at++;
          offsetMinutes = twoDigits(src, at);
          at += 2;
        }
        if (offsetHours < 0 || offsetHours > 15 || offsetMinutes < 0 || offsetMinutes > 59) return false;
        offsetSeconds = (sign === MINUS ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
      } else return false;
    }
    if (at !== end) return false;
    // µs = days × µs-a-day + the rest, in two exact halves of an int8 (no BigInt per value).
    const rest = micros - offsetSeconds * 1_000_000 + days * DAY_LOW;
    const carry = Math.floor(rest / TWO_TO_32);
    const field = fixedField(out, 8);
    out.view.setInt32(field, days * DAY_HIGH + carry);
    out.view.setUint32(field + 4, rest - carry * TWO_TO_32);
    return true;
  };
}

/** `HH:MM:SS[.ffffff]`, µs since midnight as int8 (24:00:00 and shorter forms are left to the server). */
const timeField: FieldEncoder = (src, start, end, flags, out) => {
  if ((flags & ESCAPED) !== 0 || end - start < 8) return false;
  const micros = clockMicros(src, start, end);
  if (micros !== micros || clockEnd !== end) return false;
  const at = fixedField(out, 8);
  const high = Math.floor(micros / TWO_TO_32);
  out.view.setInt32(at, high);
  out.view.setUint32(at + 4, micros - high * TWO_TO_32);
  return true;
};

/** The canonical 8-4-4-4-12 form, either case. */
const uuidField: FieldEncoder = (src, start, end, flags, out) => {
  if ((flags & ESCAPED) !== 0 || end - start !== 36) return false;
  // A false leaves half a field behind: the whole binary attempt is then dropped.
  let o = fixedField(out, 16);
  for (let i = start; i < end;) {
    const offset = i - start;
    if (offset === 8 || offset === 13 || offset === 18 || offset === 23) {
      if (src[i++] !== MINUS) return false;
      continue;
    }
    const high = hexValue(src[i]);
    const low = hexValue(src[i + 1]);
    if (high < 0 || low < 0) return false;
    out.bytes[o++] = high * 16 + low;
    i += 2;
  }
  return true;
};

/** bytea's hex form, `\\x` and pairs of hex digits (the escape form and spaces are left to the server). */
const byteaField: FieldEncoder = (src, start, end, flags, out) => {
  if ((flags & ESCAPED) !== 0 || src[start] !== 0x5c || src[start + 1] !== 0x78 || (end - start) % 2 !== 0) return false;
  const length = (end - start - 2) / 2;
  out.ensure(4 + length);
  let o = out.length + 4;
  for (let i = start + 2; i < end; i += 2) {
    const high = hexValue(src[i]);
    const low = hexValue(src[i + 1]);
    if (high < 0 || low < 0) return false;
    out.bytes[o++] = high * 16 + low;
  }
  out.view.setInt32(out.length, length);
  out.length = o;
  return true;
};

/** The encoder for a column of type `oid`, or undefined when only the server's CSV parser reads that type. */
export function csvFieldEncoder(oid: number): FieldEncoder | undefined {
  switch (oid) {
    case 16: return boolField;
    case 17: return byteaField;
    case 20: return int8Field;
    case 21: return intField(2, -32768, 32767);
    case 23: return intField(4, -2147483648, 2147483647);
    case 25: case 114: case 1042: case 1043: return textField;
    case 700: return float4Field;
    case 701: return float8Field;
    case 1083: return timeField;
    case 1082: return dateField;
    case 1114: return timestampField(false);
    case 1184: return timestampField(true);
    case 1700: return numericField;
    case 2950: return uuidField;
    case 3802: return jsonbField;
    default: return undefined;
  }
}
