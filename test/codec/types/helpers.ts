// Test helpers: run a codec over bytes placed at a nonzero offset, so indexing bugs show up.

import { BufferWriter } from '../../../src/codec/buffer/writer.js';
import type { TypeCodec, TypeOptions } from '../../../src/codec/types/codec.js';
import { codecFor } from '../../../src/codec/types/registry.js';

export function codec(oid: number, options: TypeOptions = {}): TypeCodec {
  const found = codecFor(oid, options);
  if (found === undefined) throw new Error(`no codec for oid ${oid}`);
  return found;
}

export function encode(c: TypeCodec, value: unknown): number[] {
  const out = new BufferWriter(4);
  out.u8(0xee); // a byte before the value: encoders must append, not overwrite
  c.encode(value, out);
  return Array.from(out.written().subarray(1));
}

export function decode(c: TypeCodec, bytes: ArrayLike<number>): unknown {
  const padded = new Uint8Array(bytes.length + 7);
  padded.fill(0xaa);
  padded.set(bytes, 3);
  // Also offset the view's buffer, as a reused socket buffer would be.
  const big = new Uint8Array(padded.length + 5);
  big.set(padded, 5);
  const slice = big.subarray(5);
  const view = new DataView(slice.buffer, slice.byteOffset, slice.byteLength);
  return c.decode(slice, view, 3, bytes.length);
}

export function roundTrip(c: TypeCodec, value: unknown): unknown {
  return decode(c, encode(c, value));
}

/** Big-endian bytes of an int32. */
export function be32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** Big-endian bytes of an int64. */
export function be64(n: bigint): number[] {
  const u = BigInt.asUintN(64, n);
  return [...be32(Number(u >> 32n)), ...be32(Number(u & 0xffffffffn))];
}

export function be16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}
