// Range types (int4range, numrange, tsrange, tstzrange, daterange, int8range): one flags byte,
// then the lower bound if it is present, then the upper one, each as int32 byte length and the
// subtype's binary form. Decoded to a plain `Range` object (plain, so it survives structured clone).

import type { BufferWriter } from '../../buffer/writer.js';
import { DecodeError, ParameterError } from '../../errors/client-errors.js';
import type { TypeCodec } from '../codec.js';
import { describeValue, rejectValue } from '../describe.js';
import { parseRangeLiteral } from './range-literal.js';

/**
 * A PostgreSQL range value. `null` bounds are unbounded (infinite) sides, which are never
 * inclusive; a bound whose value is the subtype's infinity (`'infinity'` for dates) is a present
 * bound. The empty range has both bounds null, both flags false and `isEmpty` true.
 */
export interface Range<T = unknown> {
  readonly lower: T | null;
  readonly upper: T | null;
  readonly lowerInclusive: boolean;
  readonly upperInclusive: boolean;
  readonly isEmpty: boolean;
}

/** Bracket pair of a range's bounds, as in PostgreSQL's range constructors: '[)' is the default. */
export type RangeBounds = '[)' | '[]' | '(]' | '()';

/** A non-empty range; `null` (or undefined) bounds are unbounded. */
export function makeRange<T>(lower: T | null | undefined, upper: T | null | undefined, bounds: RangeBounds = '[)'): Range<T> {
  if (!['[)', '[]', '(]', '()'].includes(bounds)) throw new ParameterError(`range bounds must be '[)', '[]', '(]' or '()', got ${describeValue(bounds)}`);
  const lowerValue = lower ?? null;
  const upperValue = upper ?? null;
  return {
    lower: lowerValue,
    upper: upperValue,
    lowerInclusive: lowerValue !== null && bounds[0] === '[',
    upperInclusive: upperValue !== null && bounds[1] === ']',
    isEmpty: false,
  };
}

/** The empty range. */
export function emptyRange<T = never>(): Range<T> {
  return { lower: null, upper: null, lowerInclusive: false, upperInclusive: false, isEmpty: true };
}

// Flag bits of the first byte (rangetypes.h).
const EMPTY = 0x01;
const LOWER_INCLUSIVE = 0x02;
const UPPER_INCLUSIVE = 0x04;
const LOWER_INFINITE = 0x08;
const UPPER_INFINITE = 0x10;
/** Higher bits are server-internal (e.g. "contains empty" in GiST keys); the server ignores them on input. */
const KNOWN_FLAGS = 0x1f;

const RANGE_KEYS = new Set(['lower', 'upper', 'lowerInclusive', 'upperInclusive', 'isEmpty']);
const ACCEPTS =
  "a Range object { lower, upper, lowerInclusive?, upperInclusive?, isEmpty? } (null/undefined bound = unbounded; inclusivity defaults to '[)') or a range literal string such as '[1,5)', '(,3]' or 'empty'";

/** Turns a bound's text from a range literal into a value the subtype codec accepts. */
export type BoundFromText = (text: string) => unknown;

export interface RangeCodecSpec {
  oid: number;
  name: string;
  subtype: TypeCodec;
  /** Default: the text itself (for subtypes whose codec accepts strings). */
  boundFromText?: BoundFromText;
}

/** A Range-shaped parameter, checked key by key so a typo (`lowerInc`) is not silently ignored. */
function rangeFromObject(value: object): Range {
  // Any object with range keys will do (a user's own class too), but not a Date, Map, Buffer, … standing for nothing.
  const prototype: unknown = Object.getPrototypeOf(value);
  const plain = prototype === Object.prototype || prototype === null;
  if (!plain && ![...RANGE_KEYS].some((key) => key in value)) throw rejectValue(ACCEPTS, value);
  for (const key of Object.keys(value)) {
    if (!RANGE_KEYS.has(key)) throw new ParameterError(`unknown range property '${key}': a range has ${[...RANGE_KEYS].join(', ')}`);
  }
  const { lower, upper, lowerInclusive, upperInclusive, isEmpty } = value as Partial<Range>;
  for (const [key, flag] of [['lowerInclusive', lowerInclusive], ['upperInclusive', upperInclusive], ['isEmpty', isEmpty]] as const) {
    if (flag !== undefined && typeof flag !== 'boolean') throw new ParameterError(`range property ${key} must be a boolean, got ${describeValue(flag)}`);
  }
  if (isEmpty === true) {
    if ((lower ?? null) !== null || (upper ?? null) !== null) {
      throw new ParameterError('an empty range (isEmpty: true) cannot have bounds');
    }
    return emptyRange();
  }
  return {
    lower: lower ?? null,
    upper: upper ?? null,
    lowerInclusive: lowerInclusive ?? true,
    upperInclusive: upperInclusive ?? false,
    isEmpty: false,
  };
}

/** Range literal text or object → a Range whose bounds the subtype codec can encode. */
export function toRange(value: unknown, boundFromText: BoundFromText | undefined): Range {
  if (typeof value === 'string') {
    const parsed = parseRangeLiteral(value);
    if (parsed.isEmpty || boundFromText === undefined) return parsed;
    return {
      ...parsed,
      lower: parsed.lower === null ? null : boundFromText(parsed.lower),
      upper: parsed.upper === null ? null : boundFromText(parsed.upper),
    };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return rangeFromObject(value);
  throw rejectValue(ACCEPTS, value);
}

export function rangeCodec(spec: RangeCodecSpec): TypeCodec<Range> {
  const { oid, name, subtype, boundFromText } = spec;

  function readBound(bytes: Uint8Array, view: DataView, pos: number, end: number, side: string): [unknown, number] {
    if (pos + 4 > end) throw new DecodeError(`${name}: truncated ${side} bound`);
    const length = view.getInt32(pos);
    if (length < 0 || pos + 4 + length > end) throw new DecodeError(`${name}: invalid ${side} bound length ${length}`);
    return [subtype.decode(bytes, view, pos + 4, length), pos + 4 + length];
  }

  function writeBound(value: unknown, side: string, out: BufferWriter): void {
    const slot = out.length;
    out.i32(0);
    try {
      subtype.encode(value, out);
    } catch (error) {
      if (error instanceof ParameterError) throw new ParameterError(`${side} bound of the range: ${error.message}`, { cause: error });
      throw error;
    }
    out.view.setInt32(slot, out.length - slot - 4);
  }

  return {
    oid,
    name,
    decode(bytes: Uint8Array, view: DataView, start: number, length: number): Range {
      if (length < 1) throw new DecodeError(`${name}: empty binary value`);
      const end = start + length;
      const flags = bytes[start] & KNOWN_FLAGS;
      if (flags & EMPTY) {
        if (length !== 1) throw new DecodeError(`${name}: an empty range carries no bounds, got ${length - 1} extra bytes`);
        return emptyRange();
      }
      let pos = start + 1;
      let lower: unknown = null;
      let upper: unknown = null;
      if (!(flags & LOWER_INFINITE)) [lower, pos] = readBound(bytes, view, pos, end, 'lower');
      if (!(flags & UPPER_INFINITE)) [upper, pos] = readBound(bytes, view, pos, end, 'upper');
      if (pos !== end) throw new DecodeError(`${name}: ${end - pos} bytes left over after the bounds`);
      return {
        lower,
        upper,
        lowerInclusive: lower !== null && (flags & LOWER_INCLUSIVE) !== 0,
        upperInclusive: upper !== null && (flags & UPPER_INCLUSIVE) !== 0,
        isEmpty: false,
      };
    },
    encode(value: unknown, out: BufferWriter): void {
      const range = toRange(value, boundFromText);
      if (range.isEmpty) {
        out.u8(EMPTY);
        return;
      }
      let flags = 0;
      // The server never stores an unbounded side as inclusive; match it.
      if (range.lower === null) flags |= LOWER_INFINITE;
      else if (range.lowerInclusive) flags |= LOWER_INCLUSIVE;
      if (range.upper === null) flags |= UPPER_INFINITE;
      else if (range.upperInclusive) flags |= UPPER_INCLUSIVE;
      out.u8(flags);
      if (range.lower !== null) writeBound(range.lower, 'lower', out);
      if (range.upper !== null) writeBound(range.upper, 'upper', out);
    },
  };
}
