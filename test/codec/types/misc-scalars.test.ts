import { describe, expect, it } from 'vitest';
import { DecodeError, ParameterError } from '../../../src/codec/errors/client-errors.js';
import * as oids from '../../../src/codec/types/oids.js';
import { be16, be32, be64, codec, decode, encode, roundTrip } from './helpers.js';

describe('bit and varbit', () => {
  for (const oid of [oids.BIT, oids.VARBIT]) {
    const c = codec(oid);
    it(`${c.name}: bit count then packed bits, zero-padded`, () => {
      expect(encode(c, '')).toEqual(be32(0));
      expect(encode(c, '101')).toEqual([...be32(3), 0b10100000]);
      expect(encode(c, '111111110')).toEqual([...be32(9), 0xff, 0]);
      expect(decode(c, [...be32(3), 0b10111111])).toBe('101'); // padding bits ignored
      const long = '1101'.repeat(250) + '1';
      expect(roundTrip(c, long)).toBe(long);
      expect(() => encode(c, '102')).toThrow(ParameterError);
      expect(() => encode(c, 5)).toThrow(ParameterError);
      expect(() => decode(c, [...be32(9), 0xff])).toThrow(DecodeError);
    });
  }
});

describe('money', () => {
  const c = codec(oids.MONEY);
  it('is int64 minor units as a bigint', () => {
    expect(decode(c, be64(-(2n ** 63n)))).toBe(-(2n ** 63n));
    expect(encode(c, 1234n)).toEqual(be64(1234n));
    expect(encode(c, -1)).toEqual(be64(-1n));
    expect(encode(c, '9223372036854775807')).toEqual(be64(2n ** 63n - 1n));
    expect(() => encode(c, '12.34')).toThrow(ParameterError);
    expect(() => encode(c, 2n ** 63n)).toThrow(ParameterError);
  });
});

describe('pg_lsn', () => {
  const c = codec(oids.PG_LSN);
  it('prints upper-case hex halves without padding', () => {
    expect(decode(c, [0, 0, 0, 0x16, 0xb3, 0x74, 0xd8, 0x48])).toBe('16/B374D848');
    expect(decode(c, be64(0n))).toBe('0/0');
    expect(decode(c, be64(-1n))).toBe('FFFFFFFF/FFFFFFFF');
    expect(encode(c, '16/b374d848')).toEqual([0, 0, 0, 0x16, 0xb3, 0x74, 0xd8, 0x48]);
    expect(encode(c, 0x1_0000_0002n)).toEqual([0, 0, 0, 1, 0, 0, 0, 2]);
    for (const bad of ['16', '/1', '1/123456789', 'g/0', ' 1/1', -1n, 2n ** 64n]) expect(() => encode(c, bad)).toThrow(ParameterError);
  });
});

describe('tid', () => {
  const c = codec(oids.TID);
  it('is block (uint32) and offset (uint16)', () => {
    expect(decode(c, [0xff, 0xff, 0xff, 0xff, 0, 1])).toEqual({ block: 4294967295, offset: 1 });
    expect(encode(c, { block: 1, offset: 65535 })).toEqual([0, 0, 0, 1, 0xff, 0xff]);
    expect(encode(c, '(7,3)')).toEqual([0, 0, 0, 7, 0, 3]);
    for (const bad of [{ block: -1, offset: 0 }, { block: 0, offset: 65536 }, '(1,2', '7,3', { block: 1.5, offset: 1 }]) {
      expect(() => encode(c, bad)).toThrow(ParameterError);
    }
    expect(() => decode(c, [0, 0, 0, 1])).toThrow(DecodeError);
  });
});

describe('xid8 and snapshots', () => {
  it('xid8 is an unsigned 64-bit bigint', () => {
    const c = codec(oids.XID8);
    expect(decode(c, be64(-1n))).toBe(2n ** 64n - 1n);
    expect(encode(c, 2n ** 64n - 1n)).toEqual(be64(-1n));
    expect(encode(c, '42')).toEqual(be64(42n));
    for (const bad of [-1n, 2n ** 64n, -1, 1.5, '-1', 'x']) expect(() => encode(c, bad)).toThrow(ParameterError);
  });
  for (const oid of [oids.PG_SNAPSHOT, oids.TXID_SNAPSHOT]) {
    const c = codec(oid);
    it(`${c.name} is count, xmin, xmax, xips; text 'xmin:xmax:xip,…'`, () => {
      const bytes = [...be32(2), ...be64(10n), ...be64(20n), ...be64(12n), ...be64(15n)];
      expect(decode(c, bytes)).toBe('10:20:12,15');
      expect(encode(c, '10:20:12,15')).toEqual(bytes);
      expect(roundTrip(c, '5:5:')).toBe('5:5:');
      for (const bad of ['1:2', '1:2:3,', 'a:b:', '1:2:,3']) expect(() => encode(c, bad), bad).toThrow(ParameterError);
      expect(() => decode(c, [...be32(1), ...be64(1n), ...be64(2n)])).toThrow(DecodeError);
    });
  }
});

describe('reg* types', () => {
  const regs = [
    oids.REGPROC, oids.REGPROCEDURE, oids.REGOPER, oids.REGOPERATOR, oids.REGCLASS, oids.REGTYPE, oids.REGCONFIG, oids.REGDICTIONARY,
    oids.REGNAMESPACE, oids.REGROLE, oids.REGCOLLATION,
  ];
  it('are OIDs as numbers', () => {
    for (const oid of regs) {
      const c = codec(oid);
      expect(c.oid).toBe(oid);
      expect(decode(c, be32(-1))).toBe(4294967295);
      expect(encode(c, 1259)).toEqual(be32(1259));
      expect(encode(c, 1259n)).toEqual(be32(1259));
      expect(() => encode(c, 'pg_class')).toThrow(/::text::/);
      expect(() => encode(c, -1)).toThrow(ParameterError);
    }
  });
});

describe('int2vector and oidvector', () => {
  it('use the one-dimensional array format with lower bound 0', () => {
    const c = codec(oids.INT2VECTOR);
    const bytes = [...be32(1), ...be32(0), ...be32(21), ...be32(2), ...be32(0), ...be32(2), ...be16(-1), ...be32(2), ...be16(7)];
    expect(encode(c, [-1, 7])).toEqual(bytes);
    expect(decode(c, bytes)).toEqual([-1, 7]);
    expect(decode(c, [...be32(0), ...be32(0), ...be32(21)])).toEqual([]);
    expect(() => encode(c, [])).toThrow(/empty int2vector/);
    expect(() => encode(c, [32768])).toThrow(ParameterError);
    expect(() => decode(c, [...be32(0), ...be32(0), ...be32(26)])).toThrow(DecodeError);
    const o = codec(oids.OIDVECTOR);
    expect(roundTrip(o, [0, 4294967295])).toEqual([0, 4294967295]);
    expect(() => encode(o, [-1])).toThrow(ParameterError);
  });
});

describe('jsonpath and xml', () => {
  it('jsonpath has a version byte', () => {
    const c = codec(oids.JSONPATH);
    expect(encode(c, '$.a')).toEqual([1, 0x24, 0x2e, 0x61]);
    expect(decode(c, [1, 0x24])).toBe('$');
    expect(() => decode(c, [2, 0x24])).toThrow(DecodeError);
    expect(() => encode(c, 1)).toThrow(ParameterError);
  });
  it('xml is UTF-8 text; a non-UTF-8 declared encoding with non-ASCII text is refused', () => {
    const c = codec(oids.XML);
    expect(roundTrip(c, '<a>ü 😀</a>')).toBe('<a>ü 😀</a>');
    expect(encode(c, '<?xml version="1.0" encoding="LATIN1"?><a>x</a>')).toHaveLength(47);
    expect(() => encode(c, '<?xml version="1.0" encoding="LATIN1"?><a>ü</a>')).toThrow(/encoding/);
    expect(roundTrip(c, '<?xml version="1.0" encoding="utf-8"?><a>ü</a>')).toBe('<?xml version="1.0" encoding="utf-8"?><a>ü</a>');
  });
});

describe('void', () => {
  const c = codec(oids.VOID);
  it('is zero bytes, decoded to null; a value to send is refused', () => {
    expect(decode(c, [])).toBeNull();
    expect(() => decode(c, [0])).toThrow(DecodeError);
    expect(() => encode(c, '')).toThrow(/expected null \(void has no values\), got string ''/);
  });
});
