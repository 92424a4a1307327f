// money: an int64 count of the currency's minor units (cents for lc_monetary with two fraction
// digits). The binary form carries neither the currency nor its scale, so the JS value is that
// integer as a bigint: exact, and independent of the server's lc_monetary.

import type { BufferWriter } from '../buffer/writer.js';
import type { TypeCodec } from './codec.js';
import { badLength } from './describe.js';
import { toInt64 } from './integers.js';
import { MONEY } from './oids.js';

export const moneyCodec: TypeCodec<bigint> = {
  oid: MONEY,
  name: 'money',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): bigint {
    if (length !== 8) throw badLength('money', 8, length);
    return view.getBigInt64(start);
  },
  encode(value: unknown, out: BufferWriter): void {
    // Minor units, as int8 accepts them: bigint, safe-integer number or decimal integer string.
    out.i64(toInt64(value));
  },
};
