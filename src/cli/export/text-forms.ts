// Text forms of values for the text formats (CSV, and the text fallback of ndjson, Arrow and
// Parquet): what PostgreSQL itself accepts back, so that an exported file imports again.

import { civilFromDays } from '../../codec/types/datetime/calendar.js';

const MICROS_PER_DAY = 86_400_000_000n;
const INT64_MAX = 0x7fffffffffffffffn;
const INT64_MIN = -0x8000000000000000n;

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * µs since 1970 as ISO 8601 with all six fraction digits: `2024-01-02T03:04:05.000006Z` (the `Z`
 * only for timestamptz). Undefined outside years 1–9999, which ISO's four digits cannot write;
 * the caller then uses PostgreSQL's own text. ±infinity are PostgreSQL's words.
 */
export function isoTimestamp(micros: bigint, withZone: boolean): string | undefined {
  if (micros === INT64_MAX) return 'infinity';
  if (micros === INT64_MIN) return '-infinity';
  let days = micros / MICROS_PER_DAY;
  let inDay = micros % MICROS_PER_DAY;
  if (inDay < 0n) {
    inDay += MICROS_PER_DAY;
    days -= 1n;
  }
  const { year, month, day } = civilFromDays(Number(days));
  if (year < 1 || year > 9999) return undefined;
  const us = Number(inDay);
  const seconds = Math.floor(us / 1_000_000);
  const time = `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}.${pad(us % 1_000_000, 6)}`;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${time}${withZone ? 'Z' : ''}`;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** bytea as PostgreSQL's hex output: `\x0aff`. */
export function byteaHex(bytes: Uint8Array): string {
  let text = '\\x';
  for (let i = 0; i < bytes.length; i++) text += HEX[bytes[i]];
  return text;
}

/** The shortest decimal that reads back as the same double; -0 keeps its sign (String(-0) is "0"). */
export function float8Text(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/** The shortest decimal that reads back as the same float4 (String() of the widened double is too long). */
export function float4Text(value: number): string {
  if (!Number.isFinite(value) || value === 0) return float8Text(value);
  for (let precision = 1; precision < 9; precision++) {
    const text = value.toPrecision(precision);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(Number(value.toPrecision(9)));
}

/** JSON text with bigints as decimal strings (JSON has no integers beyond 2^53 that JS can write). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function isRange(value: object): value is { lower: unknown; upper: unknown; lowerInclusive: boolean; upperInclusive: boolean; isEmpty: boolean } {
  return 'isEmpty' in value && 'lowerInclusive' in value && 'upperInclusive' in value;
}

/** One element or bound inside an array or range literal: quoted when PostgreSQL would need it. */
function literalItem(value: unknown, nullWord: string): string {
  if (value === null || value === undefined) return nullWord;
  const text = pgText(value);
  if (text === '' || /[{}",\\()[\]\s]/.test(text) || text.toUpperCase() === 'NULL') return `"${text.replace(/["\\]/g, '\\$&')}"`;
  return text;
}

/**
 * A decoded value in PostgreSQL's input syntax: arrays as `{1,2,NULL}`, ranges as `[1,5)`,
 * bytea as hex, Dates as ISO; other objects (geometry, interval objects…) as JSON text.
 */
export function pgText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return byteaHex(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `{${value.map((item) => (Array.isArray(item) ? pgText(item) : literalItem(item, 'NULL'))).join(',')}}`;
  if (typeof value === 'object' && value !== null && isRange(value)) {
    if (value.isEmpty) return 'empty';
    return `${value.lowerInclusive ? '[' : '('}${literalItem(value.lower, '')},${literalItem(value.upper, '')}${value.upperInclusive ? ']' : ')'}`;
  }
  return jsonText(value);
}
