// The hot loops of the codec suite, each one pass over a CodecInput and each what the client does
// itself: the inline engine's row decoder, a pool worker's batch builder (cut as its BatchSink
// cuts), the main thread's column decoding, and the parameter encoding of Bind.

import { BatchBuilder, type BatchData } from '../../src/codec/batch/index.js';
import { columnValues } from '../../src/codec/batch/column-values.js';
import type { BufferWriter } from '../../src/codec/buffer/writer.js';
import { beginParam, endParam } from '../../src/codec/protocol/index.js';
import { ResultMemory } from '../../src/worker/result-memory.js';
import { decodeRowObject } from '../../src/worker/row-decoder.js';
import type { CodecInput } from './codec-input.js';

/** Every DataRow to a row object, kept in the result's array as connect()'s fetch keeps them. */
export function decodeRowPath(input: CodecInput): Record<string, unknown>[] {
  const { statement, rows } = input;
  // bytea values are copied into memory owned by the result: one per pass, as one per query.
  const memory = new ResultMemory();
  // Kept, not dropped: what a result holds until the pass ends is part of the cost (the GC's).
  const result: Record<string, unknown>[] = [];
  for (let i = 0; i < rows.count; i++) result.push(decodeRowObject(statement, memory, rows.bytes, rows.view, rows.starts[i], rows.ends[i]));
  return result;
}

/** Every DataRow into columnar batches, handed over as they fill, as a pool worker does. */
export function buildBatches(input: CodecInput, limits: { maxRows?: number; maxBytes?: number } = {}): { batches: BatchData[]; builder: BatchBuilder } {
  const { rows } = input;
  const builder = new BatchBuilder(input.layouts, limits, input.hint);
  const batches: BatchData[] = [];
  for (let i = 0; i < rows.count; i++) {
    builder.addRow(rows.bytes, rows.view, rows.starts[i], rows.ends[i]);
    if (builder.full) batches.push(builder.finish());
  }
  if (builder.numRows > 0) batches.push(builder.finish());
  return { batches, builder };
}

/** Every column of the batches as the values rows show (the main thread's decoding), kept as a result keeps them. */
export function readBatches(input: CodecInput, batches: readonly BatchData[]): ArrayLike<unknown>[] {
  const columns: ArrayLike<unknown>[] = [];
  for (const batch of batches) {
    for (let c = 0; c < batch.columns.length; c++) columns.push(columnValues(batch.columns[c], batch.numRows, input.cellCodecs[c], true));
  }
  return columns;
}

/** Every value of the first column as a Bind parameter (length and binary form); returns the bytes written. */
export function encodeParams(input: CodecInput, out: BufferWriter): number {
  const codec = input.paramCodecs[0];
  const values = input.values[0];
  out.reset();
  for (let i = 0; i < values.length; i++) {
    const slot = beginParam(out);
    codec.encode(values[i], out);
    endParam(out, slot);
  }
  return out.length;
}
