// Where the inline engine copies a result's bytea values: slabs owned by that one result, each
// value a view of its own range. A copy per value cost an ArrayBuffer allocation (~1 µs) each, the
// largest part of reading 1 KB values; a slab serves many. Values of different results never share
// a slab, so one query's bytes cannot be read through another's `value.buffer`.

/** The first slab is small (a result may hold one short value); later ones double up to this. */
const FIRST_SLAB_BYTES = 4096;
const MAX_SLAB_BYTES = 256 * 1024;
/** A value this long gets a buffer of its own: copying it dwarfs the allocation anyway. */
const OWN_BUFFER_BYTES = 32 * 1024;

export class ResultMemory {
  /** `allocate`: how a slab is made (tests pass one that fills it with garbage). */
  constructor(private readonly allocate: (bytes: number) => ArrayBuffer = uninitialized) {}

  private slab: ArrayBuffer | undefined;
  private used = 0;
  private nextSlabBytes = FIRST_SLAB_BYTES;
  /** Bytes copied into slabs so far: the next result of the same statement starts with room for them. */
  copied = 0;

  /**
   * Size the first slab for `bytes` (the last result's total, up to the largest slab): a result of
   * 100 KB of values then takes one allocation instead of five doubling ones, each zero-filled and
   * counted by V8 as external memory, whose churn sets off its full collections. The cap keeps a
   * statement whose results vary from tying a large slab to a few small values.
   */
  expect(bytes: number): void {
    if (this.slab === undefined && bytes > FIRST_SLAB_BYTES) this.nextSlabBytes = Math.min(bytes, MAX_SLAB_BYTES);
  }

  /** A copy of bytes[start, start + length) as a view into this result's memory. */
  copy(bytes: Uint8Array, start: number, length: number): Uint8Array {
    if (length === 0) return new Uint8Array(0);
    const source = new Uint8Array(bytes.buffer, bytes.byteOffset + start, length);
    if (length >= OWN_BUFFER_BYTES) return new Uint8Array(source);
    if (this.slab === undefined || this.used + length > this.slab.byteLength) {
      this.zeroUnused();
      this.slab = this.allocate(Math.max(this.nextSlabBytes, length));
      this.used = 0;
      this.nextSlabBytes = Math.min(this.nextSlabBytes * 2, MAX_SLAB_BYTES);
    }
    const value = new Uint8Array(this.slab, this.used, length);
    value.set(source);
    this.used += length;
    this.copied += length;
    return value;
  }

  /**
   * Call before the result's rows leave the engine: zeroes what no value filled, and returns the
   * bytes copied (the statement's hint for its next result).
   */
  finish(): number {
    this.zeroUnused();
    return this.copied;
  }

  /** A slab's bytes past its last value were never written: they must not show old heap memory. */
  private zeroUnused(): void {
    if (this.slab !== undefined && this.used < this.slab.byteLength) new Uint8Array(this.slab, this.used).fill(0);
  }
}

/**
 * A slab without the zero-fill of `new ArrayBuffer`: the values' copies overwrite it, and
 * finish() zeroes the rest. With the hint, a slab is the result's exact size, so nothing is
 * filled twice (the fill was a twentieth of the main thread's time reading 1 KB values).
 */
function uninitialized(bytes: number): ArrayBuffer {
  return Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
}

/** A bytea value as a Buffer over its copy in the result's memory (no second copy). */
export function bufferOver(copy: Uint8Array): Buffer {
  return Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength);
}
