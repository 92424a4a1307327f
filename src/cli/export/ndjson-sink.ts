// Newline-delimited JSON: one object per row, keys in column order (see docs/cli.md for how
// each type is written).

import type { Column, RecordBatch } from '../../main/index.js';
import { uniqueNames, type BatchSink } from './batch-sink.js';
import { ndjsonCells } from './cell-writers.js';
import type { OutputFile } from './output-file.js';

export class NdjsonSink implements BatchSink {
  private keys: string[] = [];

  constructor(private readonly out: OutputFile) {}

  async start(columns: readonly Column[]): Promise<void> {
    this.keys = uniqueNames(columns, 'ndjson').map((name) => `${JSON.stringify(name)}:`);
  }

  async write(batch: RecordBatch<unknown>): Promise<void> {
    const cells = batch.schema.map((_, index) => ndjsonCells(batch, index));
    const keys = this.keys;
    const lines = new Array<string>(batch.numRows);
    for (let row = 0; row < batch.numRows; row++) {
      let line = '{';
      for (let c = 0; c < cells.length; c++) line += (c === 0 ? '' : ',') + keys[c] + cells[c](row);
      lines[row] = line + '}';
    }
    if (lines.length > 0) await this.out.write(lines.join('\n') + '\n');
  }

  async end(): Promise<void> {}
}
