// float4 and float8: IEEE 754 big-endian; NaN, ±Infinity and -0 pass through unchanged.

import type { BufferWriter } from '../buffer/writer.js';
import type { TypeCodec } from './codec.js';
import { badLength, rejectValue } from './describe.js';
import { FLOAT4, FLOAT8 } from './oids.js';

export const float4Codec: TypeCodec<number> = {
  oid: FLOAT4,
  name: 'float4',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): number {
    if (length !== 4) throw badLength('float4', 4, length);
    return view.getFloat32(start);
  },
  encode(value: unknown, out: BufferWriter): void {
    if (typeof value !== 'number') throw rejectValue('a number', value);
    // A finite value that rounds to ±Infinity would silently change meaning; PostgreSQL's own
    // float4 input rejects it as out of range too.
    if (Number.isFinite(value) && !Number.isFinite(Math.fround(value))) {
      throw rejectValue('a number within the float4 range (about ±3.4e38)', value);
    }
    out.f32(value);
  },
};

export const float8Codec: TypeCodec<number> = {
  oid: FLOAT8,
  name: 'float8',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): number {
    if (length !== 8) throw badLength('float8', 8, length);
    return view.getFloat64(start);
  },
  encode(value: unknown, out: BufferWriter): void {
    if (typeof value !== 'number') throw rejectValue('a number', value);
    out.f64(value);
  },
};
