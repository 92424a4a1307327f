// Parquet: the batches' column buffers move (transferred, not cloned) to an encoder thread of
// their own (parquet-encoder-worker.ts), which runs parquet-wasm and posts the file's bytes back;
// this thread only writes them. The encoding thus overlaps the pool's fetching and decoding.
// Memory stays bounded: at most two batches wait for the encoder, and no batch is sent while more
// than two chunks of the file wait to be written.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Column, RecordBatch } from '../../main/index.js';
import { arrowColumnOf, arrowKindOf, type ArrowColumn, type ArrowKind } from './arrow-columns.js';
import { uniqueNames, type BatchSink } from './batch-sink.js';
import type { EncoderSetup, FromEncoder, ToEncoder } from './parquet-encoder-messages.js';
import type { OutputFile } from './output-file.js';

/** Row groups of this many rows at most (parquet-rs' default, 1M, held a whole export's encoding back). */
const ROW_GROUP_ROWS = 131_072;
/**
 * parquet-rs' default (1 MB) made it dictionary-encode columns of unique values (ids, timestamps)
 * almost to the end of each row group before falling back: 1M rows of five columns took ~0.9 s to
 * encode and 34 MB; with 128 KB, ~0.3 s and 26 MB, and columns of a few thousand distinct values
 * (5,000 customer names, 100 statuses, 3,000 dates) still get dictionaries (6.8 MB against 8.2).
 */
const DICTIONARY_PAGE_BYTES = 128 * 1024;
/** Batches sent to the encoder and not yet taken by parquet-wasm. */
const BATCHES_AHEAD = 2;
/** Chunks of the file received and not yet written. */
const CHUNKS_PENDING = 2;

/** The encoder next to this file in dist/ (tests that run the TypeScript sources use the built one). */
function encoderScript(): URL {
  const sibling = new URL('./parquet-encoder-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  return new URL(sibling.href.replace(/\/src\/cli\/export\/parquet-encoder-worker\.js$/, '/dist/src/cli/export/parquet-encoder-worker.js'));
}

/** The buffers of a batch's columns, each once: what moves to the encoder. */
function buffersOf(columns: readonly ArrowColumn[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const column of columns) {
    for (const view of [column.values, column.offsets, column.data, column.validity]) {
      // Node's Buffer pool slices share one ArrayBuffer with unrelated buffers: those are cloned, never moved.
      if (view !== undefined && view.buffer instanceof ArrayBuffer && !Buffer.isBuffer(view)) buffers.add(view.buffer);
    }
  }
  return [...buffers];
}

export class ParquetSink implements BatchSink {
  private readonly worker: Worker;
  private kinds: ArrowKind[] = [];
  private ahead = 0;
  private pendingChunks = 0;
  /** The file's chunks, written in order. */
  private writing: Promise<void> = Promise.resolve();
  private done = false;
  private failure: Error | undefined;
  private waiters: (() => void)[] = [];

  constructor(private readonly out: OutputFile) {
    const setup: EncoderSetup = {
      rowGroupRows: ROW_GROUP_ROWS,
      dictionaryPageBytes: DICTIONARY_PAGE_BYTES,
      ...(process.env.PGLOOM_TEST_PARQUET_ENCODER_FAULT ? { fault: process.env.PGLOOM_TEST_PARQUET_ENCODER_FAULT } : {}),
    };
    // Started before the query runs: loading apache-arrow and the WebAssembly module overlaps it.
    this.worker = new Worker(encoderScript(), { workerData: setup });
    this.worker.on('message', (message: FromEncoder) => this.received(message));
    this.worker.on('error', (error) => this.fail(`Parquet encoding failed: ${error.message}`));
    this.worker.on('messageerror', (error) => this.fail(`Parquet encoding failed: a message from the encoder thread could not be read (${error.message})`));
    this.worker.on('exit', (code) => {
      if (!this.done) this.fail(`Parquet encoding failed: the encoder thread stopped (exit code ${code}) before the file was complete`);
    });
  }

  async start(columns: readonly Column[]): Promise<void> {
    this.kinds = columns.map(arrowKindOf);
    this.send({ type: 'schema', names: uniqueNames(columns, 'Parquet'), kinds: this.kinds });
  }

  async write(batch: RecordBatch<unknown>): Promise<void> {
    if (batch.numRows === 0) return;
    await this.until(() => this.ahead < BATCHES_AHEAD && this.pendingChunks <= CHUNKS_PENDING);
    const columns = this.kinds.map((kind, index) => arrowColumnOf(batch, index, kind));
    this.ahead++;
    this.send({ type: 'batch', length: batch.numRows, columns }, buffersOf(columns));
  }

  async end(): Promise<void> {
    this.send({ type: 'end' });
    await this.until(() => this.done);
    await this.writing;
    if (this.failure) throw this.failure;
    await this.worker.terminate();
  }

  async abort(): Promise<void> {
    this.done = true;
    await this.worker.terminate();
  }

  private send(message: ToEncoder, transfer: ArrayBuffer[] = []): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage(message, transfer);
  }

  private received(message: FromEncoder): void {
    switch (message.type) {
      case 'taken':
        this.ahead--;
        break;
      case 'bytes':
        this.pendingChunks++;
        this.writing = this.writing.then(async () => {
          if (this.failure) return;
          try {
            await this.out.write(message.bytes);
          } catch (error) {
            this.failure = error instanceof Error ? error : new Error(String(error));
          }
          this.pendingChunks--;
          this.wake();
        });
        break;
      case 'done':
        this.done = true;
        break;
      case 'failed':
        this.fail(`Parquet encoding failed: ${message.message}`);
        break;
    }
    this.wake();
  }

  private fail(message: string): void {
    this.failure ??= new Error(message);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves once `ready()` holds; rejects with the encoder's failure, if it fails first. */
  private async until(ready: () => boolean): Promise<void> {
    while (!ready()) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.failure) throw this.failure;
  }
}
