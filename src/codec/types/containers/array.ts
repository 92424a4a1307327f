// Arrays of any element type that has a codec, in PostgreSQL's binary array format:
//   int32 ndim, int32 has-nulls (0/1), int32 element type OID,
//   ndim × (int32 length, int32 lower bound),
//   then every element in row-major order as int32 byte length (-1 = NULL) and that many bytes.
// Decoded to nested JS arrays; lower bounds other than 1 ride along as a non-enumerable property.

import type { BufferWriter } from '../../buffer/writer.js';
import { DecodeError } from '../../errors/client-errors.js';
import type { TypeCodec } from '../codec.js';
import { arrayShape, checkElement, encodingElement, MAX_ARRAY_DIMENSIONS, recordLowerBounds } from './array-shape.js';

export { arrayLowerBounds, withArrayLowerBounds, MAX_ARRAY_DIMENSIONS } from './array-shape.js';

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
  const { oid, name, element, elementsMayBeArrays } = spec;

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
    // A dimension of length 0 makes an array of no elements, as the server's own array_recv reads it
    // (it sends one with 0 dimensions): the other lengths must not size nested arrays of nothing,
    // (2^30, 0) would be 2^30 empty arrays from a 28-byte value.
    if (items === 0) {
      if (pos !== end) throw new DecodeError(`${name}: ${end - pos} bytes left over after an array of no elements`);
      return [];
    }
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
      recordLowerBounds(result, bounds);
    }
    return result;
  }

  function encode(value: unknown, out: BufferWriter): void {
    const { dims, bounds, items } = arrayShape(value, spec);
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
        checkElement(item, [...path, i]);
        const slot = out.length;
        out.i32(0);
        encodingElement([...path, i], () => element.encode(item, out));
        out.view.setInt32(slot, out.length - slot - 4);
      }
    };
    writeLevel(value as ArrayLike<unknown>, 0, []);
    if (hasNulls) out.view.setInt32(flagsSlot, 1);
  }

  return { oid, name, decode, encode };
}
