// Arrow timestamps, dates and times into their PostgreSQL columns exactly: read from the vector's
// own typed arrays in the field's unit, never through Arrow JS's get(), which gives timestamps
// as ms (a Number) and so drops the µs.

import { Layout } from '../../codec/batch/layout.js';
import { codecFieldWriter, typedFieldWriter, type FieldWriter } from '../../codec/copy/field-writers.js';
import type { CopyColumn } from '../../codec/copy/record-encoder.js';
import { InterfaceError } from '../../codec/errors/client-errors.js';
import { DATE, TIME, TIMESTAMP, TIMESTAMPTZ } from '../../codec/types/oids.js';

/** Arrow's type ids (its Type enum) of the temporal types read here. */
export const ARROW_DATE = 8;
export const ARROW_TIME = 9;
export const ARROW_TIMESTAMP = 10;

/** Arrow's TimeUnit (and DateUnit: DAY = 0, MILLISECOND = 1). */
const SECOND = 0;
const MILLISECOND = 1;
const MICROSECOND = 2;
const NANOSECOND = 3;

/** One chunk of an Arrow vector (apache-arrow's Data), duck-typed. */
interface ArrowDataLike {
  readonly length: number;
  readonly offset: number;
  readonly nullCount: number;
  readonly values: ArrayLike<number | bigint>;
  readonly nullBitmap?: Uint8Array | null;
}

export interface ArrowTemporalVector {
  readonly length: number;
  readonly type: { readonly typeId: number; readonly unit?: number };
  readonly data?: readonly ArrowDataLike[];
}

function bitSet(bits: Uint8Array, index: number): boolean {
  return (bits[index >> 3] & (1 << (index & 7))) !== 0;
}

/** The validity bits of a vector's chunks as one bitmap from row 0; undefined when no chunk has a NULL. */
export function joinedValidity(length: number, chunks: readonly Pick<ArrowDataLike, 'length' | 'offset' | 'nullCount' | 'nullBitmap'>[]): Uint8Array | undefined {
  if (!chunks.some((chunk) => chunk.nullCount > 0)) return undefined;
  const validity = new Uint8Array(Math.ceil(length / 8));
  let row = 0;
  for (const chunk of chunks) {
    const bits = chunk.nullCount > 0 ? chunk.nullBitmap : undefined;
    // Arrow JS leaves a sliced chunk's validity bits in place: `offset` says where they start.
    for (let i = 0; i < chunk.length; i++, row++) {
      if (bits === undefined || bits === null || bits.length === 0 || bitSet(bits, chunk.offset + i)) validity[row >> 3] |= 1 << (row & 7);
    }
  }
  return validity;
}

/** The vector's values in one array (its chunks joined) and one validity bitmap. */
function joined(vector: ArrowTemporalVector, data: readonly ArrowDataLike[]): { values: BigInt64Array; validity: Uint8Array | undefined } {
  const values = new BigInt64Array(vector.length);
  let at = 0;
  for (const chunk of data) {
    const source = chunk.values;
    // Arrow JS slices a chunk's values when it slices the chunk.
    if (source instanceof BigInt64Array) values.set(source.subarray(0, chunk.length), at);
    else for (let i = 0; i < chunk.length; i++) values[at + i] = BigInt(source[i]);
    at += chunk.length;
  }
  return { values, validity: joinedValidity(vector.length, data) };
}

/** ns to µs, rounded to the nearest (half to even), as PostgreSQL rounds a longer fraction. */
function nanosToMicros(ns: bigint): bigint {
  let micros = ns / 1000n;
  let rest = ns % 1000n;
  if (rest < 0n) {
    rest += 1000n;
    micros -= 1n;
  }
  if (rest > 500n || (rest === 500n && (micros & 1n) === 1n)) micros += 1n;
  return micros;
}

/** A time value in an Arrow TimeUnit (0 s, 1 ms, 2 µs, 3 ns) as PostgreSQL's µs. */
export function toMicros(value: bigint, unit: number): bigint {
  switch (unit) {
    case SECOND: return value * 1_000_000n;
    case MILLISECOND: return value * 1000n;
    case NANOSECOND: return nanosToMicros(value);
    default: return value;
  }
}

function absent(validity: Uint8Array | undefined, row: number): boolean {
  return validity !== undefined && !bitSet(validity, row);
}

const MS_PER_DAY = 86_400_000n;
const INT32_MIN = -2147483648n;
const INT32_MAX = 2147483647n;

/** Days since 1970 of a Date column (days as they are; ms floored to the day), as the Date32 layout holds them. */
function dayNumbers(values: BigInt64Array, unit: number, name: string): Int32Array {
  const days = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let day = values[i];
    if (unit === MILLISECOND) day = day >= 0n || day % MS_PER_DAY === 0n ? day / MS_PER_DAY : day / MS_PER_DAY - 1n;
    if (day < INT32_MIN || day > INT32_MAX) throw new InterfaceError(`Arrow column ${JSON.stringify(name)}: record ${i} is ${day} days from 1970, beyond any date PostgreSQL can hold`);
    days[i] = Number(day);
  }
  return days;
}

/**
 * The writer of an Arrow timestamp column into a timestamp or timestamptz column, of a date column
 * into a date column, or of a time column into a time column, exact to the µs; undefined for any
 * other pair (the caller then converts get()'s values through the target's codec).
 */
export function arrowTemporalWriter(vector: ArrowTemporalVector, target: CopyColumn, name: string): FieldWriter | undefined {
  const { typeId, unit = MICROSECOND } = vector.type;
  const oid = target.codec.oid;
  const fits = (typeId === ARROW_TIMESTAMP && (oid === TIMESTAMP || oid === TIMESTAMPTZ)) || (typeId === ARROW_DATE && oid === DATE) || (typeId === ARROW_TIME && oid === TIME);
  if (!fits || vector.data === undefined) return undefined;
  const { values, validity } = joined(vector, vector.data);
  if (typeId === ARROW_DATE) return typedFieldWriter(dayNumbers(values, unit, name), Layout.Date32, oid, validity);
  // µs are PostgreSQL's own unit: copied as they are (re-based to 2000), PostgreSQL's ±infinity
  // sentinels (which pgloom's own Arrow and Parquet exports write) kept.
  if (unit === MICROSECOND) return typedFieldWriter(values, typeId === ARROW_TIMESTAMP ? Layout.Timestamp64 : Layout.Time64, oid, validity);
  // Other units through the codec, as bigint µs: it checks the range, so a value beyond it names its record.
  return codecFieldWriter(target.codec, (row) => (absent(validity, row) ? null : toMicros(values[row], unit)));
}
