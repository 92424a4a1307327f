// Parquet through parquet-wasm (the Rust parquet crate compiled to WebAssembly), fed Arrow batches.
//
// Chosen by measurement (1M rows of int4, float8, text, timestamptz, int8; bench in the commit):
// parquet-wasm wrote them in ~0.85 s beside a ~0.85 s plain stream, hyparquet-writer (pure JS)
// in ~2.8 s — its strings and nullable columns go through per-value JS arrays. parquet-wasm also
// streams: row groups are written as batches arrive, so memory stays bounded.

import type * as ParquetWasm from 'parquet-wasm';
import * as A from 'apache-arrow';
import type { Column, RecordBatch } from '../../main/index.js';
import { arrowSchemaOf, toArrowBatch } from './arrow-batches.js';
import { emptyChildren } from './arrow-sink.js';
import type { BatchSink } from './batch-sink.js';
import type { OutputFile } from './output-file.js';

type Wasm = typeof ParquetWasm;

/** Row groups of this many rows at most (parquet-rs' default, 1M, held a whole export's encoding back). */
const ROW_GROUP_ROWS = 131_072;

/** Loaded on first use: CSV and ndjson exports never pay for the WebAssembly module. */
async function loadParquetWasm(): Promise<Wasm> {
  return (await import('parquet-wasm')) as Wasm;
}

export class ParquetSink implements BatchSink {
  private schema: A.Schema | undefined;
  private wasm: Wasm | undefined;
  /** The producer side of the stream parquet-wasm reads: one Arrow batch at a time, on demand. */
  private feed: ReadableStreamDefaultController<ParquetWasm.RecordBatch> | undefined;
  private written: Promise<void> | undefined;
  private wanted: (() => void) | undefined;
  private failure: unknown;

  constructor(private readonly out: OutputFile) {}

  async start(columns: readonly Column[]): Promise<void> {
    this.schema = arrowSchemaOf(columns, 'Parquet');
    const wasm = (this.wasm = await loadParquetWasm());
    const input = new ReadableStream<ParquetWasm.RecordBatch>(
      {
        start: (controller) => void (this.feed = controller),
        pull: () => {
          const wake = this.wanted;
          this.wanted = undefined;
          wake?.();
        },
      },
      { highWaterMark: 1 },
    );
    const properties = new wasm.WriterPropertiesBuilder().setCompression(wasm.Compression.SNAPPY).setMaxRowGroupSize(ROW_GROUP_ROWS).setCreatedBy('pgloom').build();
    // Not awaited here: parquet-wasm reads the first batch (for the schema) before it resolves.
    this.written = wasm.transformParquetStream(input, properties).then((parquet) => this.copyToFile(parquet as ReadableStream<Uint8Array>));
    this.written.catch((error: unknown) => {
      this.failure = error;
      this.wanted?.();
    });
  }

  async write(batch: RecordBatch<unknown>): Promise<void> {
    if (batch.numRows === 0) return;
    await this.enqueue(toArrowBatch(batch, this.schema!));
  }

  async end(): Promise<void> {
    // A file with no rows still needs a schema: one empty batch carries it.
    if (this.batches === 0) await this.enqueue(new A.RecordBatch(this.schema!, A.makeData({ type: new A.Struct(this.schema!.fields), length: 0, nullCount: 0, children: emptyChildren(this.schema!) })));
    this.feed!.close();
    await this.written;
  }

  private batches = 0;

  private async enqueue(batch: A.RecordBatch): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    this.batches++;
    // Arrow JS and the WebAssembly side share no memory: the batch crosses as one IPC message.
    const ipc = A.tableToIPC(new A.Table([batch]), 'stream');
    for (const wasmBatch of this.wasm!.Table.fromIPCStream(ipc).recordBatches()) {
      const feed = this.feed!;
      if ((feed.desiredSize ?? 1) <= 0) await new Promise<void>((resolve) => (this.wanted = resolve));
      if (this.failure !== undefined) throw this.failure;
      feed.enqueue(wasmBatch);
    }
  }

  private async copyToFile(parquet: ReadableStream<Uint8Array>): Promise<void> {
    const reader = parquet.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      await this.out.write(value);
    }
  }
}
