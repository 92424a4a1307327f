// Before timing anything, the inputs are checked: the first values must come back as they went
// in through both decoding paths, so a pass can never be fast for decoding the wrong bytes.

import { isDeepStrictEqual } from 'node:util';
import { columnValues } from '../../src/codec/batch/column-values.js';
import type { BatchData } from '../../src/codec/batch/index.js';
import { decodeRowObject } from '../../src/worker/row-decoder.js';
import { ResultMemory } from '../../src/worker/result-memory.js';
import type { CodecInput } from './codec-input.js';

const CHECKED_ROWS = 3;

export function checkRoundTrip(input: CodecInput, batch: BatchData): void {
  const { rows, statement } = input;
  for (let i = 0; i < Math.min(CHECKED_ROWS, rows.count); i++) {
    const row = decodeRowObject(statement, new ResultMemory(), rows.bytes, rows.view, rows.starts[i], rows.ends[i]);
    input.columns.forEach((column, c) => {
      const sent = input.values[c][i];
      const viaRow = row[column.name];
      const viaBatch = columnValues(batch.columns[c], batch.numRows, input.cellCodecs[c], true)[i];
      if (!isDeepStrictEqual(viaRow, sent) || !isDeepStrictEqual(viaBatch, sent)) {
        throw new Error(`${input.name}.${column.name} row ${i}: sent ${String(sent)}, the row path read ${String(viaRow)}, the batch path ${String(viaBatch)}`);
      }
    });
  }
}
