// The codec suite, no server: decoding (row path, batch path on both threads) and encoding of each
// type, framing a large chunk of DataRows, and building row objects from a batch. Every task is one
// pass over all its values, so ns/value is the mean divided by the values of a pass.

import { BufferWriter } from '../../src/codec/buffer/writer.js';
import type { TypeCatalog } from '../../src/codec/types/introspected/catalog.js';
import { RecordBatch, type ResultSchema } from '../../src/main/record-batch.js';
import { TinyBench } from './bench-runner.js';
import { codecCatalog, codecColumns, mixedColumns } from './codec-cases.js';
import { codecInput } from './codec-input.js';
import { buildBatches, decodeRowPath, encodeParams, readBatches } from './codec-passes.js';
import { frame, framingInput } from './framing.js';
import { checkRoundTrip } from './round-trip.js';
import { selected, type TinySettings } from './settings.js';
import type { TinyTable } from './table.js';

const TYPE_BENCHES = {
  rowPath: 'decode: row path',
  batchWorker: 'decode: batch path, worker',
  batchMain: 'decode: batch path, main thread',
  encode: 'encode',
};

const TYPE_NOTES = {
  rowPath:
    "DataRow → row object with connect()'s decoder (src/worker/row-decoder.ts), one column, every row kept as fetch keeps its result (so the garbage collector's work for what a result holds counts). int4[]: 10 elements; bytea: 32 bytes; jsonb: `{id, tags: [2], ok}`; composite: (int4, text, float8), its codec built from a TypeDescription as after introspection. numeric arrives as text: pgloom requests numeric results so (the exact decimal string, at no cost to the server)",
  batchWorker: "DataRows → columnar batches with a pool worker's BatchBuilder, handed over at 64K rows or 4 MiB as the worker does, sized by a first execution's hint as for a repeated statement",
  batchMain: 'the batches\' columns → the values rows show (columnValues, which pool.fetch and RecordBatch.toRows decode with), kept likewise; int4, int8 and float8 columns without NULLs are their typed arrays as they are',
  encode: 'each value → its Bind parameter (length and binary form) through one BufferWriter, as Bind writes it',
};

function typeSelected(settings: TinySettings, type: string): boolean {
  return Object.values(TYPE_BENCHES).some((bench) => selected(settings, 'codecs', bench, type));
}

async function runTypeBenches(settings: TinySettings, catalog: TypeCatalog): Promise<TinyTable[]> {
  const perValue = { perOp: settings.codecValues, name: 'value' };
  const bench = (key: keyof typeof TYPE_BENCHES) => new TinyBench(settings, { suite: 'codecs', name: TYPE_BENCHES[key], note: TYPE_NOTES[key], items: perValue });
  const benches = { rowPath: bench('rowPath'), batchWorker: bench('batchWorker'), batchMain: bench('batchMain'), encode: bench('encode') };
  for (const column of codecColumns.filter((column) => typeSelected(settings, column.name))) {
    const input = codecInput(catalog, column.name, [column], settings.codecValues);
    const first = buildBatches(input);
    input.hint = first.builder.hint;
    checkRoundTrip(input, first.batches[0]);
    const { batches } = buildBatches(input);
    const out = new BufferWriter();
    benches.rowPath.add(column.name, () => {
      decodeRowPath(input);
    });
    benches.batchWorker.add(column.name, () => {
      buildBatches(input);
    });
    benches.batchMain.add(column.name, () => {
      readBatches(input, batches);
    });
    benches.encode.add(column.name, () => {
      encodeParams(input, out);
    });
  }
  const tables: TinyTable[] = [];
  for (const each of Object.values(benches)) {
    const table = await each.run();
    if (table !== undefined) tables.push(table);
  }
  return tables;
}

const FRAMING_TASKS = ['one chunk', '64 KB reads'];
const ROWS_TASKS = ['toRows()', 'appendRowsTo (pool.fetch)'];

async function runFramingBench(settings: TinySettings, catalog: TypeCatalog): Promise<TinyTable[]> {
  const name = `framing ${(settings.frameBytes / 2 ** 20).toFixed(0)} MB of DataRows`;
  if (!new TinyBench(settings, { suite: 'codecs', name }).selectsAny(FRAMING_TASKS)) return [];
  // 10K distinct rows, repeated: the framer does not see one message over and over.
  const rows = codecInput(catalog, 'mixed', mixedColumns, Math.min(10_000, settings.codecValues)).rows;
  const input = framingInput(rows, settings.frameBytes);
  const note = `MessageFramer over DataRows of the mixed workload's seven columns (${(input.chunk.length / input.messages).toFixed(0)} bytes a message, ${input.messages.toLocaleString('en')} messages, ${(input.chunk.length / 2 ** 20).toFixed(1)} MB): the chunk in one push, or in 64 KB reads as a socket delivers it (a message cut across reads is carried over)`;
  const bench = new TinyBench(settings, { suite: 'codecs', name, note, items: { perOp: input.messages, name: 'message' } });
  bench.add(FRAMING_TASKS[0], () => frame(input));
  bench.add(FRAMING_TASKS[1], () => frame(input, 64 * 1024));
  const table = await bench.run();
  return table === undefined ? [] : [table];
}

async function runRowsBench(settings: TinySettings, catalog: TypeCatalog): Promise<TinyTable[]> {
  const count = settings.codecValues;
  const name = `rows from a ${count.toLocaleString('en')}-row batch`;
  if (!new TinyBench(settings, { suite: 'codecs', name }).selectsAny(ROWS_TASKS)) return [];
  const input = codecInput(catalog, 'mixed', mixedColumns, count);
  // One batch of every row (a pool worker would cut at 64K rows: the cost per row is the same).
  const [data] = buildBatches(input, { maxRows: count, maxBytes: Number.MAX_SAFE_INTEGER }).batches;
  checkRoundTrip(input, data);
  const schema: ResultSchema = {
    columns: mixedColumns.map((column) => ({ name: column.name, typeOid: column.oid, typeName: catalog.nameOf(column.oid), tableOid: 0, columnAttr: 0, typeModifier: -1 })),
    codecs: input.cellCodecs,
    directInt64: true,
    rowMode: 'object',
    formats: input.statement.resultFormats,
  };
  const batch = new RecordBatch(data, schema);
  const note = "the mixed workload's seven columns: `toRows()` (RecordBatch's API) and `appendRowsTo` (what pool.fetch builds its rows with: timestamps and booleans read straight from the typed arrays)";
  const bench = new TinyBench(settings, { suite: 'codecs', name, note, items: { perOp: count, name: 'row' } });
  bench.add(ROWS_TASKS[0], () => {
    batch.toRows();
  });
  bench.add(ROWS_TASKS[1], () => {
    batch.appendRowsTo([]);
  });
  const table = await bench.run();
  return table === undefined ? [] : [table];
}

export async function runTinyCodecsSuite(settings: TinySettings): Promise<TinyTable[]> {
  const catalog = codecCatalog();
  return [...(await runTypeBenches(settings, catalog)), ...(await runFramingBench(settings, catalog)), ...(await runRowsBench(settings, catalog))];
}
