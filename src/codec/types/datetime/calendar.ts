// Shared date/time constants and pure integer calendar arithmetic (proleptic Gregorian, astronomical
// years: 1 BC is year 0), so every value PostgreSQL can store converts exactly — no Date objects.

import { ParameterError } from '../../errors/client-errors.js';

/** Days from 1970-01-01 (the UNIX epoch) to 2000-01-01 (PostgreSQL's epoch). */
export const PG_EPOCH_DAYS = 10957;
export const PG_EPOCH_MS = PG_EPOCH_DAYS * 86_400_000;
export const PG_EPOCH_US = BigInt(PG_EPOCH_MS) * 1000n;

export const US_PER_SECOND = 1_000_000;
export const US_PER_MINUTE = 60_000_000;
export const US_PER_HOUR = 3_600_000_000;
export const US_PER_DAY = 86_400_000_000;
export const US_PER_DAY_BIG = 86_400_000_000n;

/** Julian day of 2000-01-01; PostgreSQL's smallest date is Julian day 0 (4714-11-24 BC). */
export const PG_EPOCH_JULIAN = 2451545;
/** Smallest date, in days since 2000-01-01 (4714-11-24 BC). */
export const DATE_MIN_DAYS = -PG_EPOCH_JULIAN;
/** Largest date, in days since 2000-01-01 (5874897-12-31); PostgreSQL's DATE_END_JULIAN is exclusive. */
export const DATE_MAX_DAYS = 2147483494 - PG_EPOCH_JULIAN - 1;
/** Smallest timestamp (4714-11-24 00:00:00 BC), µs since 2000-01-01. */
export const TIMESTAMP_MIN_US = BigInt(DATE_MIN_DAYS) * US_PER_DAY_BIG;
/** First timestamp past the range (294277-01-01 00:00:00), µs since 2000-01-01. */
export const TIMESTAMP_END_US = BigInt(109203528 - PG_EPOCH_JULIAN) * US_PER_DAY_BIG;

/** The int32/int64 sentinels PostgreSQL uses for ±infinity. */
export const DATE_INFINITY = 0x7fffffff;
export const DATE_MINUS_INFINITY = -0x80000000;
export const INT64_MAX = 0x7fffffffffffffffn;
export const INT64_MIN = -0x8000000000000000n;

/** Days since 1970-01-01 of a civil date (astronomical year). */
export function daysFromCivil(year: number, month: number, day: number): number {
  // Count years from March so the leap day falls at the end of the counted year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Civil date (astronomical year) of a day count since 1970-01-01. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** The days of `month` (1–12) in `year` (astronomical). */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1];
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** 'YYYY-MM-DD' as PostgreSQL's ISO style prints it: BC years as positive numbers (the caller adds ' BC'). */
export function formatCivilDate(year: number, month: number, day: number): string {
  const shown = year <= 0 ? 1 - year : year;
  return String(shown).padStart(4, '0') + '-' + pad2(month) + '-' + pad2(day);
}

/** 'HH:MM:SS' plus '.ffffff' with trailing zeros trimmed, for µs since midnight (0 ≤ µs ≤ one day). */
export function formatTimeOfDay(us: number): string {
  const hours = Math.floor(us / US_PER_HOUR);
  const minutes = Math.floor((us % US_PER_HOUR) / US_PER_MINUTE);
  const seconds = Math.floor((us % US_PER_MINUTE) / US_PER_SECOND);
  const text = pad2(hours) + ':' + pad2(minutes) + ':' + pad2(seconds);
  const fraction = us % US_PER_SECOND;
  return fraction === 0 ? text : text + '.' + formatFraction(fraction);
}

/** Six-digit fraction of a second with trailing zeros removed (fraction > 0). */
export function formatFraction(fraction: number): string {
  return String(fraction).padStart(6, '0').replace(/0+$/, '');
}

/** A zone offset as PostgreSQL prints it: '+02', '-05:30', '+05:30:15' (seconds EAST of UTC). */
export function formatOffset(east: number): string {
  const sign = east >= 0 ? '+' : '-';
  const abs = Math.abs(east);
  const hours = Math.floor(abs / 3600);
  const minutes = Math.floor(abs / 60) % 60;
  const seconds = abs % 60;
  let text = sign + pad2(hours);
  if (minutes !== 0 || seconds !== 0) text += ':' + pad2(minutes);
  if (seconds !== 0) text += ':' + pad2(seconds);
  return text;
}

/** PostgreSQL limits zone displacements to under 16 hours (TZDISP_LIMIT). */
export const ZONE_LIMIT_SECONDS = 16 * 3600;

const ZONE_TEXT = /^(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)$/i;

/** Seconds east of UTC for 'Z', '+hh', '+hh:mm', '+hhmm', '+hh:mm:ss'; undefined if malformed or out of range. */
export function parseOffset(text: string): number | undefined {
  const match = ZONE_TEXT.exec(text);
  if (match === null) return undefined;
  if (match[1] !== undefined) return 0;
  const hours = Number(match[3]);
  const minutes = match[4] === undefined ? 0 : Number(match[4]);
  const seconds = match[5] === undefined ? 0 : Number(match[5]);
  if (minutes > 59 || seconds > 59) return undefined;
  const total = hours * 3600 + minutes * 60 + seconds;
  if (total >= ZONE_LIMIT_SECONDS) return undefined;
  return match[2] === '-' ? -total : total;
}

/**
 * Days since 2000-01-01 of a date given as text fields; `bc` marks a BC year (year 1 BC is
 * astronomical year 0). Throws ParameterError naming `original` for an impossible date.
 */
export function civilToPgDays(yearText: string, monthText: string, dayText: string, bc: boolean, original: string): number {
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  const astronomical = bc ? 1 - year : year;
  if (year < 1 || month < 1 || month > 12 || day < 1) throw invalidDate(original);
  if (day > daysInMonth(astronomical, month)) throw invalidDate(original);
  const days = daysFromCivil(astronomical, month, day) - PG_EPOCH_DAYS;
  if (days < DATE_MIN_DAYS || days > DATE_MAX_DAYS) {
    throw new ParameterError(`date ${JSON.stringify(original)} is out of PostgreSQL's range (4714-11-24 BC to 5874897-12-31)`);
  }
  return days;
}

function invalidDate(original: string): ParameterError {
  return new ParameterError(`${JSON.stringify(original)} is not a valid calendar date`);
}

/** µs since midnight from text fields; 24:00:00 is allowed only exactly. undefined when out of range. */
export function timeFieldsToUs(hoursText: string, minutesText: string, secondsText: string | undefined, fractionText: string | undefined): number | undefined {
  const hours = Number(hoursText);
  const minutes = Number(minutesText);
  const seconds = secondsText === undefined ? 0 : Number(secondsText);
  const fraction = fractionText === undefined ? 0 : Number(fractionText.padEnd(6, '0'));
  if (minutes > 59 || seconds > 59 || hours > 24) return undefined;
  const us = hours * US_PER_HOUR + minutes * US_PER_MINUTE + seconds * US_PER_SECOND + fraction;
  return us > US_PER_DAY ? undefined : us;
}

/** Is `text` one of PostgreSQL's spellings of +infinity (1) or -infinity (-1)? 0 otherwise. */
export function infinityWord(text: string): number {
  const word = text.trim().toLowerCase();
  if (word === 'infinity' || word === '+infinity') return 1;
  if (word === '-infinity') return -1;
  return 0;
}

/** Floor division for bigint (bigint `/` truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}
