// A whole column's values as rows show them, decoded column by column (one loop per column is
// what makes building a million row objects fast): number columns without NULLs are their typed
// array as is; text is decoded in one call when it is ASCII; Date-mode timestamps skip BigInt;
// bytea values are views into the batch's bytes.

import { byteaAsBuffer, byteaAsUint8Array } from '../types/bytea.js';
import type { TypeCodec } from '../types/codec.js';
import { exactInDouble, timestampCodec, timestamptzCodec } from '../types/datetime/timestamp.js';
import { bpcharCodec, decodeText, nameCodec, textTypeCodec, unknownCodec, varcharCodec } from '../types/text.js';
import { cellReader, isPresent } from './cell-reader.js';
import { Layout, type ColumnData } from './layout.js';

const PLAIN_TEXT_CODECS = new Set<TypeCodec>([textTypeCodec, varcharCodec, bpcharCodec, nameCodec, unknownCodec]);
const DATE_MODE_CODECS = new Set<TypeCodec>([timestampCodec('Date'), timestamptzCodec('Date')]);
const TWO_32 = 4294967296;

export function columnValues(column: ColumnData, numRows: number, codec: TypeCodec | undefined, directInt64: boolean): ArrayLike<unknown> {
  const { layout, validity } = column;
  // A user's codec (setTypeCodec) must see every value, so its column takes the cell-reader path.
  const plainNumbers = codec?.custom !== true && (layout === Layout.Int16 || layout === Layout.Int32 || layout === Layout.Uint32 || layout === Layout.Float32 || layout === Layout.Float64 || (layout === Layout.Int64 && directInt64));
  if (plainNumbers && validity === undefined) return column.values!.subarray(0, numRows);
  if (layout === Layout.Timestamp64 && codec !== undefined && DATE_MODE_CODECS.has(codec)) return timestampsAsDates(column, numRows, codec);
  if (layout === Layout.Variable && (codec === undefined || PLAIN_TEXT_CODECS.has(codec))) return texts(column, numRows);
  if (layout === Layout.Variable && (codec === byteaAsUint8Array || codec === byteaAsBuffer)) return byteaViews(column, numRows, codec === byteaAsBuffer);
  const read = cellReader(column, codec, directInt64);
  const values = new Array<unknown>(numRows);
  for (let row = 0; row < numRows; row++) values[row] = read(row);
  return values;
}

/**
 * How a generated row maker reads a column's cell `r`: 'value' takes values[r]; 'bool' tests the
 * 0/1 byte values[r]; 'date' builds the Date of the µs since 1970 held as 32-bit words (low word at
 * 2r). The last two skip a per-batch array of decoded values and write each row's value directly.
 */
export type CellAccess = 'value' | 'bool' | 'date';

export interface RowColumn {
  access: CellAccess;
  values: ArrayLike<unknown>;
}

export function rowColumn(column: ColumnData, numRows: number, codec: TypeCodec | undefined, directInt64: boolean): RowColumn {
  if (column.validity === undefined && codec?.custom !== true) {
    if (column.layout === Layout.Bool) return { access: 'bool', values: column.values! };
    if (column.layout === Layout.Timestamp64 && codec !== undefined && DATE_MODE_CODECS.has(codec) && allNearEpoch(column.values as BigInt64Array, numRows)) {
      const us = column.values as BigInt64Array;
      return { access: 'date', values: new Int32Array(us.buffer, us.byteOffset, numRows * 2) };
    }
  }
  return { access: 'value', values: columnValues(column, numRows, codec, directInt64) };
}

/** Whether every value lies within ±2^52 µs of 1970 (±142 years), where a double holds µs exactly. */
function allNearEpoch(us: BigInt64Array, numRows: number): boolean {
  const words = new Int32Array(us.buffer, us.byteOffset, numRows * 2);
  for (let row = 0; row < numRows; row++) {
    if (!exactInDouble(words[2 * row + 1])) return false;
  }
  return true;
}

/** One decoding call for the column; pure ASCII (as long as the byte count) is then sliced by offsets. */
function texts(column: ColumnData, numRows: number): unknown[] {
  const data = column.data!;
  const offsets = column.offsets!;
  const values = new Array<unknown>(numRows);
  const whole = decodeText(data, 0, data.length);
  const ascii = whole.length === data.length;
  for (let row = 0; row < numRows; row++) {
    if (!isPresent(column, row)) values[row] = null;
    else values[row] = ascii ? whole.substring(offsets[row], offsets[row + 1]) : decodeText(data, offsets[row], offsets[row + 1] - offsets[row]);
  }
  return values;
}

/**
 * bytea values as zero-copy views into the batch's own bytes (which this thread owns: the worker
 * transferred them). A copy per value, or even per column, cost more than the rest of a pgbench
 * bytea query on the main thread; each value keeps its own range, so no value sees another's.
 */
function byteaViews(column: ColumnData, numRows: number, asBuffer: boolean): unknown[] {
  const offsets = column.offsets!;
  const data = column.data!;
  const memory = data.buffer;
  const values = new Array<unknown>(numRows);
  for (let row = 0; row < numRows; row++) {
    if (!isPresent(column, row)) {
      values[row] = null;
      continue;
    }
    const start = data.byteOffset + offsets[row];
    const length = offsets[row + 1] - offsets[row];
    values[row] = asBuffer ? Buffer.from(memory, start, length) : new Uint8Array(memory, start, length);
  }
  return values;
}

/** µs since 1970 → Date (ms, floor), with doubles wherever the value is exact in one. */
function timestampsAsDates(column: ColumnData, numRows: number, codec: TypeCodec): unknown[] {
  const us = column.values as BigInt64Array;
  const words = new Int32Array(us.buffer, us.byteOffset, numRows * 2);
  const values = new Array<unknown>(numRows);
  let slow: ((row: number) => unknown) | undefined;
  for (let row = 0; row < numRows; row++) {
    if (!isPresent(column, row)) {
      values[row] = null;
      continue;
    }
    const hi = words[2 * row + 1];
    if (exactInDouble(hi)) {
      const micros = hi * TWO_32 + (words[2 * row] >>> 0);
      const rest = ((micros % 1000) + 1000) % 1000;
      values[row] = new Date((micros - rest) / 1000);
    } else {
      // Infinities and values far from 1970 (range checks included) go through the codec.
      slow ??= cellReader(column, codec, false);
      values[row] = slow(row);
    }
  }
  return values;
}
