// Malformed DataRows reach every decoder of a row (the inline row decoder, the pool's batch
// builder, the main thread's small-result reader, and the worker's check of rows kept as bytes):
// each rejects them with a typed error, never a NULL, a wrong value or a raw RangeError.

import { describe, expect, it } from 'vitest';
import { BufferWriter } from '../../../src/codec/buffer/writer.js';
import { BatchBuilder, layoutFor } from '../../../src/codec/batch/index.js';
import { DecodeError, ProtocolError } from '../../../src/codec/errors/client-errors.js';
import { checkDataRow } from '../../../src/codec/protocol/data-row.js';
import type { ColumnDescription } from '../../../src/codec/protocol/index.js';
import { TypeCatalog } from '../../../src/codec/types/introspected/catalog.js';
import * as oids from '../../../src/codec/types/oids.js';
import { SmallResult } from '../../../src/main/small-result.js';
import { compileRowDecoder } from '../../../src/worker/compiled-row-decoder.js';
import { decodeRowArray } from '../../../src/worker/row-decoder.js';
import { ResultMemory } from '../../../src/worker/result-memory.js';
import { StatementDescription } from '../../../src/worker/statement.js';

type Field = number[] | null | { length: number; bytes: number[] };

/**
 * A DataRow body inside a larger chunk: guard bytes before it, and after it the bytes of a
 * following message, so a decoder that reads past `end` sees plausible data rather than a bound.
 */
function dataRow(fields: Field[], options: { count?: number; trailing?: number[] } = {}) {
  const out = new BufferWriter(64);
  out.u8(0xee).u8(0xee);
  out.i16(options.count ?? fields.length);
  for (const field of fields) {
    if (field === null) out.i32(-1);
    else if (Array.isArray(field)) out.i32(field.length).raw(new Uint8Array(field));
    else out.i32(field.length).raw(new Uint8Array(field.bytes));
  }
  for (const byte of options.trailing ?? []) out.u8(byte);
  const end = out.length;
  // What follows in the chunk reads as a 4-byte field: a decoder that strays there finds a value.
  out.raw(new Uint8Array([0, 0, 0, 4, 0, 0, 0, 9, 0x43, 0, 0, 0, 0, 0, 0, 0, 0]));
  const bytes = out.bytes.slice(0, out.length);
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), start: 2, end };
}

function columns(...typeOids: number[]): ColumnDescription[] {
  return typeOids.map((typeOid, i) => ({ name: `c${i}`, tableOid: 0, columnAttr: 0, typeOid, typeSize: -1, typeModifier: -1 }));
}

const int4 = (value: number) => [(value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];

type Decoder = (types: number[], row: ReturnType<typeof dataRow>) => unknown;

/** The inline engine's decoder (connect()). */
const rowDecoder: Decoder = (types, row) => {
  const statement = new StatementDescription('', 'select', [], columns(...types), new TypeCatalog({}));
  return decodeRowArray(statement, new ResultMemory(), row.bytes, row.view, row.start, row.end);
};

/** The decoder the inline engine compiles for a statement that has decoded many rows, in both row shapes. */
const compiledDecoder: Decoder = (types, row) => {
  const statement = new StatementDescription('', 'select', [], columns(...types), new TypeCatalog({}));
  for (const shape of ['array', 'object'] as const) compileRowDecoder(statement.columnNames, statement.resultCodecs, shape)(row.bytes, row.view, row.start, row.end, new ResultMemory());
};

/** The pool worker's column builder. */
const batchBuilder: Decoder = (types, row) => {
  const builder = new BatchBuilder(types.map((oid) => layoutFor(oid, true)), {}, undefined, types.map((_, i) => `c${i}`));
  builder.addRow(row.bytes, row.view, row.start, row.end);
  return builder.finish();
};

/** The main thread's reader of a small pool result (the worker copied the row's bytes). */
const smallResult: Decoder = (types, row) => {
  const catalog = new TypeCatalog({});
  const cols = columns(...types).map((c) => ({ ...c, typeName: undefined }));
  const schema = { columns: cols, codecs: types.map((oid) => catalog.codecFor(oid)), directInt64: true, rowMode: 'array' as const, formats: types.map(() => 1) };
  const bytes = row.bytes.slice(row.start, row.end);
  return new SmallResult({ bytes, ends: [bytes.length] }, schema, schema.formats).rows();
};

/** The worker's check of a small result's rows before it keeps their bytes. */
const framingCheck: Decoder = (types, row) => checkDataRow(row.view, row.start, row.end, types.length);

const decoders: [string, Decoder][] = [['row decoder', rowDecoder], ['compiled row decoder', compiledDecoder], ['batch builder', batchBuilder], ['small result', smallResult], ['framing check', framingCheck]];

describe.each(decoders)('%s', (_name, decode) => {
  it('accepts a well-formed row', () => {
    expect(() => decode([oids.INT4, oids.TEXT], dataRow([int4(7), null]))).not.toThrow();
  });

  it('rejects a field length below -1 as a ProtocolError, not a NULL', () => {
    for (const length of [-2, -5, -0x80000000]) {
      const error = catchError(() => decode([oids.INT4, oids.TEXT], dataRow([int4(7), { length, bytes: [] }])));
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as Error).message).toMatch(new RegExp(`declares length ${length}`));
    }
  });

  it('rejects bytes after the last field as a ProtocolError', () => {
    const error = catchError(() => decode([oids.INT4], dataRow([int4(7)], { trailing: [1, 2, 3] })));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(/3 byte\(s\) after its last field/);
  });

  it('rejects a field count beyond the bytes as a ProtocolError, never reading the next message', () => {
    // Two fields declared and described, one present: the second length word would be read from the next message.
    const error = catchError(() => decode([oids.INT4, oids.INT4], dataRow([int4(7)], { count: 2 })));
    expect(error).toBeInstanceOf(ProtocolError);
  });

  it('rejects a field count beyond the bytes at the end of a chunk as a ProtocolError, not a RangeError', () => {
    const row = dataRow([int4(7)], { count: 2 });
    const bytes = row.bytes.slice(0, row.end);
    const error = catchError(() => decode([oids.INT4, oids.INT4], { bytes, view: new DataView(bytes.buffer), start: row.start, end: row.end }));
    expect(error).toBeInstanceOf(ProtocolError);
  });

  it('rejects a field whose length runs past the row as a ProtocolError', () => {
    const error = catchError(() => decode([oids.INT4, oids.TEXT], dataRow([int4(7), { length: 9, bytes: [0x61] }])));
    expect(error).toBeInstanceOf(ProtocolError);
  });

  it('rejects a row too short to hold its field count as a ProtocolError', () => {
    const row = dataRow([]);
    const error = catchError(() => decode([oids.INT4], { ...row, end: row.start + 1 }));
    expect(error).toBeInstanceOf(ProtocolError);
  });

  it('rejects a field count other than the described one as a ProtocolError', () => {
    const error = catchError(() => decode([oids.INT4, oids.INT4], dataRow([int4(1), int4(2), int4(3)])));
    expect(error).toBeInstanceOf(ProtocolError);
  });
});

describe.each(decoders.filter(([name]) => name !== 'framing check'))('%s, fixed-width values', (_name, decode) => {
  const cases: [string, number, number][] = [
    ['int2', oids.INT2, 2], ['int4', oids.INT4, 4], ['int8', oids.INT8, 8], ['float4', oids.FLOAT4, 4], ['float8', oids.FLOAT8, 8],
    ['oid', oids.OID, 4], ['bool', oids.BOOL, 1], ['date', oids.DATE, 4], ['timestamp', oids.TIMESTAMP, 8],
    ['timestamptz', oids.TIMESTAMPTZ, 8], ['time', oids.TIME, 8],
  ];
  it.each(cases)('rejects a %s value of the wrong width as a DecodeError naming the column', (_type, oid, width) => {
    for (const wrong of [width - 1, width + 1, width + 2, 0]) {
      if (wrong < 0) continue;
      const error = catchError(() => decode([oids.INT4, oid], dataRow([int4(1), Array.from({ length: wrong }, () => 1)])));
      expect(error, `${wrong} bytes`).toBeInstanceOf(DecodeError);
      expect((error as Error).message).toMatch(new RegExp(`c1|${_type}`));
    }
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
