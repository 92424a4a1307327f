// bytea: the raw bytes.

import type { BufferWriter } from '../buffer/writer.js';
import type { TypeCodec, TypeOptions } from './codec.js';
import { rejectValue } from './describe.js';
import { BYTEA } from './oids.js';

function encodeBytea(value: unknown, out: BufferWriter): void {
  if (value instanceof Uint8Array) {
    out.raw(value);
  } else if (ArrayBuffer.isView(value)) {
    out.raw(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  } else if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)) {
    out.raw(new Uint8Array(value));
  } else {
    throw rejectValue('a Uint8Array, Buffer, ArrayBuffer or other ArrayBufferView', value);
  }
}

// Always copy: the receive buffer is reused for the next chunk.
export const byteaAsUint8Array: TypeCodec<Uint8Array> = {
  oid: BYTEA,
  name: 'bytea',
  decode(bytes: Uint8Array, _view: DataView, start: number, length: number): Uint8Array {
    // Not slice(): on a Buffer it would return a Buffer (species), not the documented Uint8Array.
    return new Uint8Array(bytes.subarray(start, start + length));
  },
  encode: encodeBytea,
};

export const byteaAsBuffer: TypeCodec<Buffer> = {
  oid: BYTEA,
  name: 'bytea',
  decode(bytes: Uint8Array, _view: DataView, start: number, length: number): Buffer {
    return Buffer.from(bytes.subarray(start, start + length));
  },
  encode: encodeBytea,
};

export function byteaCodec(mode: Required<TypeOptions>['bytea']): TypeCodec {
  return mode === 'Buffer' ? byteaAsBuffer : byteaAsUint8Array;
}
