// One column of a batch under construction. Fixed-width values are copied from the wire with
// 32-bit word moves (no BigInt per cell); variable-width values are copied as raw bytes.

import { DecodeError } from '../errors/client-errors.js';
import { Layout, newFixedValues, type ColumnData, type FixedValues } from './layout.js';

const TWO_32 = 4294967296;
/** µs between 1970-01-01 and PostgreSQL's epoch 2000-01-01, split into 32-bit words. */
const EPOCH_US = 946_684_800_000_000;
const EPOCH_HI = Math.floor(EPOCH_US / TWO_32);
const EPOCH_LO = EPOCH_US % TWO_32;
/** Days between 1970-01-01 and 2000-01-01. */
const EPOCH_DAYS = 10_957;
const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;
/** Up to this many bytes a value is copied byte by byte. */
const SHORT_COPY = 48;

export class ColumnBuilder {
  layout: Layout;
  private values: FixedValues | undefined;
  /** 32-bit words over `values` for the 64-bit layouts (little-endian: low word first). */
  private words: Int32Array | undefined;
  private offsets: Int32Array | undefined;
  private data: Uint8Array | undefined;
  dataLength = 0;
  private validity: Uint8Array | undefined;
  private nullCount = 0;
  private capacity: number;

  constructor(
    private readonly preferredLayout: Layout,
    initialCapacity: number,
    initialDataBytes = 0,
    /** The column's name, for errors. */
    private readonly name = '',
  ) {
    this.layout = preferredLayout;
    this.capacity = initialCapacity;
    this.reset(initialCapacity, initialDataBytes);
  }

  /** Start a new batch: fresh buffers (the previous ones were handed over). */
  reset(capacity: number, dataBytes = 0): void {
    this.layout = this.preferredLayout;
    this.capacity = capacity;
    this.values = newFixedValues(this.layout, capacity);
    this.words = this.values instanceof BigInt64Array ? new Int32Array(this.values.buffer) : undefined;
    this.offsets = this.layout === Layout.Variable ? new Int32Array(capacity + 1) : undefined;
    this.data = this.layout === Layout.Variable ? new Uint8Array(Math.max(256, capacity * 16, dataBytes)) : undefined;
    this.dataLength = 0;
    this.validity = undefined;
    this.nullCount = 0;
  }

  grow(capacity: number): void {
    if (this.values !== undefined) {
      const grown = newFixedValues(this.layout, capacity)!;
      (grown as Uint8Array).set(this.values as Uint8Array);
      this.values = grown;
      this.words = grown instanceof BigInt64Array ? new Int32Array(grown.buffer) : undefined;
    }
    if (this.offsets !== undefined) {
      const grown = new Int32Array(capacity + 1);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    if (this.validity !== undefined) {
      const grown = new Uint8Array(Math.ceil(capacity / 8)).fill(0xff);
      grown.set(this.validity);
      this.validity = grown;
    }
    this.capacity = capacity;
  }

  appendNull(row: number): void {
    if (this.validity === undefined) this.validity = new Uint8Array(Math.ceil(this.capacity / 8)).fill(0xff);
    this.validity[row >> 3] &= ~(1 << (row & 7));
    this.nullCount++;
    if (this.offsets !== undefined) this.offsets[row + 1] = this.dataLength;
  }

  /** Append the value at bytes[pos, pos + length) of row `row`. */
  append(row: number, bytes: Uint8Array, view: DataView, pos: number, length: number): void {
    // A fixed-width value's length is checked before it is read: a short one would read its
    // neighbour's bytes, a long one would hide the rest of the value.
    switch (this.layout) {
      case Layout.Variable:
        this.appendBytes(row, bytes, pos, length);
        return;
      case Layout.Int32:
        if (length !== 4) throw this.wrongWidth(4, length);
        (this.values as Int32Array)[row] = view.getInt32(pos);
        return;
      case Layout.Float64:
        if (length !== 8) throw this.wrongWidth(8, length);
        (this.values as Float64Array)[row] = view.getFloat64(pos);
        return;
      case Layout.Int64:
      case Layout.Time64:
        if (length !== 8) throw this.wrongWidth(8, length);
        this.words![2 * row] = view.getInt32(pos + 4);
        this.words![2 * row + 1] = view.getInt32(pos);
        return;
      case Layout.Timestamp64:
        if (length !== 8) throw this.wrongWidth(8, length);
        this.appendTimestamp(row, bytes, view, pos);
        return;
      case Layout.Int16:
        if (length !== 2) throw this.wrongWidth(2, length);
        (this.values as Int16Array)[row] = view.getInt16(pos);
        return;
      case Layout.Uint32:
        if (length !== 4) throw this.wrongWidth(4, length);
        (this.values as Uint32Array)[row] = view.getUint32(pos);
        return;
      case Layout.Float32:
        if (length !== 4) throw this.wrongWidth(4, length);
        (this.values as Float32Array)[row] = view.getFloat32(pos);
        return;
      case Layout.Bool:
        if (length !== 1) throw this.wrongWidth(1, length);
        (this.values as Uint8Array)[row] = bytes[pos] === 0 ? 0 : 1;
        return;
      case Layout.Date32: {
        if (length !== 4) throw this.wrongWidth(4, length);
        const days = view.getInt32(pos);
        (this.values as Int32Array)[row] = days === INT32_MAX || days === INT32_MIN ? days : days + EPOCH_DAYS;
        return;
      }
    }
  }

  private wrongWidth(expected: number, length: number): DecodeError {
    return new DecodeError(`column "${this.name}": its type's binary values are ${expected} bytes, but the server sent ${length}: the server stream is corrupt`);
  }

  private appendBytes(row: number, bytes: Uint8Array, pos: number, length: number): void {
    const needed = this.dataLength + length;
    if (needed > this.data!.length) {
      let size = this.data!.length * 2;
      while (size < needed) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.data!.subarray(0, this.dataLength));
      this.data = grown;
    }
    const data = this.data!;
    const at = this.dataLength;
    if (length <= SHORT_COPY) {
      // Most values are a few bytes: a loop beats creating a view (a Buffer's subarray is costly).
      for (let i = 0; i < length; i++) data[at + i] = bytes[pos + i];
    } else {
      data.set(new Uint8Array(bytes.buffer, bytes.byteOffset + pos, length), at);
    }
    this.dataLength = needed;
    this.offsets![row + 1] = needed;
  }

  /** Shift PostgreSQL's µs since 2000 to µs since 1970 with 32-bit words, keeping ±infinity. */
  private appendTimestamp(row: number, bytes: Uint8Array, view: DataView, pos: number): void {
    const hi = view.getInt32(pos);
    const lo = view.getUint32(pos + 4);
    const words = this.words!;
    if ((hi === INT32_MAX && lo === 0xffffffff) || (hi === INT32_MIN && lo === 0)) {
      words[2 * row] = lo | 0;
      words[2 * row + 1] = hi;
      return;
    }
    const sumLo = lo + EPOCH_LO;
    const carry = sumLo >= TWO_32 ? 1 : 0;
    const sumHi = hi + EPOCH_HI + carry;
    if (sumHi > INT32_MAX) {
      // Within ~29 years of PostgreSQL's maximum (294276 AD) µs since 1970 overflow int64: this
      // batch keeps the column as raw wire bytes instead, decoded exactly on the main thread.
      this.toVariable(row);
      this.appendBytes(row, bytes, pos, 8);
      return;
    }
    words[2 * row] = sumLo | 0;
    words[2 * row + 1] = sumHi;
  }

  /** Re-express rows [0, rows) of a Timestamp64 column as wire bytes (µs since 2000, big-endian). */
  private toVariable(rows: number): void {
    const words = this.words!;
    const data = new Uint8Array(Math.max(256, this.capacity * 8));
    const view = new DataView(data.buffer);
    const offsets = new Int32Array(this.capacity + 1);
    let length = 0;
    for (let i = 0; i < rows; i++) {
      const present = this.validity === undefined || (this.validity[i >> 3] & (1 << (i & 7))) !== 0;
      if (present) {
        let lo = words[2 * i] >>> 0;
        let hi = words[2 * i + 1];
        const infinite = (hi === INT32_MAX && lo === 0xffffffff) || (hi === INT32_MIN && lo === 0);
        if (!infinite) {
          const borrow = lo < EPOCH_LO ? 1 : 0;
          lo = lo - EPOCH_LO + borrow * TWO_32;
          hi = hi - EPOCH_HI - borrow;
        }
        view.setInt32(length, hi);
        view.setUint32(length + 4, lo);
        length += 8;
      }
      offsets[i + 1] = length;
    }
    this.layout = Layout.Variable;
    this.values = undefined;
    this.words = undefined;
    this.offsets = offsets;
    this.data = data;
    this.dataLength = length;
  }

  /** The finished column of `rows` rows; the builder must be reset before reuse. */
  finish(rows: number): ColumnData {
    const column: ColumnData = { layout: this.layout, nullCount: this.nullCount };
    if (this.values !== undefined) column.values = this.values.subarray(0, rows) as FixedValues;
    if (this.offsets !== undefined) {
      column.offsets = this.offsets.subarray(0, rows + 1);
      column.data = this.data!.subarray(0, this.dataLength);
    }
    if (this.validity !== undefined) column.validity = this.validity.subarray(0, Math.ceil(rows / 8));
    return column;
  }
}
