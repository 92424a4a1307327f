// pg_lsn: an unsigned 64-bit WAL position. JS value: PostgreSQL's text form, the high and low
// 32-bit halves in upper-case hex, e.g. '16/B374D848'.

import type { BufferWriter } from '../buffer/writer.js';
import type { TypeCodec } from './codec.js';
import { badLength, rejectValue } from './describe.js';
import { PG_LSN } from './oids.js';

const LSN_TEXT = /^([0-9a-fA-F]{1,8})\/([0-9a-fA-F]{1,8})$/;
const ACCEPTS = "an LSN string such as '16/B374D848', or a bigint from 0 to 2^64 - 1";

export const pgLsnCodec: TypeCodec<string> = {
  oid: PG_LSN,
  name: 'pg_lsn',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): string {
    if (length !== 8) throw badLength('pg_lsn', 8, length);
    const hi = view.getUint32(start).toString(16).toUpperCase();
    return `${hi}/${view.getUint32(start + 4).toString(16).toUpperCase()}`;
  },
  encode(value: unknown, out: BufferWriter): void {
    if (typeof value === 'bigint') {
      if (value < 0n || value > 0xffffffffffffffffn) throw rejectValue(ACCEPTS, value);
      out.u32(Number(value >> 32n)).u32(Number(value & 0xffffffffn));
      return;
    }
    const m = typeof value === 'string' ? LSN_TEXT.exec(value) : null;
    if (m === null) throw rejectValue(ACCEPTS, value);
    out.u32(parseInt(m[1], 16)).u32(parseInt(m[2], 16));
  },
};
