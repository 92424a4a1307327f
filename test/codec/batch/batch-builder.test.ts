import { describe, expect, it } from 'vitest';
import { BufferWriter } from '../../../src/codec/buffer/writer.js';
import { BatchBuilder, buffersOf, cellReader, Layout, layoutFor, type BatchHint } from '../../../src/codec/batch/index.js';
import { columnValues } from '../../../src/codec/batch/column-values.js';
import type { TypeCodec, TypeOptions } from '../../../src/codec/types/codec.js';
import { codecFor } from '../../../src/codec/types/registry.js';
import * as oids from '../../../src/codec/types/oids.js';

/** A DataRow body: the field count, then each field's length and bytes (null = -1). */
function dataRow(fields: (number[] | null)[]): { bytes: Uint8Array; view: DataView; start: number; end: number } {
  const out = new BufferWriter(64);
  out.u8(0xee).u8(0xee); // the body starts at an offset, as inside a socket chunk
  out.i16(fields.length);
  for (const field of fields) {
    if (field === null) out.i32(-1);
    else out.i32(field.length).raw(new Uint8Array(field));
  }
  const bytes = out.bytes.subarray(0, out.length);
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), start: 2, end: out.length };
}

function wire(codec: TypeCodec, value: unknown): number[] {
  const out = new BufferWriter(16);
  codec.encode(value, out);
  return Array.from(out.bytes.subarray(0, out.length));
}

function codec(oid: number, options: TypeOptions = {}): TypeCodec {
  return codecFor(oid, options)!;
}

describe('layoutFor', () => {
  it('gives the common scalars fixed-width layouts and everything else raw bytes', () => {
    expect(layoutFor(oids.INT4, true)).toBe(Layout.Int32);
    expect(layoutFor(oids.INT8, true)).toBe(Layout.Int64);
    expect(layoutFor(oids.TIMESTAMPTZ, true)).toBe(Layout.Timestamp64);
    expect(layoutFor(oids.NUMERIC, true)).toBe(Layout.Variable);
    expect(layoutFor(oids.INT4, false)).toBe(Layout.Variable);
  });
});

describe('BatchBuilder', () => {
  // Each sample is read back through the batch and must equal what the codec decodes from the wire.
  const samples: [number, unknown[], TypeOptions?][] = [
    [oids.INT2, [-32768, 0, 32767]],
    [oids.INT4, [-2147483648, 7, 2147483647]],
    [oids.OID, [0, 4294967295]],
    [oids.INT8, [-(2n ** 63n), 0n, 2n ** 63n - 1n, 9007199254740993n]],
    [oids.INT8, [-(2n ** 63n), 12n], { int8: 'string' }],
    [oids.FLOAT4, [1.5, -0, Infinity, NaN]],
    [oids.FLOAT8, [0.1, -1e308, -Infinity, NaN]],
    [oids.BOOL, [true, false]],
    [oids.DATE, ['2000-01-01', '1970-01-01', '4714-11-24 BC', '5874897-12-31', 'infinity', '-infinity']],
    [oids.DATE, ['2024-02-29', Infinity], { date: 'Date' }],
    [oids.TIMESTAMPTZ, [new Date('2024-02-29T12:34:56.789Z'), new Date(0), new Date(-1), new Date('1850-01-01T00:00:00.001Z'), new Date('2400-01-01T00:00:00Z'), Infinity, -Infinity]],
    [oids.TIMESTAMPTZ, [-1n, -999n, -1001n, 1n, 999n], { timestamp: 'bigint' }],
    // Date mode floors sub-millisecond µs, before 1970 too.
    [oids.TIMESTAMPTZ, [-1n, -999n, -1000n, -1001n, 1n, 999n, 1001n], { timestamp: 'Date' }],
    [oids.TIMESTAMP, [1n, -1n, 946684800000000n, Infinity], { timestamp: 'bigint' }],
    [oids.TIMESTAMP, ['0044-03-15 12:00:00 BC', '2000-01-01 00:00:00.000001'], { timestamp: 'string' }],
    [oids.TIME, ['00:00:00', '23:59:59.999999', '24:00:00']],
    [oids.TEXT, ['', 'héllo', '😀'.repeat(3)]],
    [oids.TEXT, ['', 'plain ascii', 'x']],
    [oids.VARCHAR, ['abc', '']],
    [oids.NUMERIC, ['0', '-1.50', 'NaN', '12345678901234567890.0987654321']],
    [oids.BYTEA, [new Uint8Array([]), new Uint8Array([0, 255])]],
    [oids.JSONB, [{ a: [1, null] }, 'x']],
  ];

  for (const [oid, values, options] of samples) {
    it(`reads ${codec(oid).name}${options ? ` ${JSON.stringify(options)}` : ''} back exactly, with NULLs`, () => {
      const c = codec(oid, options);
      const builder = new BatchBuilder([layoutFor(oid, true)]);
      const expected: unknown[] = [];
      for (const value of values) {
        const bytes = wire(c, value);
        const row = dataRow([bytes]);
        builder.addRow(row.bytes, row.view, row.start, row.end);
        expected.push(c.decode(new Uint8Array(bytes), new DataView(new Uint8Array(bytes).buffer), 0, bytes.length));
        const nullRow = dataRow([null]);
        builder.addRow(nullRow.bytes, nullRow.view, nullRow.start, nullRow.end);
        expected.push(null);
      }
      const batch = builder.finish();
      expect(batch.numRows).toBe(values.length * 2);
      expect(batch.columns[0].nullCount).toBe(values.length);
      const read = cellReader(batch.columns[0], c, oid === oids.INT8 && (options?.int8 ?? 'bigint') === 'bigint');
      expect(Array.from({ length: batch.numRows }, (_, i) => read(i))).toEqual(expected);
      // The column-at-once path (what rows use) gives the very same values.
      const direct = oid === oids.INT8 && (options?.int8 ?? 'bigint') === 'bigint';
      expect(Array.from(columnValues(batch.columns[0], batch.numRows, c, direct))).toEqual(expected);
    });
  }

  it('stores fixed-width columns in Arrow-compatible typed arrays (epoch 1970, LSB-first validity)', () => {
    const builder = new BatchBuilder([Layout.Int32, Layout.Timestamp64, Layout.Date32, Layout.Variable]);
    const ts = codec(oids.TIMESTAMPTZ, { timestamp: 'bigint' });
    const date = codec(oids.DATE);
    const rows = [
      dataRow([[0, 0, 0, 5], wire(ts, 1_700_000_000_123_456n), wire(date, '1970-01-02'), [104, 105]]),
      dataRow([null, null, null, null]),
      dataRow([[255, 255, 255, 255], wire(ts, -1n), wire(date, '1969-12-31'), []]),
    ];
    for (const row of rows) builder.addRow(row.bytes, row.view, row.start, row.end);
    const [ints, stamps, dates, texts] = builder.finish().columns;
    expect(Array.from(ints.values as Int32Array)).toEqual([5, 0, -1]);
    expect(Array.from(stamps.values as BigInt64Array)).toEqual([1_700_000_000_123_456n, 0n, -1n]);
    expect(Array.from(dates.values as Int32Array)).toEqual([1, 0, -1]);
    expect(Array.from(texts.offsets!)).toEqual([0, 2, 2, 2]);
    expect(Array.from(texts.data!)).toEqual([104, 105]);
    expect(ints.validity![0] & 0b111).toBe(0b101);
  });

  it('keeps timestamps near the end of PostgreSQL\'s range exactly, as raw bytes for that batch', () => {
    const c = codec(oids.TIMESTAMP, { timestamp: 'string' });
    const values = ['2024-01-01 00:00:00', '294276-12-31 23:59:59.999999', 'infinity', '1999-12-31 23:59:59.999999'];
    const builder = new BatchBuilder([Layout.Timestamp64]);
    const nullRow = dataRow([null]);
    builder.addRow(nullRow.bytes, nullRow.view, nullRow.start, nullRow.end);
    for (const value of values) {
      const row = dataRow([wire(c, value)]);
      builder.addRow(row.bytes, row.view, row.start, row.end);
    }
    const batch = builder.finish();
    expect(batch.columns[0].layout).toBe(Layout.Variable);
    const read = cellReader(batch.columns[0], c, false);
    expect([0, 1, 2, 3, 4].map(read)).toEqual([null, ...values]);
    // The next batch starts with the fixed-width layout again.
    const row = dataRow([wire(c, values[0])]);
    builder.addRow(row.bytes, row.view, row.start, row.end);
    expect(builder.finish().columns[0].layout).toBe(Layout.Timestamp64);
  });

  it('grows past its initial capacity and cuts at maxRows', () => {
    const builder = new BatchBuilder([Layout.Int32, Layout.Variable], { maxRows: 5000 });
    const out: number[] = [];
    let batches = 0;
    for (let i = 0; i < 12_000; i++) {
      const row = dataRow([[(i >>> 24) & 255, (i >>> 16) & 255, (i >>> 8) & 255, i & 255], i % 3 === 0 ? null : [65 + (i % 26)]]);
      builder.addRow(row.bytes, row.view, row.start, row.end);
      if (builder.full) {
        const batch = builder.finish();
        batches++;
        expect(batch.numRows).toBe(5000);
        out.push(...(batch.columns[0].values as Int32Array));
      }
    }
    const last = builder.finish();
    out.push(...(last.columns[0].values as Int32Array));
    expect(batches).toBe(2);
    expect(out).toEqual(Array.from({ length: 12_000 }, (_, i) => i));
    const letters = cellReader(last.columns[1], undefined, false);
    expect(letters(2)).toBe(null); // row 10 002: divisible by 3
    expect(letters(1)).toBe(String.fromCharCode(65 + (10_001 % 26)));
  });

  it("reports its first batch's size, and a builder given it as a hint starts with that room", () => {
    const rows = Array.from({ length: 300 }, (_, i) => dataRow([[0, 0, 0, i & 255], i % 7 === 0 ? null : new Array(100 + (i % 5)).fill(97 + (i % 26))]));
    const build = (hint?: BatchHint) => {
      const builder = new BatchBuilder([Layout.Int32, Layout.Variable], { maxRows: 200 }, hint);
      const batches = [];
      for (const row of rows) {
        builder.addRow(row.bytes, row.view, row.start, row.end);
        if (builder.full) batches.push(builder.finish());
      }
      batches.push(builder.finish());
      return { builder, batches };
    };
    const plain = build();
    expect(plain.batches.map((b) => b.numRows)).toEqual([200, 100]);
    const hint = plain.builder.hint!;
    expect(hint.rows).toBe(200);
    expect(hint.dataBytes[0]).toBe(0);
    expect(hint.dataBytes[1]).toBe(plain.batches[0].columns[1].data!.length);
    const hinted = build(hint);
    // The hinted builder never grew: its first batch's buffers are the ones it started with.
    expect(hinted.batches[0].columns[1].data!.buffer.byteLength).toBe(hint.dataBytes[1]);
    expect(hinted.batches[0].columns[0].values!.buffer.byteLength).toBe(200 * 4);
    // …and the batches hold the same values.
    for (let b = 0; b < 2; b++) {
      for (let c = 0; c < 2; c++) {
        const expected = cellReader(plain.batches[b].columns[c], undefined, false);
        const actual = cellReader(hinted.batches[b].columns[c], undefined, false);
        for (let r = 0; r < plain.batches[b].numRows; r++) expect(actual(r)).toEqual(expected(r));
      }
    }
  });

  it('cuts at maxBytes and lists each buffer once for the transfer', () => {
    const builder = new BatchBuilder([Layout.Variable], { maxBytes: 1000 });
    const row = dataRow([new Array(300).fill(120)]);
    let rows = 0;
    while (!builder.full) {
      builder.addRow(row.bytes, row.view, row.start, row.end);
      rows++;
    }
    expect(rows).toBe(4);
    const batch = builder.finish();
    expect(buffersOf(batch)).toHaveLength(2);
  });

  it('refuses a DataRow whose field count or lengths disagree with the description', () => {
    const builder = new BatchBuilder([Layout.Int32]);
    const two = dataRow([[0, 0, 0, 1], [0, 0, 0, 2]]);
    expect(() => builder.addRow(two.bytes, two.view, two.start, two.end)).toThrow(/2 fields/);
    const short = dataRow([[0, 0, 0, 1]]);
    expect(() => builder.addRow(short.bytes, short.view, short.start, short.end - 1)).toThrow(/shorter/);
  });
});
