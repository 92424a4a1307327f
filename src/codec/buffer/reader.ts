// A bounds-checked reader over one slice of bytes, with a sticky error instead of exceptions
// so that hot decode loops carry no try/catch: check `ok` (or call `finish`) once at the end.

import { DecodeError } from '../errors/client-errors.js';

// ignoreBOM: a leading U+FEFF (in a column name, say) is part of the text, not a mark to drop.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class BinaryReader {
  bytes: Uint8Array;
  view: DataView;
  pos: number;
  end: number;
  /** False once any read ran past `end`; every later read returns a zero value. */
  ok = true;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private take(n: number): number {
    const at = this.pos;
    if (!this.ok || at + n > this.end) {
      this.ok = false;
      return -1;
    }
    this.pos = at + n;
    return at;
  }

  u8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.bytes[at];
  }

  i8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.view.getInt8(at);
  }

  i16(): number {
    const at = this.take(2);
    return at < 0 ? 0 : this.view.getInt16(at);
  }

  u16(): number {
    const at = this.take(2);
    return at < 0 ? 0 : this.view.getUint16(at);
  }

  i32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.view.getInt32(at);
  }

  u32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.view.getUint32(at);
  }

  i64(): bigint {
    const at = this.take(8);
    return at < 0 ? 0n : this.view.getBigInt64(at);
  }

  f32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.view.getFloat32(at);
  }

  f64(): number {
    const at = this.take(8);
    return at < 0 ? 0 : this.view.getFloat64(at);
  }

  /** A view (not a copy) of the next `n` bytes. */
  slice(n: number): Uint8Array {
    const at = this.take(n);
    return at < 0 ? new Uint8Array(0) : this.bytes.subarray(at, at + n);
  }

  /**
   * The next `n` bytes as a copy of their own, for what outlives the message: the bytes read are
   * the socket's read buffer, which the next read overwrites (and a Buffer's slice() is a view).
   */
  copy(n: number): Uint8Array {
    return new Uint8Array(this.slice(n));
  }

  /** The next `n` bytes as UTF-8; invalid UTF-8 marks the reader failed. */
  utf8(n: number): string {
    const at = this.take(n);
    if (at < 0) return '';
    try {
      return utf8.decode(this.bytes.subarray(at, at + n));
    } catch {
      this.ok = false;
      return '';
    }
  }

  /** A NUL-terminated UTF-8 string (the protocol's String type). */
  cstring(): string {
    if (!this.ok) return '';
    const nul = this.bytes.indexOf(0, this.pos);
    if (nul < 0 || nul >= this.end) {
      this.ok = false;
      return '';
    }
    const text = this.utf8(nul - this.pos);
    this.pos = nul + 1;
    return text;
  }

  /** Throw unless every read stayed in bounds and nothing is left over. */
  finish(what: string): void {
    if (!this.ok) throw new DecodeError(`${what}: value is shorter than its contents declare or is not valid UTF-8`);
    if (this.pos !== this.end) throw new DecodeError(`${what}: ${this.end - this.pos} unexpected trailing byte(s)`);
  }
}
