// Arrow IPC file format (Feather v2): the schema, then each batch as it arrives, then the footer.
// Written on the main thread: apache-arrow's writer only frames the batch's own buffers (no
// encoding to speak of), so an encoder thread would cost more in start-up than it saves.

import * as A from 'apache-arrow';
import type { Column, RecordBatch } from '../../main/index.js';
import { arrowColumnOf, arrowKindOf, type ArrowKind } from './arrow-columns.js';
import { arrowBatchOf, arrowSchemaOf, emptyArrowBatch } from './arrow-batches.js';
import { uniqueNames, type BatchSink } from './batch-sink.js';
import type { OutputFile } from './output-file.js';

export class ArrowSink implements BatchSink {
  private schema: A.Schema | undefined;
  private kinds: ArrowKind[] = [];
  private readonly writer = new A.RecordBatchFileWriter();
  /** Moves the writer's encoded messages to the file while batches keep coming. */
  private copying: Promise<void> | undefined;
  private batches = 0;

  constructor(private readonly out: OutputFile) {}

  async start(columns: readonly Column[]): Promise<void> {
    this.kinds = columns.map(arrowKindOf);
    this.schema = arrowSchemaOf(uniqueNames(columns, 'Arrow'), this.kinds);
    this.writer.reset(undefined, this.schema);
    const writer = this.writer;
    const out = this.out;
    this.copying = (async () => {
      for await (const chunk of writer) await out.write(chunk);
    })();
  }

  async write(batch: RecordBatch<unknown>): Promise<void> {
    const columns = this.kinds.map((kind, index) => arrowColumnOf(batch, index, kind));
    this.writer.write(arrowBatchOf(this.schema!, batch.numRows, columns));
    this.batches++;
  }

  async end(): Promise<void> {
    // A file with no batch still gets its schema (written by the writer on its first call).
    if (this.batches === 0) this.writer.write(emptyArrowBatch(this.schema!));
    this.writer.finish();
    await this.copying;
  }
}
