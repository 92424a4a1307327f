// Fuzzing the three readers of a DataRow with mutated real rows (corpus/*.bin): the inline row
// decoder (connect()), the pool's column builder with every cell then read through the type's
// codec, and the main thread's small-result reader. Each returns values or throws a
// ProtocolError or DecodeError, never another error or a hang, and never allocates beyond a bound
// proportional to the row's bytes.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchBuilder, layoutFor } from '../../../src/codec/batch/index.js';
import { columnValues } from '../../../src/codec/batch/column-values.js';
import { TypeCatalog } from '../../../src/codec/types/introspected/catalog.js';
import { SmallResult } from '../../../src/main/small-result.js';
import { compileRowDecoder } from '../../../src/worker/compiled-row-decoder.js';
import { decodeRowArray, decodeRowObject } from '../../../src/worker/row-decoder.js';
import { ResultMemory } from '../../../src/worker/result-memory.js';
import { StatementDescription } from '../../../src/worker/statement.js';
import { expectTypedAndBounded, fuzz, mutated, optionSets, seedResults } from './fuzz-support.js';

describe('fuzzing the DataRow readers', () => {
  it('has real results of many types in the seed corpus', () => {
    expect(seedResults.length).toBeGreaterThan(3);
    expect(new Set(seedResults.flatMap((r) => r.columns.map((c) => c.typeOid))).size).toBeGreaterThan(30);
  });

  const input = fc.tuple(fc.nat(seedResults.length - 1), fc.nat(optionSets.length - 1))
    .chain(([result, options]) => mutated(seedResults[result].rows).map((row) => ({ result: seedResults[result], options: optionSets[options], row })));

  it('the row decoder: values or a typed error, within the allocation bound', () => {
    const executions = fuzz('row decoder', input, ({ result, options, row }) => {
      const statement = new StatementDescription('', 'select', [], result.columns, new TypeCatalog(options));
      const view = new DataView(row.buffer, row.byteOffset, row.byteLength);
      expectTypedAndBounded(row.length, () => decodeRowArray(statement, new ResultMemory(), row, view, 0, row.length));
      expectTypedAndBounded(row.length, () => decodeRowObject(statement, new ResultMemory(), row, view, 0, row.length));
    });
    expect(executions).toBeGreaterThan(0);
  });

  it('the compiled row decoder: the same values, or the same error, as the generic loop', () => {
    const executions = fuzz('compiled row decoder', input, ({ result, options, row }) => {
      const statement = new StatementDescription('', 'select', [], result.columns, new TypeCatalog(options));
      const view = new DataView(row.buffer, row.byteOffset, row.byteLength);
      for (const shape of ['array', 'object'] as const) {
        const generic = outcome(() => (shape === 'array' ? decodeRowArray : decodeRowObject)(statement, new ResultMemory(), row, view, 0, row.length));
        const compiled = outcome(() => compileRowDecoder(statement.columnNames, statement.resultCodecs, shape)(row, view, 0, row.length, new ResultMemory()));
        expect(compiled).toEqual(generic);
      }
    });
    expect(executions).toBeGreaterThan(0);
  });

  it('the column builder, every cell read back: values or a typed error, within the allocation bound', () => {
    const executions = fuzz('column builder', input, ({ result, options, row }) => {
      const statement = new StatementDescription('', 'select', [], result.columns, new TypeCatalog(options));
      const layouts = result.columns.map((c, i) => layoutFor(c.typeOid, statement.resultFormats[i] === 1));
      const view = new DataView(row.buffer, row.byteOffset, row.byteLength);
      expectTypedAndBounded(row.length + result.rows[0].length, () => {
        const builder = new BatchBuilder(layouts, {}, undefined, statement.columnNames);
        // Two rows: the mutated one, then a real one, so a bad row cannot hide behind an empty batch.
        builder.addRow(row, view, 0, row.length);
        const real = result.rows[0];
        builder.addRow(real, new DataView(real.buffer, real.byteOffset, real.byteLength), 0, real.length);
        const batch = builder.finish();
        batch.columns.forEach((column, i) => Array.from(columnValues(column, batch.numRows, statement.resultCodecs[i], options.int8 === undefined)));
      });
    });
    expect(executions).toBeGreaterThan(0);
  });

  it('the small-result reader: values or a typed error, within the allocation bound', () => {
    const executions = fuzz('small result', input, ({ result, options, row }) => {
      const statement = new StatementDescription('', 'select', [], result.columns, new TypeCatalog(options));
      const columns = result.columns.map((c) => ({ ...c, typeName: undefined }));
      const schema = { columns, codecs: statement.resultCodecs, directInt64: options.int8 === undefined, rowMode: 'array' as const, formats: statement.resultFormats };
      expectTypedAndBounded(row.length, () => new SmallResult({ bytes: row, ends: [row.length] }, schema, schema.formats).rows());
    });
    expect(executions).toBeGreaterThan(0);
  });
});

/** A decode's values, or its error's class and message, for comparing two decoders. */
function outcome(decode: () => unknown): unknown {
  try {
    return { values: decode() };
  } catch (error) {
    return { error: error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error) };
  }
}
