// The binary COPY encoders without a server: the exact bytes of the header, a tuple and the
// trailer, epoch re-basing with the infinities kept, and what a refused value reports.

import { describe, expect, it } from 'vitest';
import { BufferWriter } from '../../../src/codec/buffer/writer.js';
import { Layout } from '../../../src/codec/batch/layout.js';
import { writeBinaryCopyHeader, writeBinaryCopyTrailer } from '../../../src/codec/copy/binary-format.js';
import { BinaryRecordEncoder } from '../../../src/codec/copy/record-encoder.js';
import { typedFieldWriter, wireBytesFieldWriter } from '../../../src/codec/copy/field-writers.js';
import { CopyDataError } from '../../../src/codec/errors/client-errors.js';
import { TypeCatalog } from '../../../src/codec/types/introspected/catalog.js';
import { DATE, INT4, INT8, TEXT, TIMESTAMPTZ } from '../../../src/codec/types/oids.js';

const catalog = new TypeCatalog({});
const column = (name: string, oid: number) => ({ name, typeName: catalog.nameOf(oid)!, codec: catalog.binaryCodecFor(oid)! });
const hex = (out: BufferWriter) => Buffer.from(out.written()).toString('hex');

describe('binary COPY', () => {
  it('writes the 19-byte header and the -1 trailer', () => {
    const out = new BufferWriter(8);
    writeBinaryCopyHeader(out);
    writeBinaryCopyTrailer(out);
    expect(hex(out)).toBe(`${Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1').toString('hex')}00000000` + '00000000' + 'ffff');
  });

  it('writes a tuple: field count, then each field length-prefixed, -1 for NULL', () => {
    const encoder = new BinaryRecordEncoder([column('a', INT4), column('b', TEXT), column('c', INT8)]);
    const out = new BufferWriter(8);
    encoder.write([7, 'hé', null], 0, out);
    encoder.write({ a: -1, b: '', c: 2n }, 1, out);
    expect(hex(out)).toBe('0003' + '00000004' + '00000007' + '00000003' + '68c3a9' + 'ffffffff'
      + '0003' + '00000004' + 'ffffffff' + '00000000' + '00000008' + '0000000000000002');
  });

  it('a refused value rolls its tuple back and names record, column and type', () => {
    const encoder = new BinaryRecordEncoder([column('a', INT4), column('b', TEXT)]);
    const out = new BufferWriter(8);
    encoder.write([1, 'x'], 0, out);
    const before = out.length;
    let caught: unknown;
    try {
      encoder.write([2, { not: 'text' }], 734_211, out);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CopyDataError);
    expect(caught).toMatchObject({ recordIndex: 734_211, column: 'b', valueType: 'Object' });
    expect((caught as Error).message).toMatch(/^record 734211, column "b" \(text\): a Object value was refused/);
    expect(out.length).toBe(before);
    expect(() => encoder.write([1], 3, out)).toThrow(/record 3 has 1 value\(s\) but the COPY has 2 column\(s\)/);
    expect(() => encoder.write({ a: 1 }, 4, out)).toThrow(/record 4 has no property "b"/);
  });

  it('re-bases batch dates and timestamps from 1970 to 2000 and keeps the infinities', () => {
    const out = new BufferWriter(8);
    const days = Int32Array.of(0, 10_957, 2147483647, -2147483648);
    const date = typedFieldWriter(days, Layout.Date32, DATE)!;
    for (let r = 0; r < days.length; r++) date(r, out);
    expect(hex(out)).toBe('00000004ffffd533' + '0000000400000000' + '000000047fffffff' + '0000000480000000');
    out.reset();
    const micros = BigInt64Array.of(946_684_800_000_001n, 0x7fffffffffffffffn);
    const stamp = typedFieldWriter(micros, Layout.Timestamp64, TIMESTAMPTZ, Uint8Array.of(0b01))!;
    stamp(0, out);
    stamp(1, out);
    expect(hex(out)).toBe('00000008' + '0000000000000001' + 'ffffffff');
    expect(typedFieldWriter(days, Layout.Int32, INT8)).toBeUndefined();
  });

  it('copies wire bytes as they are, NULLs from the validity bitmap', () => {
    const out = new BufferWriter(8);
    const write = wireBytesFieldWriter(Int32Array.of(0, 2, 2, 3), Uint8Array.of(0x61, 0x62, 0x63), Uint8Array.of(0b101));
    for (let r = 0; r < 3; r++) write(r, out);
    expect(hex(out)).toBe('000000026162' + 'ffffffff' + '0000000163');
  });
});
