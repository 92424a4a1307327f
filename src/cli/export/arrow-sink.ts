// Arrow IPC file format (Feather v2): the schema, then each batch as it arrives, then the footer.

import * as A from 'apache-arrow';
import type { Column, RecordBatch } from '../../main/index.js';
import { arrowSchemaOf, toArrowBatch } from './arrow-batches.js';
import type { BatchSink } from './batch-sink.js';
import type { OutputFile } from './output-file.js';

export class ArrowSink implements BatchSink {
  private schema: A.Schema | undefined;
  private readonly writer = new A.RecordBatchFileWriter();
  /** The writer's encoded messages, collected by our sink and moved to the file after each batch. */
  private readonly pending: Uint8Array[] = [];

  constructor(private readonly out: OutputFile) {}

  async start(columns: readonly Column[]): Promise<void> {
    this.schema = arrowSchemaOf(columns, 'Arrow');
    const pending = this.pending;
    const sink = { closed: Promise.resolve(), write: (chunk: unknown) => void pending.push(chunk as Uint8Array), close() {}, abort() {} };
    this.writer.reset(sink, this.schema);
  }

  async write(batch: RecordBatch<unknown>): Promise<void> {
    this.writer.write(toArrowBatch(batch, this.schema!));
    await this.drain();
  }

  async end(): Promise<void> {
    this.writer.finish();
    await this.drain();
  }

  private async drain(): Promise<void> {
    const chunks = this.pending.splice(0);
    for (const chunk of chunks) await this.out.write(chunk);
  }
}
