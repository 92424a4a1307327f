// Arrays of any element type that has a codec, in PostgreSQL's binary array format:
//   int32 ndim, int32 has-nulls (0/1), int32 element type OID,
//   ndim × (int32 length, int32 lower bound),
//   then every element in row-major order as int32 byte length (-1 = NULL) and that many bytes.
// Decoded to nested JS arrays; lower bounds other than 1 ride along as a non-enumerable property.

import type { BufferWriter } from '../../buffer/writer.js';
import { DecodeError, ParameterError } from '../../errors/client-errors.js';
import type { TypeCodec } from '../codec.js';
import { describeValue } from '../describe.js';

/** PostgreSQL's MAXDIM: the server refuses arrays with more dimensions. */
export const MAX_ARRAY_DIMENSIONS = 6;

// Symbol.for, so two copies of the package (e.g. a CJS and an ESM build) agree on the key.
const LOWER_BOUNDS = Symbol.for('pgloom.arrayLowerBounds');

type WithBounds = { [LOWER_BOUNDS]?: readonly number[] };

/**
 * The lower bound of each dimension recorded on an array decoded by pgloom (or tagged with
 * `withArrayLowerBounds`), outermost first; undefined when none is recorded, which means every
 * dimension starts at 1 (PostgreSQL's default).
 */
export function arrayLowerBounds(array: readonly unknown[]): readonly number[] | undefined {
  return typeof array === 'object' && array !== null ? (array as WithBounds)[LOWER_BOUNDS] : undefined;
}

/**
 * Tags `array` (in place; it is also returned) with the lower bound of each dimension, outermost
 * first, for sending as a parameter: `withArrayLowerBounds([1, 2, 3], [0])` is `'[0:2]={1,2,3}'`.
 * The number of bounds is the number of dimensions, which also settles how deep nested JS arrays
 * are taken as dimensions (needed for element types whose values are JS arrays, such as json).
 */
export function withArrayLowerBounds<A extends readonly unknown[]>(array: A, lowerBounds: readonly number[]): A {
  if (!Array.isArray(array)) throw new ParameterError(`withArrayLowerBounds: expected an array, got ${describeValue(array)}`);
  Object.defineProperty(array, LOWER_BOUNDS, { value: checkBounds(lowerBounds), enumerable: false, configurable: true, writable: false });
  return array;
}

function checkBounds(bounds: unknown): readonly number[] {
  if (!Array.isArray(bounds) || bounds.length < 1 || bounds.length > MAX_ARRAY_DIMENSIONS) {
    throw new ParameterError(`array lower bounds must be an array of 1 to ${MAX_ARRAY_DIMENSIONS} integers (one per dimension), got ${describeValue(bounds)}`);
  }
  for (const bound of bounds) {
    if (!Number.isInteger(bound) || bound < -2147483648 || bound > 2147483647) {
      throw new ParameterError(`array lower bounds must be int32 integers, got ${describeValue(bound)}`);
    }
  }
  return Object.freeze([...(bounds as number[])]);
}

/** Typed arrays (not DataView) stand for 1-D arrays of numbers when the element type is numeric. */
function isTypedArray(value: unknown): value is ArrayLike<unknown> {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

function indexPath(path: readonly number[]): string {
  return path.map((i) => `[${i}]`).join('');
}

export interface ArrayCodecSpec {
  /** The array type's OID and name (typname, e.g. '_int4'). */
  oid: number;
  name: string;
  element: TypeCodec;
  /**
   * The element type's JS values can themselves be JS arrays (json, multiranges, …): a parameter
   * is then 1-D unless `withArrayLowerBounds` says how many dimensions it has, and a decoded
   * multi-dimensional array records its bounds so that it round-trips.
   */
  elementsMayBeArrays: boolean;
  /** Typed arrays are accepted as (innermost) dimensions: true for numeric element types. */
  acceptsTypedArrays: boolean;
}

export function arrayCodec(spec: ArrayCodecSpec): TypeCodec<unknown[]> {
  const { oid, name, element, elementsMayBeArrays, acceptsTypedArrays } = spec;
  const isSequence = (value: unknown): value is ArrayLike<unknown> =>
    Array.isArray(value) || (acceptsTypedArrays && isTypedArray(value));

  function decode(bytes: Uint8Array, view: DataView, start: number, length: number): unknown[] {
    const end = start + length;
    if (length < 12) throw new DecodeError(`${name}: array header needs 12 bytes, got ${length}`);
    const ndim = view.getInt32(start);
    const flags = view.getInt32(start + 4);
    const elementOid = view.getUint32(start + 8);
    if (ndim < 0 || ndim > MAX_ARRAY_DIMENSIONS) throw new DecodeError(`${name}: invalid number of dimensions ${ndim}`);
    if (flags !== 0 && flags !== 1) throw new DecodeError(`${name}: invalid array flags ${flags}`);
    if (elementOid !== element.oid) {
      throw new DecodeError(`${name}: expected elements of type oid ${element.oid} (${element.name}), the server sent oid ${elementOid}`);
    }
    let pos = start + 12;
    if (pos + ndim * 8 > end) throw new DecodeError(`${name}: truncated array dimensions`);
    const dims: number[] = [];
    const bounds: number[] = [];
    let items = ndim === 0 ? 0 : 1;
    let defaultBounds = true;
    for (let d = 0; d < ndim; d++) {
      const size = view.getInt32(pos);
      const lower = view.getInt32(pos + 4);
      pos += 8;
      if (size < 0) throw new DecodeError(`${name}: negative dimension length ${size}`);
      dims.push(size);
      bounds.push(lower);
      if (lower !== 1) defaultBounds = false;
      items *= size;
    }
    // Every element takes at least its 4-byte length: refuse absurd sizes before allocating.
    if (items * 4 > end - pos) throw new DecodeError(`${name}: ${items} elements cannot fit in ${end - pos} bytes`);
    const readLevel = (level: number): unknown[] => {
      const size = dims[level];
      const result = new Array<unknown>(size);
      if (level < ndim - 1) {
        for (let i = 0; i < size; i++) result[i] = readLevel(level + 1);
        return result;
      }
      for (let i = 0; i < size; i++) {
        if (pos + 4 > end) throw new DecodeError(`${name}: truncated array element`);
        const itemLength = view.getInt32(pos);
        pos += 4;
        if (itemLength === -1) {
          result[i] = null;
          continue;
        }
        if (itemLength < 0 || pos + itemLength > end) throw new DecodeError(`${name}: invalid array element length ${itemLength}`);
        result[i] = element.decode(bytes, view, pos, itemLength);
        pos += itemLength;
      }
      return result;
    };
    const result = ndim === 0 ? [] : readLevel(0);
    if (pos !== end) throw new DecodeError(`${name}: ${end - pos} bytes left over after the last array element`);
    if (!defaultBounds || (elementsMayBeArrays && ndim > 1)) {
      Object.defineProperty(result, LOWER_BOUNDS, { value: Object.freeze(bounds), enumerable: false, configurable: true, writable: false });
    }
    return result;
  }

  /** The length of each dimension, from the value's first elements (or its recorded bounds' count). */
  function shapeOf(value: ArrayLike<unknown>, ndimFromBounds: number | undefined): number[] {
    const dims: number[] = [];
    let probe: unknown = value;
    const maxDepth = ndimFromBounds ?? (elementsMayBeArrays ? 1 : Infinity);
    while (dims.length < maxDepth && isSequence(probe)) {
      dims.push(probe.length);
      if (probe.length === 0) break;
      probe = probe[0];
    }
    if (ndimFromBounds !== undefined) {
      // Pad with zero lengths where the first elements ran out early ([] tagged as 2-D).
      while (dims.length < ndimFromBounds && dims.at(-1) === 0) dims.push(0);
    }
    if (dims.length > MAX_ARRAY_DIMENSIONS) {
      throw new ParameterError(`arrays have at most ${MAX_ARRAY_DIMENSIONS} dimensions in PostgreSQL, this one is nested ${dims.length} deep`);
    }
    return dims;
  }

  /** Throws unless every sub-array at every level has the length of the first one. */
  function checkRectangular(value: ArrayLike<unknown>, dims: readonly number[], level: number, path: number[]): void {
    if (value.length !== dims[level]) {
      const first = indexPath(path.map(() => 0));
      throw new ParameterError(
        `multi-dimensional arrays must be rectangular: sub-array ${indexPath(path)} has ${value.length} element(s) but ${first} has ${dims[level]}`,
      );
    }
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (level < dims.length - 1) {
        if (!isSequence(item)) {
          throw new ParameterError(
            `multi-dimensional arrays must be rectangular: ${indexPath([...path, i])} is ${describeValue(item)} where an array of ${dims[level + 1]} element(s) is expected (a NULL sub-array cannot be sent; use an array of nulls)`,
          );
        }
        checkRectangular(item, dims, level + 1, [...path, i]);
      } else if (!elementsMayBeArrays && isSequence(item)) {
        throw new ParameterError(
          `multi-dimensional arrays must be rectangular: ${indexPath([...path, i])} is an array, but the first elements make this array ${dims.length}-dimensional`,
        );
      }
    }
  }

  function encode(value: unknown, out: BufferWriter): void {
    if (!isSequence(value)) {
      const accepted = acceptsTypedArrays ? 'a JS array (nested for more dimensions) or a typed array' : 'a JS array (nested for more dimensions)';
      throw new ParameterError(`expected ${accepted}, got ${describeValue(value)}`);
    }
    const recorded = Array.isArray(value) ? arrayLowerBounds(value) : undefined;
    const bounds = recorded === undefined ? undefined : checkBounds(recorded);
    const dims = shapeOf(value, bounds?.length);
    if (bounds !== undefined && dims.length !== bounds.length) {
      throw new ParameterError(`the array's lower bounds give ${bounds.length} dimension(s) but it is nested only ${dims.length} deep`);
    }
    checkRectangular(value, dims, 0, []);
    const items = dims.reduce((product, size) => product * size, dims.length === 0 ? 0 : 1);
    if (items === 0) {
      // PostgreSQL has a single empty array, without dimensions.
      out.i32(0).i32(0).u32(element.oid);
      return;
    }
    out.i32(dims.length);
    const flagsSlot = out.length;
    out.i32(0).u32(element.oid);
    for (let d = 0; d < dims.length; d++) out.i32(dims[d]).i32(bounds?.[d] ?? 1);
    let hasNulls = false;
    const writeLevel = (level: ArrayLike<unknown>, depth: number, path: number[]): void => {
      for (let i = 0; i < level.length; i++) {
        const item = level[i];
        if (depth < dims.length - 1) {
          writeLevel(item as ArrayLike<unknown>, depth + 1, [...path, i]);
          continue;
        }
        if (item === null) {
          hasNulls = true;
          out.i32(-1);
          continue;
        }
        if (item === undefined) {
          throw new ParameterError(`array element ${indexPath([...path, i])} is undefined: use null for a NULL element`);
        }
        const slot = out.length;
        out.i32(0);
        try {
          element.encode(item, out);
        } catch (error) {
          if (error instanceof ParameterError) {
            throw new ParameterError(`array element ${indexPath([...path, i])}: ${error.message}`, { cause: error });
          }
          throw error;
        }
        out.view.setInt32(slot, out.length - slot - 4);
      }
    };
    writeLevel(value, 0, []);
    if (hasNulls) out.view.setInt32(flagsSlot, 1);
  }

  return { oid, name, decode, encode };
}
