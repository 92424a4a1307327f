// Reads one cell of a batch column as the JS value `rows` shows. Number-like columns are read
// from their typed arrays; every other value goes through the type's codec — the same decoder
// the row path uses — so a value looks the same however it was fetched.

import type { TypeCodec } from '../types/codec.js';
import { decodeText } from '../types/text.js';
import { Layout, type ColumnData } from './layout.js';

export type CellReader = (row: number) => unknown;

const PG_EPOCH_US = 946_684_800_000_000n;
const PG_EPOCH_DAYS = 10_957;
const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;
const INT64_MAX = 0x7fffffffffffffffn;
const INT64_MIN = -0x8000000000000000n;

export function isPresent(column: ColumnData, row: number): boolean {
  const validity = column.validity;
  return validity === undefined || (validity[row >> 3] & (1 << (row & 7))) !== 0;
}

/**
 * A reader for `column`. `codec` is the column's binary codec (undefined for a column read as
 * text); `directInt64` says int8 values are wanted as the bigints the column holds.
 */
export function cellReader(column: ColumnData, codec: TypeCodec | undefined, directInt64: boolean): CellReader {
  const values = column.values;
  const orNull = (read: CellReader): CellReader => (column.validity === undefined ? read : (row) => (isPresent(column, row) ? read(row) : null));
  // A user's codec sees every value, even those a typed array holds: rebuild their wire bytes.
  const custom = codec?.custom === true ? customFixedReader(column, codec) : undefined;
  if (custom !== undefined) return orNull(custom);
  switch (column.layout) {
    case Layout.Int16:
    case Layout.Int32:
    case Layout.Uint32:
    case Layout.Float32:
    case Layout.Float64:
      return orNull((row) => values![row]);
    case Layout.Bool:
      return orNull((row) => values![row] !== 0);
    case Layout.Variable:
      return orNull(variableReader(column, codec));
    default:
      break;
  }
  if (column.layout === Layout.Int64 && directInt64 && codec?.custom !== true) return orNull((row) => values![row]);
  if (codec === undefined) throw new TypeError(`a fixed-width batch column needs its codec (layout ${column.layout})`);
  // The remaining layouts are re-expressed as their wire bytes in a scratch buffer for the codec.
  const scratch = new Uint8Array(8);
  const view = new DataView(scratch.buffer);
  switch (column.layout) {
    case Layout.Date32: {
      const days = values as Int32Array;
      return orNull((row) => {
        const value = days[row];
        view.setInt32(0, value === INT32_MAX || value === INT32_MIN ? value : value - PG_EPOCH_DAYS);
        return codec.decode(scratch, view, 0, 4);
      });
    }
    case Layout.Timestamp64: {
      const us = values as BigInt64Array;
      return orNull((row) => {
        const value = us[row];
        view.setBigInt64(0, value === INT64_MAX || value === INT64_MIN ? value : value - PG_EPOCH_US);
        return codec.decode(scratch, view, 0, 8);
      });
    }
    default: {
      // Int64 in another mode, Time64: the wire value itself.
      const words = values as BigInt64Array;
      return orNull((row) => {
        view.setBigInt64(0, words[row]);
        return codec.decode(scratch, view, 0, 8);
      });
    }
  }
}

/** Number-like layouts re-expressed as their wire bytes for a custom codec (the others do so below anyway). */
function customFixedReader(column: ColumnData, codec: TypeCodec): CellReader | undefined {
  const values = column.values!;
  const scratch = new Uint8Array(8);
  const view = new DataView(scratch.buffer);
  const via = (size: number, write: (value: number) => void): CellReader => (row) => {
    write(values[row] as number);
    return codec.decode(scratch, view, 0, size);
  };
  switch (column.layout) {
    case Layout.Int16: return via(2, (v) => view.setInt16(0, v));
    case Layout.Int32: return via(4, (v) => view.setInt32(0, v));
    case Layout.Uint32: return via(4, (v) => view.setUint32(0, v));
    case Layout.Float32: return via(4, (v) => view.setFloat32(0, v));
    case Layout.Float64: return via(8, (v) => view.setFloat64(0, v));
    case Layout.Bool: return via(1, (v) => view.setUint8(0, v));
    default: return undefined;
  }
}

function variableReader(column: ColumnData, codec: TypeCodec | undefined): CellReader {
  const data = column.data!;
  const offsets = column.offsets!;
  if (codec === undefined) return (row) => decodeText(data, offsets[row], offsets[row + 1] - offsets[row]);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return (row) => codec.decode(data, view, offsets[row], offsets[row + 1] - offsets[row]);
}
