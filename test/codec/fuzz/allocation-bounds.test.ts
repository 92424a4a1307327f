// Allocation beyond the frame, decoder by decoder: a header that claims 2^30 (or 2^20) elements in
// a frame of a few dozen bytes is a DecodeError or ProtocolError before anything of that size is
// allocated, and a header whose claim is consistent allocates no more than the bound the fuzz
// targets check (fuzz-support.ts allocationBound).

import { describe, expect, it } from 'vitest';
import { DecodeError, ProtocolError } from '../../../src/codec/errors/client-errors.js';
import { BatchBuilder, layoutFor } from '../../../src/codec/batch/index.js';
import { checkDataRow, parseRowDescription } from '../../../src/codec/protocol/index.js';
import { compositeCodec, recordCodec } from '../../../src/codec/types/introspected/composite.js';
import { hstoreCodec } from '../../../src/codec/types/introspected/hstore.js';
import { TypeCatalog } from '../../../src/codec/types/introspected/catalog.js';
import * as oids from '../../../src/codec/types/oids.js';
import { codecFor } from '../../../src/codec/types/registry.js';
import type { TypeCodec } from '../../../src/codec/types/codec.js';
import { decodeRowArray } from '../../../src/worker/row-decoder.js';
import { ResultMemory } from '../../../src/worker/result-memory.js';
import { StatementDescription } from '../../../src/worker/statement.js';
import { allocationBound, expectTypedAndBounded } from './fuzz-support.js';

const HUGE = 2 ** 30;

/** Big-endian int32s and int16s written in order: `['i32', n]` / `['i16', n]` / `['u8', n]`. */
function bytesOf(...words: [('i32' | 'i16' | 'u8'), number][]): Uint8Array {
  const size = words.reduce((sum, [kind]) => sum + (kind === 'i32' ? 4 : kind === 'i16' ? 2 : 1), 0);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const [kind, value] of words) {
    if (kind === 'i32') view.setInt32(at, value);
    else if (kind === 'i16') view.setInt16(at, value);
    else view.setUint8(at, value);
    at += kind === 'i32' ? 4 : kind === 'i16' ? 2 : 1;
  }
  return bytes;
}

const pad = (n: number): [('u8'), number][] => Array.from({ length: n }, () => ['u8', 0] as ['u8', number]);

/** Decode `value` (placed inside a larger buffer) and return what was thrown; checks the allocation bound. */
function errorOf(codec: TypeCodec, value: Uint8Array): unknown {
  const chunk = new Uint8Array(value.length + 16).fill(0x7f);
  chunk.set(value, 8);
  let thrown: unknown;
  expectTypedAndBounded(value.length, () => {
    try {
      codec.decode(chunk, new DataView(chunk.buffer), 8, value.length);
    } catch (error) {
      thrown = error;
      throw error;
    }
  });
  return thrown;
}

const builtin = (oid: number) => codecFor(oid, {})!;
const int4Field = { name: 'n', typeOid: oids.INT4, codec: builtin(oids.INT4) };

describe('a count claiming 2^30 elements in a few dozen bytes is refused before any big allocation', () => {
  const cases: [string, TypeCodec, Uint8Array][] = [
    ['int4[] (one dimension of 2^30)', builtin(oids.INT4_ARRAY), bytesOf(['i32', 1], ['i32', 0], ['i32', oids.INT4], ['i32', HUGE], ['i32', 1], ...pad(20))],
    ['int4[] (2^15 × 2^15)', builtin(oids.INT4_ARRAY), bytesOf(['i32', 2], ['i32', 0], ['i32', oids.INT4], ['i32', 2 ** 15], ['i32', 1], ['i32', 2 ** 15], ['i32', 1], ...pad(12))],
    ['int4multirange', builtin(oids.INT4MULTIRANGE), bytesOf(['i32', HUGE], ...pad(36))],
    ['hstore', hstoreCodec(90001, 'hstore', 'object'), bytesOf(['i32', HUGE], ...pad(36))],
    ['hstore as a Map', hstoreCodec(90001, 'hstore', 'Map'), bytesOf(['i32', HUGE], ...pad(36))],
    ['record', recordCodec(oids.RECORD, builtin), bytesOf(['i32', HUGE], ...pad(36))],
    ['a composite', compositeCodec({ oid: 90002, name: 'pair', fields: [int4Field, { ...int4Field, name: 'm' }] }), bytesOf(['i32', HUGE], ...pad(36))],
    ['int2vector', builtin(oids.INT2VECTOR), bytesOf(['i32', 1], ['i32', 0], ['i32', oids.INT2], ['i32', HUGE], ['i32', 0], ...pad(20))],
    ['oidvector', builtin(oids.OIDVECTOR), bytesOf(['i32', 1], ['i32', 0], ['i32', oids.OID], ['i32', HUGE], ['i32', 0], ...pad(20))],
    ['path', builtin(oids.PATH), bytesOf(['u8', 1], ['i32', HUGE], ...pad(35))],
    ['polygon', builtin(oids.POLYGON), bytesOf(['i32', HUGE], ...pad(36))],
    ['tsvector', builtin(oids.TSVECTOR), bytesOf(['i32', HUGE], ['u8', 0x61], ['u8', 0], ['i16', 0], ...pad(32))],
    ['tsquery', builtin(oids.TSQUERY), bytesOf(['i32', HUGE], ...pad(36))],
    ['varbit', builtin(oids.VARBIT), bytesOf(['i32', HUGE], ...pad(36))],
    ['numeric (2^15 - 1 digit groups)', builtin(oids.NUMERIC), bytesOf(['i16', 0x7fff], ['i16', 0], ['i16', 0], ['i16', 0], ...pad(32))],
  ];

  it.each(cases)('%s: a DecodeError', (_name, codec, value) => {
    expect(value.length).toBeLessThanOrEqual(40);
    expect(errorOf(codec, value)).toBeInstanceOf(DecodeError);
  });

  it('a DataRow claiming 2^15 - 1 fields in 10 bytes: a ProtocolError from the framing check, the row decoder and the column builder', () => {
    const row = bytesOf(['i16', 0x7fff], ['i32', 4], ['i32', 7]);
    const view = new DataView(row.buffer);
    const columns = [{ name: 'n', tableOid: 0, columnAttr: 0, typeOid: oids.INT4, typeSize: 4, typeModifier: -1 }];
    const statement = new StatementDescription('', 'select', [], columns, new TypeCatalog({}));
    expectTypedAndBounded(row.length, () => expect(() => checkDataRow(view, 0, row.length, 1)).toThrow(ProtocolError));
    expectTypedAndBounded(row.length, () => expect(() => decodeRowArray(statement, new ResultMemory(), row, view, 0, row.length)).toThrow(ProtocolError));
    const builder = new BatchBuilder([layoutFor(oids.INT4, true)], {}, undefined, ['n']);
    expectTypedAndBounded(row.length, () => expect(() => builder.addRow(row, view, 0, row.length)).toThrow(ProtocolError));
  });

  it('a RowDescription claiming 2^15 - 1 columns in 10 bytes: a ProtocolError', () => {
    const body = bytesOf(['i16', 0x7fff], ...pad(8));
    expectTypedAndBounded(body.length, () => expect(() => parseRowDescription(body, 0, body.length)).toThrow(ProtocolError));
  });
});

describe('a dimension of length 0 sizes nothing (found by the allocation check: 2^20 empty arrays from a 28-byte value)', () => {
  const int4Array = builtin(oids.INT4_ARRAY);
  const header = (dims: number[]) => bytesOf(['i32', dims.length], ['i32', 0], ['i32', oids.INT4], ...dims.flatMap((d): [('i32'), number][] => [['i32', d], ['i32', 1]]));

  it.each([[[2 ** 20, 0]], [[2 ** 12, 2 ** 8, 0]], [[0, 2 ** 20]]])('dimensions %j: the empty array, as the server reads it, within the allocation bound', (dims) => {
    const value = header(dims);
    const chunk = new Uint8Array(value.length + 8);
    chunk.set(value, 4);
    let decoded: unknown;
    expectTypedAndBounded(value.length, () => {
      decoded = int4Array.decode(chunk, new DataView(chunk.buffer), 4, value.length);
    });
    expect(decoded).toEqual([]);
  });

  it('an array of no elements with bytes after its dimensions: a DecodeError', () => {
    const value = bytesOf(['i32', 2], ['i32', 0], ['i32', oids.INT4], ['i32', 3], ['i32', 1], ['i32', 0], ['i32', 1], ['i32', 4], ['i32', 9]);
    expect(errorOf(int4Array, value)).toBeInstanceOf(DecodeError);
  });

  it('the bound itself: 64 bytes per input byte beyond 8 MiB', () => {
    expect(allocationBound(0)).toBe(8 * 1024 * 1024);
    expect(allocationBound(40) - allocationBound(0)).toBe(2560);
  });
});
