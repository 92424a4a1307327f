// bool: one byte, 0 or 1.

import type { BufferWriter } from '../buffer/writer.js';
import type { TypeCodec } from './codec.js';
import { badLength, rejectValue } from './describe.js';
import { BOOL } from './oids.js';

export const boolCodec: TypeCodec<boolean> = {
  oid: BOOL,
  name: 'bool',
  decode(bytes: Uint8Array, _view: DataView, start: number, length: number): boolean {
    if (length !== 1) throw badLength('bool', 1, length);
    return bytes[start] !== 0;
  },
  encode(value: unknown, out: BufferWriter): void {
    if (typeof value !== 'boolean') throw rejectValue('a boolean', value);
    out.u8(value ? 1 : 0);
  },
};
