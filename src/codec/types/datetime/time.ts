// time: int64 µs since midnight (0 .. 24:00:00 inclusive).
// timetz: the same, then int32 zone displacement in seconds WEST of UTC (UTC+02 is -7200).

import type { BufferWriter } from '../../buffer/writer.js';
import { DecodeError } from '../../errors/client-errors.js';
import type { TypeCodec, TypeOptions } from '../codec.js';
import { badLength, rejectValue } from '../describe.js';
import { TIME, TIMETZ } from '../oids.js';
import { US_PER_DAY, ZONE_LIMIT_SECONDS, formatOffset, formatTimeOfDay, parseOffset, timeFieldsToUs } from './calendar.js';

/** timetz in the 'bigint' time mode: µs since local midnight and the zone offset in seconds EAST of UTC (ISO sign). */
export interface TimeTz {
  microseconds: bigint;
  offset: number;
}

/** µs since midnight, read as two 32-bit halves: the value is < 2^37, so a number holds it exactly. */
function readTimeUs(view: DataView, start: number, type: string): number {
  const us = view.getInt32(start) * 4294967296 + view.getUint32(start + 4);
  if (us < 0 || us > US_PER_DAY) throw new DecodeError(`${type}: ${us} µs is outside 00:00:00 .. 24:00:00`);
  return us;
}

function writeTimeUs(us: number, out: BufferWriter): void {
  out.i32(Math.floor(us / 4294967296)).u32(us % 4294967296);
}

const TIME_TEXT = /^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*$/;
const TIME_ACCEPTS = "a time string 'HH:MM[:SS[.ffffff]]' from 00:00:00 to 24:00:00, or a bigint of µs since midnight";

function timeToUs(value: unknown): number {
  if (typeof value === 'string') {
    const match = TIME_TEXT.exec(value);
    const us = match === null ? undefined : timeFieldsToUs(match[1], match[2], match[3], match[4]);
    if (us === undefined) throw rejectValue(TIME_ACCEPTS, value);
    return us;
  }
  if (typeof value === 'bigint') {
    if (value < 0n || value > BigInt(US_PER_DAY)) throw rejectValue(TIME_ACCEPTS, value);
    return Number(value);
  }
  throw rejectValue(TIME_ACCEPTS, value);
}

function encodeTime(value: unknown, out: BufferWriter): void {
  writeTimeUs(timeToUs(value), out);
}

const timeAsString: TypeCodec<string> = {
  oid: TIME,
  name: 'time',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): string {
    if (length !== 8) throw badLength('time', 8, length);
    return formatTimeOfDay(readTimeUs(view, start, 'time'));
  },
  encode: encodeTime,
};

const timeAsBigint: TypeCodec<bigint> = {
  oid: TIME,
  name: 'time',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): bigint {
    if (length !== 8) throw badLength('time', 8, length);
    return BigInt(readTimeUs(view, start, 'time'));
  },
  encode: encodeTime,
};

const TIMETZ_TEXT = /^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*(Z|[+-][\d:]+)\s*$/i;
const TIMETZ_ACCEPTS =
  "a time with zone 'HH:MM[:SS[.ffffff]]±hh[:mm[:ss]]' (or 'Z'), or { microseconds: bigint, offset: seconds east of UTC }";

function encodeTimetz(value: unknown, out: BufferWriter): void {
  let us: number | undefined;
  let east: number | undefined;
  if (typeof value === 'string') {
    const match = TIMETZ_TEXT.exec(value);
    if (match !== null) {
      us = timeFieldsToUs(match[1], match[2], match[3], match[4]);
      east = parseOffset(match[5]);
    }
  } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { microseconds, offset } = value as Partial<TimeTz>;
    if (typeof microseconds === 'bigint' && microseconds >= 0n && microseconds <= BigInt(US_PER_DAY)) us = Number(microseconds);
    if (Number.isInteger(offset) && Math.abs(offset as number) < ZONE_LIMIT_SECONDS) east = offset;
  }
  if (us === undefined || east === undefined) throw rejectValue(TIMETZ_ACCEPTS, value);
  writeTimeUs(us, out);
  // The wire carries seconds WEST of UTC; `0 - east` avoids sending -0.
  out.i32(0 - east);
}

function readZone(view: DataView, start: number): number {
  const west = view.getInt32(start + 8);
  if (west <= -ZONE_LIMIT_SECONDS || west >= ZONE_LIMIT_SECONDS) throw new DecodeError(`timetz: zone displacement ${west} s is out of range`);
  return 0 - west;
}

const timetzAsString: TypeCodec<string> = {
  oid: TIMETZ,
  name: 'timetz',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): string {
    if (length !== 12) throw badLength('timetz', 12, length);
    return formatTimeOfDay(readTimeUs(view, start, 'timetz')) + formatOffset(readZone(view, start));
  },
  encode: encodeTimetz,
};

const timetzAsObject: TypeCodec<TimeTz> = {
  oid: TIMETZ,
  name: 'timetz',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): TimeTz {
    if (length !== 12) throw badLength('timetz', 12, length);
    return { microseconds: BigInt(readTimeUs(view, start, 'timetz')), offset: readZone(view, start) };
  },
  encode: encodeTimetz,
};

export function timeCodec(mode: Required<TypeOptions>['time']): TypeCodec {
  return mode === 'bigint' ? timeAsBigint : timeAsString;
}

export function timetzCodec(mode: Required<TypeOptions>['time']): TypeCodec {
  return mode === 'bigint' ? timetzAsObject : timetzAsString;
}

