// tid (a row's physical location, e.g. ctid): block number (uint32), then item offset (uint16).

import type { BufferWriter } from '../buffer/writer.js';
import type { TypeCodec } from './codec.js';
import { badLength, rejectValue } from './describe.js';
import { TID } from './oids.js';

/** A tuple identifier: PostgreSQL's text form is '(block,offset)'. */
export interface Tid {
  block: number;
  offset: number;
}

const TID_TEXT = /^\((\d{1,10}),(\d{1,5})\)$/;
const ACCEPTS = "a tid { block, offset } (block 0..4294967295, offset 0..65535) or a string '(block,offset)'";

function inRange(n: unknown, max: number): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max;
}

export const tidCodec: TypeCodec<Tid> = {
  oid: TID,
  name: 'tid',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): Tid {
    if (length !== 6) throw badLength('tid', 6, length);
    return { block: view.getUint32(start), offset: view.getUint16(start + 4) };
  },
  encode(value: unknown, out: BufferWriter): void {
    let block: unknown;
    let offset: unknown;
    if (typeof value === 'string') {
      const m = TID_TEXT.exec(value);
      if (m !== null) {
        block = Number(m[1]);
        offset = Number(m[2]);
      }
    } else if (typeof value === 'object' && value !== null) {
      ({ block, offset } = value as Record<string, unknown>);
    }
    if (!inRange(block, 4294967295) || !inRange(offset, 65535)) throw rejectValue(ACCEPTS, value);
    out.u32(block).u16(offset);
  },
};
