// int2, int4, int8, oid (and xid/cid, which share oid's unsigned 32-bit form).

import type { BufferWriter } from '../buffer/writer.js';
import { DecodeError } from '../errors/client-errors.js';
import type { TypeCodec, TypeOptions } from './codec.js';
import { badLength, rejectValue } from './describe.js';
import { CID, INT2, INT4, INT8, OID, XID } from './oids.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A JS number or bigint that is an integer in [min, max], as a number; otherwise throws. */
function integerInRange(value: unknown, min: number, max: number, accepted: string): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= min && value <= max) return value;
  } else if (typeof value === 'bigint') {
    if (value >= BigInt(min) && value <= BigInt(max)) return Number(value);
  }
  throw rejectValue(accepted, value);
}

export const int2Codec: TypeCodec<number> = {
  oid: INT2,
  name: 'int2',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): number {
    if (length !== 2) throw badLength('int2', 2, length);
    return view.getInt16(start);
  },
  encode(value: unknown, out: BufferWriter): void {
    out.i16(integerInRange(value, -32768, 32767, 'an integer from -32768 to 32767 (number or bigint)'));
  },
};

export const int4Codec: TypeCodec<number> = {
  oid: INT4,
  name: 'int4',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): number {
    if (length !== 4) throw badLength('int4', 4, length);
    return view.getInt32(start);
  },
  encode(value: unknown, out: BufferWriter): void {
    out.i32(integerInRange(value, -2147483648, 2147483647, 'an integer from -2147483648 to 2147483647 (number or bigint)'));
  },
};

/** A 4-byte unsigned type (oid, xid, cid, the reg* types); `accepts` describes valid parameters. */
export function uint32Codec(oid: number, name: string, accepts = 'an integer from 0 to 4294967295 (number or bigint)'): TypeCodec<number> {
  return {
    oid,
    name,
    decode(_bytes: Uint8Array, view: DataView, start: number, length: number): number {
      if (length !== 4) throw badLength(name, 4, length);
      return view.getUint32(start);
    },
    encode(value: unknown, out: BufferWriter): void {
      out.u32(integerInRange(value, 0, 4294967295, accepts));
    },
  };
}

export const oidCodec = uint32Codec(OID, 'oid');
export const xidCodec = uint32Codec(XID, 'xid');
export const cidCodec = uint32Codec(CID, 'cid');

const INT8_ACCEPTS = 'a bigint, a safe-integer number or a decimal integer string from -9223372036854775808 to 9223372036854775807';
// PostgreSQL's int8 input allows surrounding whitespace and a sign.
const INT8_TEXT = /^\s*([+-]?\d+)\s*$/;

/** The int64 value of a bigint, safe-integer number or decimal string; throws ParameterError otherwise. */
export function toInt64(value: unknown): bigint {
  let result: bigint;
  if (typeof value === 'bigint') {
    result = value;
  } else if (typeof value === 'number') {
    // An unsafe integer has already lost precision: refuse rather than send a different number.
    if (!Number.isSafeInteger(value)) throw rejectValue(INT8_ACCEPTS, value);
    return BigInt(value);
  } else if (typeof value === 'string') {
    const match = INT8_TEXT.exec(value);
    if (match === null) throw rejectValue(INT8_ACCEPTS, value);
    result = BigInt(match[1]);
  } else {
    throw rejectValue(INT8_ACCEPTS, value);
  }
  if (result < INT64_MIN || result > INT64_MAX) throw rejectValue(INT8_ACCEPTS, value);
  return result;
}

function encodeInt8(value: unknown, out: BufferWriter): void {
  out.i64(toInt64(value));
}

const int8AsBigint: TypeCodec<bigint> = {
  oid: INT8,
  name: 'int8',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): bigint {
    if (length !== 8) throw badLength('int8', 8, length);
    return view.getBigInt64(start);
  },
  encode: encodeInt8,
};

const int8AsNumber: TypeCodec<number> = {
  oid: INT8,
  name: 'int8',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): number {
    if (length !== 8) throw badLength('int8', 8, length);
    // Two 32-bit reads avoid allocating a bigint; |hi| < 2^21 is exactly the safe range.
    const hi = view.getInt32(start);
    const lo = view.getUint32(start + 4);
    if (hi >= -0x200000 && hi < 0x200000) {
      const n = hi * 4294967296 + lo;
      if (n !== -9007199254740992) return n;
    }
    throw new DecodeError(
      `int8 value ${view.getBigInt64(start)} is outside the range of a JS number (±9007199254740991): set the int8 type option to 'bigint' or 'string'`,
    );
  },
  encode: encodeInt8,
};

const int8AsString: TypeCodec<string> = {
  oid: INT8,
  name: 'int8',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): string {
    if (length !== 8) throw badLength('int8', 8, length);
    return view.getBigInt64(start).toString();
  },
  encode: encodeInt8,
};

export function int8Codec(mode: Required<TypeOptions>['int8']): TypeCodec {
  return mode === 'number' ? int8AsNumber : mode === 'string' ? int8AsString : int8AsBigint;
}
