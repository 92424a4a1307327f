import { describe, expect, it } from 'vitest';
import { DecodeError, ParameterError } from '../../../src/codec/errors/client-errors.js';
import * as oids from '../../../src/codec/types/oids.js';
import { codec, decode, encode, roundTrip } from './helpers.js';

const v4 = (bits: number, cidr: number, ...addr: number[]) => [2, bits, cidr, 4, ...addr];
const v6 = (bits: number, cidr: number, ...words: number[]) => [3, bits, cidr, 16, ...words.flatMap((w) => [w >> 8, w & 0xff])];

describe('inet', () => {
  const c = codec(oids.INET);
  it('encodes family, bits, is_cidr flag, length and address', () => {
    expect(encode(c, '192.168.0.1')).toEqual(v4(32, 0, 192, 168, 0, 1));
    expect(encode(c, '192.168.0.1/24')).toEqual(v4(24, 0, 192, 168, 0, 1));
    expect(encode(c, '0.0.0.0/0')).toEqual(v4(0, 0, 0, 0, 0, 0));
    expect(encode(c, '::1')).toEqual(v6(128, 0, 0, 0, 0, 0, 0, 0, 0, 1));
    expect(encode(c, '2001:DB8::8a2e:370:7334/64')).toEqual(v6(64, 0, 0x2001, 0xdb8, 0, 0, 0, 0x8a2e, 0x370, 0x7334));
    expect(encode(c, '::ffff:1.2.3.4')).toEqual(v6(128, 0, 0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304));
    expect(encode(c, '1:2:3:4:5:6:7::')).toEqual(v6(128, 0, 1, 2, 3, 4, 5, 6, 7, 0));
  });
  it('prints as PostgreSQL: first longest zero run compressed, IPv4 tails, /128 and /32 omitted', () => {
    expect(decode(c, v4(32, 0, 10, 0, 0, 1))).toBe('10.0.0.1');
    expect(decode(c, v4(8, 0, 10, 0, 0, 1))).toBe('10.0.0.1/8');
    expect(decode(c, v6(128, 0, 0, 0, 0, 0, 0, 0, 0, 0))).toBe('::');
    expect(decode(c, v6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0))).toBe('::/0');
    expect(decode(c, v6(128, 0, 1, 0, 0, 1, 0, 0, 0, 1))).toBe('1:0:0:1::1');
    expect(decode(c, v6(128, 0, 1, 0, 0, 1, 0, 0, 1, 1))).toBe('1::1:0:0:1:1');
    expect(decode(c, v6(128, 0, 1, 0, 2, 0, 3, 0, 4, 0))).toBe('1:0:2:0:3:0:4:0');
    expect(decode(c, v6(128, 0, 0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304))).toBe('::ffff:1.2.3.4');
    expect(decode(c, v6(128, 0, 0, 0, 0, 0, 0, 0, 0x0102, 0x0304))).toBe('::1.2.3.4');
    expect(decode(c, v6(128, 0, 0, 0, 0, 0, 0, 0, 0, 0x0304))).toBe('::304');
    expect(decode(c, v6(96, 0, 0, 0, 0, 0, 0, 0xfffe, 0x0102, 0x0304))).toBe('::fffe:102:304/96');
    expect(decode(c, v6(128, 0, 0xfe80, 0, 0, 0, 0, 0, 0, 0))).toBe('fe80::');
  });
  it('round-trips its own output', () => {
    for (const text of ['::', '::1', '1::', '::1.2.3.4', '::ffff:0.0.0.0', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '255.255.255.255/31', 'a:b:c:d:e:f:1:2/127']) {
      expect(roundTrip(c, text)).toBe(text);
    }
  });
  it('rejects malformed addresses and masks', () => {
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.4/33', '::/129', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', ':::', 'g::', ' 1.2.3.4', '1.2.3.4/', '1.2.3.4/-1', '1:2:3:4:5:6:7:8::', '1.2.3.4::', '']) {
      expect(() => encode(c, bad), bad).toThrow(ParameterError);
    }
    expect(() => encode(c, 0x7f000001)).toThrow(ParameterError);
  });
  it('checks the binary header', () => {
    expect(() => decode(c, [2, 32, 0, 16, 1, 2, 3, 4])).toThrow(DecodeError);
    expect(() => decode(c, [4, 32, 0, 4, 1, 2, 3, 4])).toThrow(DecodeError);
    expect(() => decode(c, v4(33, 0, 1, 2, 3, 4))).toThrow(DecodeError);
  });
});

describe('cidr', () => {
  const c = codec(oids.CIDR);
  it('always prints the mask and sets the is_cidr flag', () => {
    expect(decode(c, v4(32, 1, 1, 2, 3, 4))).toBe('1.2.3.4/32');
    expect(decode(c, v6(128, 1, 0, 0, 0, 0, 0, 0, 0, 1))).toBe('::1/128');
    expect(encode(c, '10.0.0.0/8')).toEqual(v4(8, 1, 10, 0, 0, 0));
    expect(encode(c, '1.2.3.4')).toEqual(v4(32, 1, 1, 2, 3, 4));
  });
  it('rejects bits right of the mask, as the server does', () => {
    expect(() => encode(c, '10.0.0.1/8')).toThrow(ParameterError);
    expect(() => encode(c, '2001:db8::1/32')).toThrow(ParameterError);
    expect(encode(c, '255.255.255.254/31')).toEqual(v4(31, 1, 255, 255, 255, 254));
    expect(() => encode(c, '255.255.255.255/31')).toThrow(ParameterError);
  });
});

describe('macaddr and macaddr8', () => {
  const mac = codec(oids.MACADDR);
  const mac8 = codec(oids.MACADDR8);
  it('macaddr accepts the server input layouts and prints lower-case colon form', () => {
    const bytes = [0x08, 0x00, 0x2b, 0x01, 0x02, 0x03];
    for (const form of ['08:00:2b:01:02:03', '08-00-2B-01-02-03', '08002b:010203', '08002b-010203', '0800.2b01.0203', '0800-2b01-0203', '08002b010203']) {
      expect(encode(mac, form), form).toEqual(bytes);
    }
    expect(decode(mac, [0xab, 0xcd, 0xef, 0, 1, 0xff])).toBe('ab:cd:ef:00:01:ff');
    for (const bad of ['08:00:2b:01:02', '08:00-2b:01:02:03', '8:0:2b:1:2:3', '08:00:2b:01:02:0g', '08:00:2b:01:02:03:04:05']) {
      expect(() => encode(mac, bad), bad).toThrow(ParameterError);
    }
    expect(() => decode(mac, [1, 2, 3])).toThrow(DecodeError);
  });
  it('macaddr8 widens 6 bytes with ff:fe and requires one spacer kind', () => {
    expect(encode(mac8, '08:00:2b:01:02:03')).toEqual([8, 0, 0x2b, 0xff, 0xfe, 1, 2, 3]);
    expect(encode(mac8, '0800.2b01.0203.0405')).toEqual([8, 0, 0x2b, 1, 2, 3, 4, 5]);
    expect(encode(mac8, '08002b0102030405')).toEqual([8, 0, 0x2b, 1, 2, 3, 4, 5]);
    expect(decode(mac8, [8, 0, 0x2b, 1, 2, 3, 4, 5])).toBe('08:00:2b:01:02:03:04:05');
    for (const bad of ['08-00:2b:01:02:03', '08:00:2b:01:02:03:04', '08:00:2b:01:02:03:04:05:06', '']) {
      expect(() => encode(mac8, bad), bad).toThrow(ParameterError);
    }
  });
});
