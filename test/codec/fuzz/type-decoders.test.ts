// Fuzzing every built-in binary type decoder with random bytes and mutated real values
// (corpus/*.bin), and the introspected ones (hstore, record, composites) from encoded seeds, under
// several type options: a value or a DecodeError, never another error, and
// never an allocation beyond a bound proportional to the value's bytes.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BufferWriter } from '../../../src/codec/buffer/writer.js';
import type { TypeCodec } from '../../../src/codec/types/codec.js';
import { compositeCodec, recordCodec } from '../../../src/codec/types/introspected/composite.js';
import { hstoreCodec } from '../../../src/codec/types/introspected/hstore.js';
import { codecFor } from '../../../src/codec/types/registry.js';
import * as oids from '../../../src/codec/types/oids.js';
import { expectTypedAndBounded, fuzz, mutated, optionSets, seedValues } from './fuzz-support.js';

const typeOids = [...new Set((Object.values(oids) as unknown[]).filter((v): v is number => typeof v === 'number'))]
  .filter((oid) => optionSets.some((options) => codecFor(oid, options) !== undefined && codecFor(oid, options)!.format !== 'text'));

describe('fuzzing the binary type decoders', () => {
  it('covers every built-in type with a binary codec', () => {
    expect(typeOids.length).toBeGreaterThan(60);
  });

  it('decodes any bytes as a value or a DecodeError, within the allocation bound', () => {
    const noise = [new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23, 0, 0, 0, 1, 0, 0, 0, 1)];
    const input = fc.tuple(fc.constantFrom(...typeOids), fc.nat(optionSets.length - 1))
      .chain(([oid, options]) => mutated(seedValues.get(oid) ?? noise, 3).map((bytes) => ({ oid, options: optionSets[options], bytes })));
    const executions = fuzz('type decoders', input, ({ oid, options, bytes }) => {
      const codec = codecFor(oid, options);
      if (codec === undefined || codec.format === 'text') return;
      // The value sits inside a larger buffer, as in a DataRow: reading past its length must not pass unnoticed.
      const chunk = new Uint8Array(bytes.length + 16).fill(0x7f);
      chunk.set(bytes, 8);
      expectTypedAndBounded(bytes.length, () => codec.decode(chunk, new DataView(chunk.buffer), 8, bytes.length));
    }, 1200);
    expect(executions).toBeGreaterThan(0);
  });
});

describe('fuzzing the introspected decoders (hstore, record, composite)', () => {
  const int4 = codecFor(oids.INT4, {})!;
  const text = codecFor(oids.TEXT, {})!;
  const int4Array = codecFor(oids.INT4_ARRAY, {})!;
  const composite = compositeCodec({ oid: 90002, name: 'item', fields: [{ name: 'id', typeOid: oids.INT4, codec: int4 }, { name: 'label', typeOid: oids.TEXT, codec: text }, { name: 'tags', typeOid: oids.INT4_ARRAY, codec: int4Array }] });
  const codecs: [TypeCodec, unknown[]][] = [
    [hstoreCodec(90001, 'hstore', 'object'), [{ a: '1', b: null, 'ключ': 'значение' }, {}]],
    [hstoreCodec(90001, 'hstore', 'Map'), [new Map([['k', 'v'], ['n', null]])]],
    [composite, [{ id: 7, label: 'seven', tags: [1, 2, 3] }, { id: null, label: null, tags: null }]],
  ];
  /** Seeds: values as their own encoders write them (the server's send functions write the same). */
  const seeded = codecs.map(([codec, values]) => ({
    codec,
    seeds: values.map((value) => {
      const out = new BufferWriter();
      codec.encode(value, out);
      return out.toBytes();
    }),
  }));
  const record = recordCodec(oids.RECORD, (oid) => codecFor(oid, {}));
  seeded.push({ codec: record, seeds: seeded[2].seeds });

  it('decodes any bytes as a value or a DecodeError, within the allocation bound', () => {
    const input = fc.nat(seeded.length - 1).chain((i) => mutated(seeded[i].seeds, 3).map((bytes) => ({ codec: seeded[i].codec, bytes })));
    const executions = fuzz('introspected decoders', input, ({ codec, bytes }) => {
      const chunk = new Uint8Array(bytes.length + 16).fill(0x7f);
      chunk.set(bytes, 8);
      expectTypedAndBounded(bytes.length, () => codec.decode(chunk, new DataView(chunk.buffer), 8, bytes.length));
    }, 400);
    expect(executions).toBeGreaterThan(0);
  });
});
