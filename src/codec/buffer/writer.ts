// A growable byte buffer for building frontend messages and binary parameter values.

const utf8 = new TextEncoder();

export class BufferWriter {
  bytes: Uint8Array;
  view: DataView;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.bytes = new Uint8Array(initialCapacity);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Make room for `extra` more bytes, doubling so appends stay amortised O(1). */
  ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(value: number): this {
    this.ensure(1);
    this.bytes[this.length++] = value;
    return this;
  }

  i16(value: number): this {
    this.ensure(2);
    this.view.setInt16(this.length, value);
    this.length += 2;
    return this;
  }

  u16(value: number): this {
    this.ensure(2);
    this.view.setUint16(this.length, value);
    this.length += 2;
    return this;
  }

  i32(value: number): this {
    this.ensure(4);
    this.view.setInt32(this.length, value);
    this.length += 4;
    return this;
  }

  u32(value: number): this {
    this.ensure(4);
    this.view.setUint32(this.length, value);
    this.length += 4;
    return this;
  }

  i64(value: bigint): this {
    this.ensure(8);
    this.view.setBigInt64(this.length, value);
    this.length += 8;
    return this;
  }

  f32(value: number): this {
    this.ensure(4);
    this.view.setFloat32(this.length, value);
    this.length += 4;
    return this;
  }

  f64(value: number): this {
    this.ensure(8);
    this.view.setFloat64(this.length, value);
    this.length += 8;
    return this;
  }

  raw(data: Uint8Array): this {
    this.ensure(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
    return this;
  }

  /** UTF-8 text without a terminator. */
  utf8(text: string): this {
    // A UTF-16 code unit never needs more than 3 UTF-8 bytes.
    this.ensure(text.length * 3);
    this.length += utf8.encodeInto(text, this.bytes.subarray(this.length)).written;
    return this;
  }

  /** UTF-8 text followed by a NUL, as the protocol's String type. */
  cstring(text: string): this {
    return this.utf8(text).u8(0);
  }

  /** Reserve a 4-byte length slot; `endLength(slot)` fills it in later. */
  beginLength(): number {
    const slot = this.length;
    this.i32(0);
    return slot;
  }

  /** Write the byte count since `slot`, including the slot itself (the protocol's convention). */
  endLength(slot: number): void {
    this.view.setInt32(slot, this.length - slot);
  }

  /** The bytes written so far, as a view that stays valid until the next write. */
  written(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /** A copy of the bytes written so far, safe to hand to a socket and reuse this writer. */
  toBytes(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  reset(): void {
    this.length = 0;
  }
}
