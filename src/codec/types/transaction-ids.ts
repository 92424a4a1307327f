// xid8 (a 64-bit full transaction id) and the snapshot types pg_snapshot / txid_snapshot.

import type { BufferWriter } from '../buffer/writer.js';
import { DecodeError } from '../errors/client-errors.js';
import type { TypeCodec } from './codec.js';
import { badLength, rejectValue } from './describe.js';
import { PG_SNAPSHOT, TXID_SNAPSHOT, XID8 } from './oids.js';

const UINT64_MAX = 0xffffffffffffffffn;
const XID8_ACCEPTS = 'an integer from 0 to 18446744073709551615 (bigint, safe-integer number or decimal string)';

function toUint64(value: unknown): bigint | undefined {
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && /^\d{1,20}$/.test(value)) n = BigInt(value);
  else return undefined;
  return n >= 0n && n <= UINT64_MAX ? n : undefined;
}

/** xid8 decodes to a bigint: full transaction ids pass 2^53 on long-lived clusters. */
export const xid8Codec: TypeCodec<bigint> = {
  oid: XID8,
  name: 'xid8',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): bigint {
    if (length !== 8) throw badLength('xid8', 8, length);
    return view.getBigUint64(start);
  },
  encode(value: unknown, out: BufferWriter): void {
    const n = toUint64(value);
    if (n === undefined) throw rejectValue(XID8_ACCEPTS, value);
    out.i64(BigInt.asIntN(64, n));
  },
};

// Binary form: the in-progress count (int32), xmin, xmax, then each in-progress xid (uint64).
// JS value: the text form 'xmin:xmax:xip1,xip2,…'.
const SNAPSHOT_TEXT = /^(\d{1,20}):(\d{1,20}):((?:\d{1,20}(?:,\d{1,20})*)?)$/;
const SNAPSHOT_ACCEPTS = "a snapshot string 'xmin:xmax:xip,…' such as '10:20:10,14,15'";

function snapshotCodec(oid: number, name: string): TypeCodec<string> {
  return {
    oid,
    name,
    decode(_bytes: Uint8Array, view: DataView, start: number, length: number): string {
      if (length < 20) throw new DecodeError(`${name}: binary value too short (${length} bytes)`);
      const count = view.getInt32(start);
      if (count < 0 || length !== 20 + 8 * count) throw new DecodeError(`${name}: ${count} xids do not fit a ${length}-byte value`);
      const xips: string[] = [];
      for (let i = 0; i < count; i++) xips.push(view.getBigUint64(start + 20 + 8 * i).toString());
      return `${view.getBigUint64(start + 4)}:${view.getBigUint64(start + 12)}:${xips.join(',')}`;
    },
    encode(value: unknown, out: BufferWriter): void {
      const m = typeof value === 'string' ? SNAPSHOT_TEXT.exec(value) : null;
      if (m === null) throw rejectValue(SNAPSHOT_ACCEPTS, value);
      const numbers = [m[1], m[2], ...(m[3] === '' ? [] : m[3].split(','))].map(BigInt);
      if (numbers.some((n) => n > UINT64_MAX)) throw rejectValue(SNAPSHOT_ACCEPTS, value);
      // The server checks the order and range of the xids, as its text input does.
      out.i32(numbers.length - 2);
      for (const n of numbers) out.i64(BigInt.asIntN(64, n));
    },
  };
}

export const pgSnapshotCodec = snapshotCodec(PG_SNAPSHOT, 'pg_snapshot');
export const txidSnapshotCodec = snapshotCodec(TXID_SNAPSHOT, 'txid_snapshot');
