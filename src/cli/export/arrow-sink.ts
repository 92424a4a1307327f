// Arrow IPC file format (Feather v2): the schema, then each batch as it arrives, then the footer.

import * as A from 'apache-arrow';
import type { Column, RecordBatch } from '../../main/index.js';
import { arrowSchemaOf, toArrowBatch } from './arrow-batches.js';
import type { BatchSink } from './batch-sink.js';
import type { OutputFile } from './output-file.js';

export class ArrowSink implements BatchSink {
  private schema: A.Schema | undefined;
  private readonly writer = new A.RecordBatchFileWriter();
  /** Moves the writer's encoded messages to the file while batches keep coming. */
  private copying: Promise<void> | undefined;
  private batches = 0;

  constructor(private readonly out: OutputFile) {}

  async start(columns: readonly Column[]): Promise<void> {
    this.schema = arrowSchemaOf(columns, 'Arrow');
    this.writer.reset(undefined, this.schema);
    const writer = this.writer;
    const out = this.out;
    this.copying = (async () => {
      for await (const chunk of writer) await out.write(chunk);
    })();
  }

  async write(batch: RecordBatch<unknown>): Promise<void> {
    this.writer.write(toArrowBatch(batch, this.schema!));
    this.batches++;
  }

  async end(): Promise<void> {
    // A file with no batch still gets its schema (written by the writer on its first call).
    if (this.batches === 0) this.writer.write(new A.RecordBatch(this.schema!, A.makeData({ type: new A.Struct(this.schema!.fields), length: 0, nullCount: 0, children: emptyChildren(this.schema!) })));
    this.writer.finish();
    await this.copying;
  }
}

/** Zero-length columns of every field: an empty batch that carries only the schema. */
export function emptyChildren(schema: A.Schema): A.Data[] {
  return schema.fields.map((field) => A.makeData({ type: field.type, length: 0 } as Parameters<typeof A.makeData>[0]));
}
