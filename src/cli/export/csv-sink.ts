// CSV per RFC 4180: a header line, CRLF-free "\n" lines, fields quoted when they hold a comma, a
// quote or a line break; NULL is an empty unquoted field and the empty string is "" — the
// distinction PostgreSQL's COPY … CSV and DuckDB both read back.

import type { Column, RecordBatch } from '../../main/index.js';
import type { BatchSink } from './batch-sink.js';
import { csvCells } from './cell-writers.js';
import type { OutputFile } from './output-file.js';

const NEEDS_QUOTES = /[",\r\n]/;

/** One field: quoted when it must be; `\.` too, which COPY would read as the end of the data. */
export function csvField(text: string | null): string {
  if (text === null) return '';
  if (text === '' || text === '\\.' || NEEDS_QUOTES.test(text)) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

export class CsvSink implements BatchSink {
  constructor(private readonly out: OutputFile) {}

  async start(columns: readonly Column[]): Promise<void> {
    await this.out.write(`${columns.map((column) => csvField(column.name)).join(',')}\n`);
  }

  async write(batch: RecordBatch<unknown>): Promise<void> {
    const cells = batch.schema.map((_, index) => csvCells(batch, index));
    const width = cells.length;
    const lines = new Array<string>(batch.numRows);
    for (let row = 0; row < batch.numRows; row++) {
      let line = csvField(cells[0](row));
      for (let c = 1; c < width; c++) line += ',' + csvField(cells[c](row));
      lines[row] = line;
    }
    if (lines.length > 0) await this.out.write(lines.join('\n') + '\n');
  }

  async end(): Promise<void> {}
}
