// Parquet import through parquet-wasm: the file is read as a Blob backed by the file (not loaded
// whole), decoded batch by batch into Arrow, and each batch loaded by binary COPY from its columns.

import { openAsBlob } from 'node:fs';
import * as A from 'apache-arrow';
import type * as ParquetWasm from 'parquet-wasm';
import { sqlTypeOf } from './arrow-columns.js';
import { loadArrowBatches } from './arrow-source.js';
import type { CopySession, FileColumn, FileSource, LoadProgress } from './file-source.js';
import type { TableRef, TargetColumn } from './target-table.js';

const BATCH_ROWS = 65_536;

export class ParquetSource implements FileSource {
  total: FileSource['total'];

  private constructor(private readonly file: ParquetWasm.ParquetFile) {
    this.total = { amount: file.metadata().fileMetadata().numRows(), unit: 'rows' };
  }

  static async open(path: string): Promise<ParquetSource> {
    const wasm = (await import('parquet-wasm')) as typeof ParquetWasm;
    const blob = await openAsBlob(path);
    try {
      return new ParquetSource(await wasm.ParquetFile.fromFile(blob));
    } catch (error) {
      throw new Error(`${path} is not a Parquet file parquet-wasm can read: ${String(error)}`);
    }
  }

  async columns(): Promise<FileColumn[]> {
    const schema = this.arrowSchema();
    return schema.fields.map((field) => ({ name: field.name, sqlType: sqlTypeOf(field.type as A.DataType) }));
  }

  /** The file's Arrow schema, from its metadata (an IPC stream with no batch). */
  private arrowSchema(): A.Schema {
    return A.tableFromIPC(this.file.schema().intoIPCStream()).schema;
  }

  async load(db: CopySession, table: TableRef, targets: readonly TargetColumn[], progress: LoadProgress): Promise<number> {
    const stream = (await this.file.stream({ batchSize: BATCH_ROWS })) as ReadableStream<ParquetWasm.RecordBatch>;
    async function* arrowBatches(): AsyncGenerator<A.RecordBatch> {
      const reader = stream.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        // The WebAssembly batch crosses to Arrow JS as one IPC message.
        yield* A.tableFromIPC(value.intoIPCStream()).batches;
      }
    }
    return loadArrowBatches(arrowBatches(), db, table, targets, progress, () => 0);
  }
}
