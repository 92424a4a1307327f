// void: what a function that returns nothing returns (pg_sleep, perform-style calls). Its binary
// form is zero bytes and it has no value, so it decodes to null, in rows, batches and records alike.

import type { BufferWriter } from '../buffer/writer.js';
import type { TypeCodec } from './codec.js';
import { badLength, rejectValue } from './describe.js';
import { VOID } from './oids.js';

export const voidCodec: TypeCodec<null> = {
  oid: VOID,
  name: 'void',
  decode(_bytes: Uint8Array, _view: DataView, _start: number, length: number): null {
    if (length !== 0) throw badLength('void', 0, length);
    return null;
  },
  encode(value: unknown, _out: BufferWriter): void {
    // Null parameters never reach a codec, and void has no other value.
    throw rejectValue('null (void has no values)', value);
  },
};
