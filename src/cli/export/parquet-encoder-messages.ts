// Every message between the Parquet export (parquet-sink.ts, main thread) and its encoder thread
// (parquet-encoder-worker.ts): the one contract both sides import.

import type { ArrowColumn, ArrowKind } from './arrow-columns.js';

/** The encoder's workerData. */
export interface EncoderSetup {
  /** Rows per Parquet row group at most. */
  rowGroupRows: number;
  /** Dictionary pages above this size fall back to plain encoding (see parquet-encoder-worker.ts). */
  dictionaryPageBytes: number;
  /**
   * Test-only fault, from PGLOOM_TEST_PARQUET_ENCODER_FAULT: `throw-after:N` or `exit-after:N`
   * batches, so that the tests can prove what a failing encoder leaves behind.
   */
  fault?: string;
}

/** Main thread → encoder. */
export type ToEncoder =
  /** The columns, once, before any batch. */
  | { type: 'schema'; names: string[]; kinds: ArrowKind[] }
  /** One batch: its buffers are in the transfer list (moved, not copied). */
  | { type: 'batch'; length: number; columns: ArrowColumn[] }
  /** No more batches: write the last row group and the footer. */
  | { type: 'end' };

/** Encoder → main thread. */
export type FromEncoder =
  /** A batch has gone into parquet-wasm: the main thread may send one more. */
  | { type: 'taken' }
  /** Bytes of the file, in order (buffer transferred). */
  | { type: 'bytes'; bytes: Uint8Array }
  /** The footer is written: the file is complete. */
  | { type: 'done' }
  | { type: 'failed'; message: string };
