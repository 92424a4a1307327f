// numeric: a sign, a decimal display scale and base-10000 digit groups.
//   i16 ndigits, i16 weight (base-10000 exponent of the first group), u16 sign, u16 dscale,
//   then ndigits × i16 groups, most significant first.

import type { BufferWriter } from '../buffer/writer.js';
import { DecodeError, ParameterError } from '../errors/client-errors.js';
import type { TypeCodec, TypeOptions } from './codec.js';
import { rejectValue } from './describe.js';
import { NUMERIC } from './oids.js';

const SIGN_POS = 0x0000;
const SIGN_NEG = 0x4000;
const SIGN_NAN = 0xc000;
const SIGN_PINF = 0xd000;
const SIGN_NINF = 0xf000;
/** PostgreSQL's NUMERIC_DSCALE_MAX: the largest display scale the format can carry. */
const DSCALE_MAX = 0x3fff;
const WEIGHT_MAX = 0x7fff;

const POW10 = [1, 10, 100, 1000];

function pad4(d: number): string {
  return d >= 1000 ? String(d) : d >= 100 ? '0' + d : d >= 10 ? '00' + d : '000' + d;
}

/** The text PostgreSQL's numeric output prints for one binary value. */
export function decodeNumericText(view: DataView, start: number, length: number): string {
  if (length < 8) throw new DecodeError(`numeric: binary value of ${length} bytes is shorter than its 8-byte header`);
  const ndigits = view.getInt16(start);
  const weight = view.getInt16(start + 2);
  const sign = view.getUint16(start + 4);
  const dscale = view.getUint16(start + 6);
  if (ndigits < 0 || length !== 8 + 2 * ndigits) {
    throw new DecodeError(`numeric: header declares ${ndigits} digit groups but the value has ${length} bytes`);
  }
  if (sign === SIGN_NAN) return 'NaN';
  if (sign === SIGN_PINF) return 'Infinity';
  if (sign === SIGN_NINF) return '-Infinity';
  if (sign !== SIGN_POS && sign !== SIGN_NEG) throw new DecodeError(`numeric: invalid sign word 0x${sign.toString(16)}`);
  if (dscale > DSCALE_MAX) throw new DecodeError(`numeric: invalid display scale ${dscale}`);

  const first = start + 8;
  let nonzero = false;
  for (let i = 0; i < ndigits; i++) {
    const d = view.getInt16(first + 2 * i);
    if (d < 0 || d > 9999) throw new DecodeError(`numeric: digit group ${d} is outside 0..9999`);
    if (d !== 0) nonzero = true;
  }

  // Integer part: groups 0..weight (those past ndigits are implied zeros); leading zeros dropped.
  let text = '';
  for (let i = 0; i <= weight; i++) {
    const d = i < ndigits ? view.getInt16(first + 2 * i) : 0;
    if (text === '') {
      if (d !== 0) text = String(d);
    } else {
      text += pad4(d);
    }
  }
  if (text === '') text = '0';
  // Negative zero cannot come from the server; print it as PostgreSQL prints zero.
  if (sign === SIGN_NEG && nonzero) text = '-' + text;

  // Fraction: exactly dscale digits, from the group after the units group onwards (groups
  // before index 0 are leading zeros when weight < -1), truncated like PostgreSQL's output.
  if (dscale > 0) {
    let fraction = '';
    for (let i = weight + 1; fraction.length < dscale; i++) {
      fraction += pad4(i >= 0 && i < ndigits ? view.getInt16(first + 2 * i) : 0);
    }
    text += '.' + (fraction.length === dscale ? fraction : fraction.slice(0, dscale));
  }
  return text;
}

// PostgreSQL accepts surrounding whitespace, a sign, and an exponent.
const NUMERIC_TEXT = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;
const ACCEPTS = "a decimal string (e.g. '-12.50', '1.5e-3', 'NaN', 'Infinity'), a number or a bigint";

function writeSpecial(sign: number, out: BufferWriter): void {
  out.i16(0).i16(0).u16(sign).u16(0);
}

/** Write the binary numeric for a decimal string; `original` is the value the caller passed. */
function encodeNumericText(text: string, original: unknown, out: BufferWriter): void {
  const match = NUMERIC_TEXT.exec(text);
  if (match === null) {
    const word = text.trim().toLowerCase();
    if (word === 'nan') return writeSpecial(SIGN_NAN, out);
    if (word === 'infinity' || word === '+infinity' || word === 'inf' || word === '+inf') return writeSpecial(SIGN_PINF, out);
    if (word === '-infinity' || word === '-inf') return writeSpecial(SIGN_NINF, out);
    throw rejectValue(ACCEPTS, original);
  }
  const integerDigits = match[2];
  const fractionDigits = match[3] ?? '';
  if (integerDigits === '' && fractionDigits === '') throw rejectValue(ACCEPTS, original);
  let exponent = 0;
  if (match[4] !== undefined) {
    exponent = Number(match[4]);
    // Beyond this the value cannot fit the format anyway; refuse before building huge arrays.
    if (Math.abs(exponent) > 1_000_000) throw new ParameterError(`numeric exponent out of range in ${JSON.stringify(text)}`);
  }
  const negative = match[1] === '-';
  const dscale = Math.max(0, fractionDigits.length - exponent);
  if (dscale > DSCALE_MAX) {
    throw new ParameterError(`numeric value ${JSON.stringify(text)} has ${dscale} digits after the decimal point; PostgreSQL allows at most ${DSCALE_MAX}`);
  }

  // value = digits × 10^power
  const digits = integerDigits + fractionDigits;
  let power = exponent - fractionDigits.length;
  let firstNonzero = 0;
  while (firstNonzero < digits.length && digits.charCodeAt(firstNonzero) === 48) firstNonzero++;
  if (firstNonzero === digits.length) {
    // Zero is always positive and has no digit groups.
    out.i16(0).i16(0).u16(SIGN_POS).u16(dscale);
    return;
  }
  let lastNonzero = digits.length - 1;
  while (digits.charCodeAt(lastNonzero) === 48) lastNonzero--;
  power += digits.length - 1 - lastNonzero;
  const count = lastNonzero - firstNonzero + 1;

  // Groups are aligned on the decimal point: decimal exponent e lives in group floor(e / 4).
  const topExponent = count - 1 + power;
  const weight = Math.floor(topExponent / 4);
  const ndigits = weight - Math.floor(power / 4) + 1;
  if (weight > WEIGHT_MAX || ndigits > 0x7fff) {
    throw new ParameterError(`numeric value ${JSON.stringify(text.length > 40 ? text.slice(0, 40) + '…' : text)} is too large for PostgreSQL's numeric type`);
  }
  const groups = new Array<number>(ndigits).fill(0);
  for (let k = 0; k < count; k++) {
    const e = topExponent - k;
    const group = Math.floor(e / 4);
    groups[weight - group] += (digits.charCodeAt(firstNonzero + k) - 48) * POW10[e - 4 * group];
  }
  out.i16(ndigits).i16(weight).u16(negative ? SIGN_NEG : SIGN_POS).u16(dscale);
  for (let i = 0; i < ndigits; i++) out.i16(groups[i]);
}

export function encodeNumeric(value: unknown, out: BufferWriter): void {
  if (typeof value === 'string') return encodeNumericText(value, value, out);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return writeSpecial(SIGN_NAN, out);
    if (value === Infinity) return writeSpecial(SIGN_PINF, out);
    if (value === -Infinity) return writeSpecial(SIGN_NINF, out);
    // String() gives the shortest text that round-trips, e.g. '0.1', '1e+21', '5e-324'.
    return encodeNumericText(String(value), value, out);
  }
  if (typeof value === 'bigint') return encodeNumericText(value.toString(), value, out);
  throw rejectValue(ACCEPTS, value);
}

const numericAsString: TypeCodec<string> = {
  oid: NUMERIC,
  name: 'numeric',
  textResults: true,
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): string {
    return decodeNumericText(view, start, length);
  },
  encode: encodeNumeric,
};

const numericAsNumber: TypeCodec<number> = {
  oid: NUMERIC,
  name: 'numeric',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): number {
    return Number(decodeNumericText(view, start, length));
  },
  encode: encodeNumeric,
};

export function numericCodec(mode: Required<TypeOptions>['numeric']): TypeCodec {
  return mode === 'number' ? numericAsNumber : numericAsString;
}
