// date: int32 days since 2000-01-01; int32 max/min are ±infinity.

import type { BufferWriter } from '../../buffer/writer.js';
import { DecodeError, ParameterError } from '../../errors/client-errors.js';
import type { TypeCodec, TypeOptions } from '../codec.js';
import { badLength, rejectValue } from '../describe.js';
import { DATE } from '../oids.js';
import {
  DATE_INFINITY,
  DATE_MAX_DAYS,
  DATE_MIN_DAYS,
  DATE_MINUS_INFINITY,
  PG_EPOCH_DAYS,
  civilFromDays,
  civilToPgDays,
  formatCivilDate,
  infinityWord,
} from './calendar.js';

/** JS Dates reach ±8.64e15 ms from 1970 (about ±273,790 years). */
const DATE_MS_LIMIT = 8.64e15;

/** The date as PostgreSQL prints it in ISO DateStyle. */
export function formatPgDate(days: number): string {
  if (days === DATE_INFINITY) return 'infinity';
  if (days === DATE_MINUS_INFINITY) return '-infinity';
  const { year, month, day } = civilFromDays(days + PG_EPOCH_DAYS);
  const text = formatCivilDate(year, month, day);
  return year <= 0 ? text + ' BC' : text;
}

const DATE_TEXT = /^\s*(\d{4,})-(\d{1,2})-(\d{1,2})(?:\s+(BC|AD))?\s*$/i;
const ACCEPTS = "a date string 'YYYY-MM-DD' (optionally followed by ' BC'), 'infinity', '-infinity', a Date, or ±Infinity";

/** Days since 2000-01-01 (or an infinity sentinel) for a date parameter. */
export function dateToPgDays(value: unknown): number {
  if (typeof value === 'string') {
    const infinite = infinityWord(value);
    if (infinite !== 0) return infinite > 0 ? DATE_INFINITY : DATE_MINUS_INFINITY;
    const match = DATE_TEXT.exec(value);
    if (match === null) throw rejectValue(ACCEPTS, value);
    return civilToPgDays(match[1], match[2], match[3], match[4]?.toUpperCase() === 'BC', value);
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new ParameterError('expected a valid Date, got an Invalid Date');
    const days = Math.floor(ms / 86_400_000) - PG_EPOCH_DAYS;
    if (days < DATE_MIN_DAYS || days > DATE_MAX_DAYS) {
      throw new ParameterError(`Date ${value.toISOString()} is before PostgreSQL's smallest date (4714-11-24 BC)`);
    }
    return days;
  }
  if (value === Infinity) return DATE_INFINITY;
  if (value === -Infinity) return DATE_MINUS_INFINITY;
  throw rejectValue(ACCEPTS, value);
}

function encodeDate(value: unknown, out: BufferWriter): void {
  out.i32(dateToPgDays(value));
}

const dateAsString: TypeCodec<string> = {
  oid: DATE,
  name: 'date',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): string {
    if (length !== 4) throw badLength('date', 4, length);
    return formatPgDate(view.getInt32(start));
  },
  encode: encodeDate,
};

const dateAsDate: TypeCodec<Date | number> = {
  oid: DATE,
  name: 'date',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): Date | number {
    if (length !== 4) throw badLength('date', 4, length);
    const days = view.getInt32(start);
    if (days === DATE_INFINITY) return Infinity;
    if (days === DATE_MINUS_INFINITY) return -Infinity;
    const ms = (days + PG_EPOCH_DAYS) * 86_400_000;
    if (ms > DATE_MS_LIMIT || ms < -DATE_MS_LIMIT) {
      throw new DecodeError(`date ${formatPgDate(days)} is outside the range of a JS Date: set the date type option to 'string'`);
    }
    return new Date(ms);
  },
  encode: encodeDate,
};

export function dateCodec(mode: Required<TypeOptions>['date']): TypeCodec {
  return mode === 'Date' ? dateAsDate : dateAsString;
}
