// inet, cidr, macaddr, macaddr8. JS values are strings in PostgreSQL's own text form, so a
// decoded value prints exactly as the server prints it and can be sent back unchanged.
//
// inet/cidr binary form (network_send): family (2 = IPv4, 3 = IPv6), mask bits, is_cidr flag,
// address length (4 or 16), then the address bytes.

import type { BufferWriter } from '../buffer/writer.js';
import { DecodeError } from '../errors/client-errors.js';
import type { TypeCodec } from './codec.js';
import { badLength, rejectValue } from './describe.js';
import { CIDR, INET, MACADDR, MACADDR8 } from './oids.js';

const FAMILY_IPV4 = 2;
const FAMILY_IPV6 = 3;

/** An address as PostgreSQL stores it: 4 or 16 bytes plus a mask length. */
interface IpValue {
  bytes: Uint8Array;
  bits: number;
}

function formatIpv4(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

/**
 * IPv6 text as PostgreSQL's inet_net_ntop prints it: lower-case hex groups, the first longest run
 * of two or more zero groups shown as '::', and an embedded IPv4 tail for '::a.b.c.d' and
 * '::ffff:a.b.c.d'.
 */
function formatIpv6(bytes: Uint8Array, at: number): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[at + 2 * i] << 8) | bytes[at + 2 * i + 1]);
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (curBase === -1) {
        curBase = i;
        curLen = 1;
      } else {
        curLen++;
      }
    } else if (curBase !== -1) {
      if (bestBase === -1 || curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
      curBase = -1;
    }
  }
  if (curBase !== -1 && (bestBase === -1 || curLen > bestLen)) {
    bestBase = curBase;
    bestLen = curLen;
  }
  if (bestBase !== -1 && bestLen < 2) bestBase = -1;

  let text = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) text += ':';
      continue;
    }
    if (i !== 0) text += ':';
    // (best length 7 cannot reach group 6 outside the run, so only these two forms occur.)
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      return text + formatIpv4(bytes, at + 12);
    }
    text += words[i].toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) text += ':';
  return text;
}

function decodeIp(bytes: Uint8Array, start: number, length: number, cidr: boolean): string {
  const type = cidr ? 'cidr' : 'inet';
  if (length < 4) throw new DecodeError(`${type}: binary value too short (${length} bytes)`);
  const family = bytes[start];
  const bits = bytes[start + 1];
  const size = bytes[start + 3];
  const expected = family === FAMILY_IPV4 ? 4 : family === FAMILY_IPV6 ? 16 : -1;
  if (expected < 0) throw new DecodeError(`${type}: unknown address family ${family}`);
  if (size !== expected || length !== 4 + size) throw badLength(type, 4 + expected, length);
  const maxBits = size * 8;
  if (bits > maxBits) throw new DecodeError(`${type}: mask length ${bits} exceeds ${maxBits}`);
  const address = family === FAMILY_IPV4 ? formatIpv4(bytes, start + 4) : formatIpv6(bytes, start + 4);
  // inet omits a full-length mask; cidr always shows it.
  return cidr || bits !== maxBits ? `${address}/${bits}` : address;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string, into: Uint8Array, at: number): boolean {
  const m = IPV4.exec(text);
  if (m === null) return false;
  for (let i = 0; i < 4; i++) {
    const octet = Number(m[i + 1]);
    if (octet > 255) return false;
    into[at + i] = octet;
  }
  return true;
}

function parseIpv6(text: string, into: Uint8Array): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  const words: number[] = [];
  const push = (groups: string[], last: boolean): boolean => {
    for (let i = 0; i < groups.length; i++) {
      const group = groups[i];
      if (last && i === groups.length - 1 && group.includes('.')) {
        // An embedded IPv4 address fills the last 32 bits.
        const v4 = new Uint8Array(4);
        if (!parseIpv4(group, v4, 0)) return false;
        words.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!HEX_GROUP.test(group)) return false;
        words.push(parseInt(group, 16));
      }
    }
    return true;
  };
  if (!push(head, halves.length === 1)) return false;
  const headCount = words.length;
  if (!push(tail, true)) return false;
  const tailWords = words.splice(headCount);
  if (halves.length === 2) {
    // '::' stands for at least one zero group.
    const zeros = 8 - headCount - tailWords.length;
    if (zeros < 1) return false;
    for (let i = 0; i < zeros; i++) words.push(0);
  }
  words.push(...tailWords);
  if (words.length !== 8) return false;
  for (let i = 0; i < 8; i++) {
    into[2 * i] = words[i] >> 8;
    into[2 * i + 1] = words[i] & 0xff;
  }
  return true;
}

/** Parses 'a.b.c.d[/n]' or an IPv6 address (any '::' compression, IPv4 tail) with optional '/n'. */
function parseIp(text: string): IpValue | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const v6 = address.includes(':');
  const bytes = new Uint8Array(v6 ? 16 : 4);
  if (!(v6 ? parseIpv6(address, bytes) : parseIpv4(address, bytes, 0))) return undefined;
  let bits = bytes.length * 8;
  if (slash >= 0) {
    const mask = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(mask)) return undefined;
    bits = Number(mask);
    if (bits > bytes.length * 8) return undefined;
  }
  return { bytes, bits };
}

/** Whether no bit beyond the mask is set (a valid cidr value). */
function hostBitsClear({ bytes, bits }: IpValue): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    if ((bytes[i] & ~mask) !== 0) return false;
  }
  return true;
}

const INET_ACCEPTS = "an IP address string such as '192.168.0.1', '10.0.0.0/8', '::1' or '2001:db8::/32'";
const CIDR_ACCEPTS = "a network string such as '10.0.0.0/8' or '2001:db8::/32' with no bits set right of the mask";

function encodeIp(value: unknown, out: BufferWriter, cidr: boolean): void {
  const accepts = cidr ? CIDR_ACCEPTS : INET_ACCEPTS;
  if (typeof value !== 'string') throw rejectValue(accepts, value);
  const ip = parseIp(value);
  // The server rejects cidr host bits too; saying so here names the parameter.
  if (ip === undefined || (cidr && !hostBitsClear(ip))) throw rejectValue(accepts, value);
  out.u8(ip.bytes.length === 4 ? FAMILY_IPV4 : FAMILY_IPV6);
  out.u8(ip.bits);
  out.u8(cidr ? 1 : 0);
  out.u8(ip.bytes.length);
  out.raw(ip.bytes);
}

export const inetCodec: TypeCodec<string> = {
  oid: INET,
  name: 'inet',
  decode(bytes: Uint8Array, _view: DataView, start: number, length: number): string {
    return decodeIp(bytes, start, length, false);
  },
  encode(value: unknown, out: BufferWriter): void {
    encodeIp(value, out, false);
  },
};

export const cidrCodec: TypeCodec<string> = {
  oid: CIDR,
  name: 'cidr',
  decode(bytes: Uint8Array, _view: DataView, start: number, length: number): string {
    return decodeIp(bytes, start, length, true);
  },
  encode(value: unknown, out: BufferWriter): void {
    encodeIp(value, out, true);
  },
};

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function formatMac(bytes: Uint8Array, start: number, count: number): string {
  let text = HEX[bytes[start]];
  for (let i = 1; i < count; i++) text += ':' + HEX[bytes[start + i]];
  return text;
}

function hexBytes(digits: string): Uint8Array {
  const result = new Uint8Array(digits.length / 2);
  for (let i = 0; i < result.length; i++) result[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return result;
}

// The layouts macaddr_in accepts, each with two hex digits per byte.
const MACADDR_FORMS = [
  /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i,
  /^[0-9a-f]{2}(-[0-9a-f]{2}){5}$/i,
  /^[0-9a-f]{6}[:-][0-9a-f]{6}$/i,
  /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i,
  /^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/i,
  /^[0-9a-f]{12}$/i,
];
const MACADDR_ACCEPTS = "a MAC address string such as '08:00:2b:01:02:03' (also '08-00-2b-01-02-03', '08002b:010203', '0800.2b01.0203', '08002b010203')";

export const macaddrCodec: TypeCodec<string> = {
  oid: MACADDR,
  name: 'macaddr',
  decode(bytes: Uint8Array, _view: DataView, start: number, length: number): string {
    if (length !== 6) throw badLength('macaddr', 6, length);
    return formatMac(bytes, start, 6);
  },
  encode(value: unknown, out: BufferWriter): void {
    if (typeof value !== 'string' || !MACADDR_FORMS.some((form) => form.test(value))) throw rejectValue(MACADDR_ACCEPTS, value);
    out.raw(hexBytes(value.replace(/[:.-]/g, '')));
  },
};

// macaddr8_in: pairs of hex digits, optionally separated by one spacer (':', '-' or '.') used
// consistently; 6 bytes are widened to EUI-64 by inserting ff:fe in the middle.
const MACADDR8_FORM = /^[0-9a-f]{2}(?:[:.-]?[0-9a-f]{2}){5}(?:(?:[:.-]?[0-9a-f]{2}){2})?$/i;
const MACADDR8_ACCEPTS = "an EUI-64 or EUI-48 MAC address string such as '08:00:2b:01:02:03:04:05' or '08:00:2b:01:02:03'";

export const macaddr8Codec: TypeCodec<string> = {
  oid: MACADDR8,
  name: 'macaddr8',
  decode(bytes: Uint8Array, _view: DataView, start: number, length: number): string {
    if (length !== 8) throw badLength('macaddr8', 8, length);
    return formatMac(bytes, start, 8);
  },
  encode(value: unknown, out: BufferWriter): void {
    if (typeof value !== 'string' || !MACADDR8_FORM.test(value)) throw rejectValue(MACADDR8_ACCEPTS, value);
    const spacers = new Set(value.replace(/[0-9a-f]/gi, ''));
    if (spacers.size > 1) throw rejectValue(MACADDR8_ACCEPTS, value);
    const bytes = hexBytes(value.replace(/[:.-]/g, ''));
    if (bytes.length === 6) {
      out.raw(bytes.subarray(0, 3)).u8(0xff).u8(0xfe).raw(bytes.subarray(3));
    } else {
      out.raw(bytes);
    }
  },
};
