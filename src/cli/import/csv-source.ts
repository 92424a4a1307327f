// CSV import: the server parses the file (COPY … FROM STDIN with format csv), which measured
// faster than parsing it here and sending binary COPY (see the commit); csv-parse reads only the
// header line, to match the file's columns to the table's by name.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { copiedRows, type CopySession, type FileColumn, type FileSource, type LoadProgress } from './file-source.js';
import type { TableRef, TargetColumn } from './target-table.js';

/** Reads of 256 KB: a quarter of the CopyData messages and awaits of the default 64 KB. */
const READ_CHUNK_BYTES = 256 * 1024;

export class CsvSource implements FileSource {
  total: FileSource['total'];
  /** Read once, from open() on: the header is parsed while the connection is being made. */
  private readonly header: Promise<FileColumn[]>;

  private constructor(private readonly path: string, size: number) {
    this.total = { amount: size, unit: 'bytes' };
    this.header = this.readHeader();
    // Its failure is reported where columns() is awaited.
    this.header.catch(() => undefined);
  }

  static async open(path: string): Promise<CsvSource> {
    return new CsvSource(path, (await stat(path)).size);
  }

  /** The header line's names; --create makes every column text (CSV has no types). */
  columns(): Promise<FileColumn[]> {
    return this.header;
  }

  private async readHeader(): Promise<FileColumn[]> {
    const parser = createReadStream(this.path).pipe(parse({ to_line: 1, bom: true, relax_column_count: true }));
    for await (const record of parser as AsyncIterable<string[]>) {
      parser.destroy();
      if (record.some((name) => name === '')) throw new Error(`${this.path}: the header line has an empty column name; every column needs one`);
      return record.map((name) => ({ name, sqlType: 'text' }));
    }
    throw new Error(`${this.path} is empty: a CSV file needs a header line naming its columns`);
  }

  async load(db: CopySession, table: TableRef, _targets: readonly TargetColumn[], progress: LoadProgress): Promise<number> {
    const names = (await this.columns()).map((column) => column.name);
    // Without a bar, the file goes to the COPY as read: counting its lines cost ~40-100 ms of CPU on 500K lines.
    const source = progress.shown ? counted(this.path, progress) : createReadStream(this.path, { highWaterMark: READ_CHUNK_BYTES });
    const tag = await db.copyToTable(table.table, { source, format: 'csv', header: true, columns: names, schemaName: table.schema });
    return copiedRows(tag);
  }
}

/**
 * The file's chunks, counted for the progress bar as the COPY pulls them. (A 'data' listener on
 * the stream instead set it flowing before the COPY began to read: the chunks read meanwhile
 * went to the listener alone, and a 500K-line import lost its first 117,542 rows.)
 */
async function* counted(path: string, progress: LoadProgress): AsyncGenerator<Uint8Array> {
  let bytes = 0;
  let lines = -1; // the header is not a row
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    // Line breaks approximate rows for the bar (a quoted field may hold one); COPY's count is exact.
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
    progress(Math.max(0, lines), (bytes += chunk.length));
    yield chunk;
  }
}
