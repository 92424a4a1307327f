// CSV import. When every column's type is one csv-binary-fields.ts reads, the file is parsed here
// and sent as binary COPY (the server's share of the work halves, and runs beside ours); at the
// first value in a form read only by the server — or any failure of that COPY — the import rolls
// back to a savepoint and sends the file as CSV for the server to parse, so what loads, and every
// error, is the server's CSV parser's. csv-parse reads only the header line, to match the file's
// columns to the table's by name.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { csvAsBinaryCopy, csvBinaryEncoders } from './csv-binary-copy.js';
import type { FieldEncoder } from './csv-binary-fields.js';
import { CsvNeedsServer } from './csv-records.js';
import { copiedRows, type CopySession, type FileColumn, type FileSource, type LoadProgress } from './file-source.js';
import type { TableRef, TargetColumn } from './target-table.js';

/** Reads of 256 KB: a quarter of the CopyData messages and awaits of the default 64 KB. */
const READ_CHUNK_BYTES = 256 * 1024;

export class CsvSource implements FileSource {
  total: FileSource['total'];
  /** How the last load sent the file: parsed here as binary COPY, or as CSV for the server to parse. */
  sentAs: 'binary' | 'csv' | undefined;
  loadedAs(): string | undefined {
    if (this.sentAs === undefined) return undefined;
    return this.sentAs === 'binary' ? 'parsed here, sent as binary COPY' : 'sent as CSV, parsed by the server';
  }

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

  async load(db: CopySession, table: TableRef, targets: readonly TargetColumn[], progress: LoadProgress): Promise<number> {
    const names = (await this.columns()).map((column) => column.name);
    const encoders = targets.length === names.length ? csvBinaryEncoders(targets) : undefined;
    if (encoders !== undefined) {
      const rows = await this.loadAsBinary(db, table, names, targets, encoders, progress);
      if (rows !== undefined) {
        this.sentAs = 'binary';
        return rows;
      }
      progress(0, 0);
    }
    this.sentAs = 'csv';
    // Without a bar, the file goes to the COPY as read: counting its lines cost ~40-100 ms of CPU on 500K lines.
    const source = progress.shown ? counted(this.path, progress) : createReadStream(this.path, { highWaterMark: READ_CHUNK_BYTES });
    const tag = await db.copyToTable(table.table, { source, format: 'csv', header: true, columns: names, schemaName: table.schema });
    return copiedRows(tag);
  }

  /** The rows loaded by binary COPY, or undefined when the file is to go to the server as CSV (nothing of this attempt is kept). */
  private async loadAsBinary(
    db: CopySession, table: TableRef, names: string[], targets: readonly TargetColumn[], encoders: readonly FieldEncoder[], progress: LoadProgress,
  ): Promise<number | undefined> {
    let rows = 0;
    let bytes = 0;
    const chunks = csvAsBinaryCopy(createReadStream(this.path, { highWaterMark: READ_CHUNK_BYTES }), targets, encoders, (records, read) => progress((rows += records), (bytes += read)));
    // The first chunk is encoded before the server is asked anything: most files that need the
    // server's parser show it there, and then cost it nothing twice.
    let first: IteratorResult<Uint8Array>;
    try {
      first = await chunks.next();
    } catch (error) {
      if (error instanceof CsvNeedsServer) return undefined;
      throw error;
    }
    await db.execute('savepoint pgloom_csv_as_binary');
    try {
      const source = (async function* () {
        if (first.done !== true) yield first.value;
        yield* chunks;
      })();
      const tag = await db.copyToTable(table.table, { source, format: 'binary', columns: names, schemaName: table.schema });
      await db.execute('release savepoint pgloom_csv_as_binary');
      return copiedRows(tag);
    } catch (error) {
      // Whatever stopped it (a form left to the server, or the server refusing a row), the server's
      // CSV parser decides: it loads the file, or gives its own error with the line.
      // Closes the file (a failure to close it changes nothing: the file is read again below).
      await chunks.return(undefined).catch(() => undefined);
      try {
        await db.execute('rollback to savepoint pgloom_csv_as_binary');
      } catch {
        throw error;
      }
      return undefined;
    }
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
