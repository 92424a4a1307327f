// Arrow IPC import (file or stream format): batches read one at a time and loaded by binary COPY
// from their columns (copyColumnsToTable), never as row objects.

import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import * as A from 'apache-arrow';
import { arrowBatchInput, sqlTypeOf } from './arrow-columns.js';
import { copiedRows, type CopySession, type FileColumn, type FileSource, type LoadProgress } from './file-source.js';
import type { TableRef, TargetColumn } from './target-table.js';

/** Loads Arrow batches from any source of them: shared by the Arrow and Parquet imports. */
export async function loadArrowBatches(
  batches: AsyncIterable<A.RecordBatch>,
  db: CopySession,
  table: TableRef,
  targets: readonly TargetColumn[],
  progress: LoadProgress,
  bytesRead: () => number,
): Promise<number> {
  const byName = new Map(targets.map((target) => [target.name, target]));
  let rows = 0;
  for await (const batch of batches) {
    if (batch.numRows === 0) continue;
    const tag = await db.copyColumnsToTable(table.table, { columns: arrowBatchInput(batch, byName) as never, schemaName: table.schema });
    rows += copiedRows(tag);
    progress(rows, bytesRead());
  }
  return rows;
}

export class ArrowSource implements FileSource {
  /** Unknown: an Arrow file's row count is spread over its batches' headers. */
  readonly total = undefined;

  private constructor(private readonly path: string) {}

  static async open(path: string): Promise<ArrowSource> {
    return new ArrowSource(path);
  }

  private async reader(): Promise<{ reader: A.AsyncRecordBatchFileReader | A.AsyncRecordBatchStreamReader; bytes: () => number }> {
    // The file format (its footer at the end) is read through a file handle, by position; the
    // stream format as a stream.
    const head = Buffer.alloc(6);
    const handle = await open(this.path);
    await handle.read(head, 0, 6, 0);
    let bytes = 0;
    let source: FileHandle | NodeJS.ReadableStream;
    if (head.toString('latin1') === 'ARROW1') source = handle;
    else {
      await handle.close();
      const stream = createReadStream(this.path);
      stream.on('data', (chunk) => (bytes += chunk.length));
      source = stream;
    }
    type AsyncReader = A.AsyncRecordBatchFileReader | A.AsyncRecordBatchStreamReader;
    const reader = (await A.RecordBatchReader.from(source as Parameters<typeof A.RecordBatchReader.from>[0])) as unknown as AsyncReader;
    await reader.open();
    return { reader, bytes: () => bytes };
  }

  async columns(): Promise<FileColumn[]> {
    const { reader } = await this.reader();
    try {
      return reader.schema.fields.map((field: A.Field) => ({ name: field.name, sqlType: sqlTypeOf(field.type as A.DataType) }));
    } finally {
      await reader.cancel();
    }
  }

  async load(db: CopySession, table: TableRef, targets: readonly TargetColumn[], progress: LoadProgress): Promise<number> {
    const { reader, bytes } = await this.reader();
    return loadArrowBatches(reader, db, table, targets, progress, bytes);
  }
}
