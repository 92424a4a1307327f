// The Parquet export's encoder thread: it rebuilds each batch from the buffers the main thread
// moved to it, hands it to parquet-wasm and posts the file's bytes back, so that the encoding
// overlaps the pool's fetching and decoding instead of following it on the main thread.
//
// parquet-wasm is the Rust parquet crate compiled to WebAssembly; chosen by measurement over
// hyparquet-writer (pure JS), which took ~2.8 s for 1M rows of five columns against ~0.85 s. Arrow
// JS and the WebAssembly side share no memory: a batch crosses as one IPC message.

import { parentPort, workerData } from 'node:worker_threads';
import * as A from 'apache-arrow';
import type * as ParquetWasm from 'parquet-wasm';
import * as parquetWasm from 'parquet-wasm';
import { arrowBatchOf, arrowSchemaOf, emptyArrowBatch } from './arrow-batches.js';
import type { EncoderSetup, FromEncoder, ToEncoder } from './parquet-encoder-messages.js';

// The package's Node build has the ESM build's types (see its package.json "exports").
const wasm = parquetWasm as unknown as typeof ParquetWasm;
const port = parentPort!;
const setup = workerData as EncoderSetup;

function post(message: FromEncoder, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

/** Messages not yet turned into wasm batches; at most a couple (the main thread waits for 'taken'). */
const inbox: ToEncoder[] = [];
let arrived: (() => void) | undefined;

port.on('message', (message: ToEncoder) => {
  inbox.push(message);
  arrived?.();
  arrived = undefined;
});

async function next(): Promise<ToEncoder> {
  while (inbox.length === 0) await new Promise<void>((resolve) => (arrived = resolve));
  return inbox.shift()!;
}

/** PGLOOM_TEST_PARQUET_ENCODER_FAULT, for the tests only: fail after this many batches. */
function injectFault(batches: number): void {
  const [kind, count] = (setup.fault ?? '').split(':');
  if (Number(count) !== batches) return;
  if (kind === 'throw-after') throw new Error(`injected encoder fault after ${batches} batches (PGLOOM_TEST_PARQUET_ENCODER_FAULT)`);
  if (kind === 'exit-after') process.exit(3);
}

/** A batch as the wasm side's batches: through one IPC stream message. */
function toWasm(batch: A.RecordBatch): ParquetWasm.RecordBatch[] {
  const table = wasm.Table.fromIPCStream(A.tableToIPC(new A.Table([batch]), 'stream'));
  const batches = table.recordBatches();
  table.free();
  return batches;
}

async function encode(): Promise<void> {
  const first = await next();
  if (first.type !== 'schema') throw new Error(`the encoder expected the schema first, got ${first.type}`);
  const schema = arrowSchemaOf(first.names, first.kinds);
  let batches = 0;
  // parquet-wasm does not pass an error of its input on (it ends the file early, or waits): a
  // failure here is reported from here, and the file's end is never announced.
  let inputFailed = false;
  const pull = async (controller: ReadableStreamDefaultController<ParquetWasm.RecordBatch>): Promise<void> => {
    const message = await next();
    if (message.type === 'end') {
      // A file with no rows still needs a schema: one empty batch carries it.
      if (batches === 0) for (const empty of toWasm(emptyArrowBatch(schema))) controller.enqueue(empty);
      controller.close();
      return;
    }
    if (message.type !== 'batch') throw new Error(`the encoder got a second ${message.type} message`);
    injectFault(batches);
    for (const batch of toWasm(arrowBatchOf(schema, message.length, message.columns))) controller.enqueue(batch);
    batches++;
    post({ type: 'taken' });
  };
  // Pulled by parquet-wasm when it wants the next batch: that pull is the backpressure.
  const input = new ReadableStream<ParquetWasm.RecordBatch>(
    {
      pull: (controller) =>
        pull(controller).catch((error: unknown) => {
          inputFailed = true;
          fail(error);
          controller.error(error);
        }),
    },
    { highWaterMark: 0 },
  );
  const properties = new wasm.WriterPropertiesBuilder()
    .setCompression(wasm.Compression.SNAPPY)
    .setMaxRowGroupSize(setup.rowGroupRows)
    .setDictionaryPageSizeLimit(setup.dictionaryPageBytes)
    .setCreatedBy('pgloom')
    .build();
  const parquet = (await wasm.transformParquetStream(input, properties)) as ReadableStream<Uint8Array>;
  const reader = parquet.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    // A view into WebAssembly memory cannot move to another thread: such bytes are copied first.
    const bytes = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength && value.buffer instanceof ArrayBuffer ? value : value.slice();
    post({ type: 'bytes', bytes }, [bytes.buffer as ArrayBuffer]);
  }
  if (!inputFailed) post({ type: 'done' });
}

let failed = false;

/** Reports the first failure only; the main thread then ends this thread. */
function fail(error: unknown): void {
  if (failed) return;
  failed = true;
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}

encode().then(
  () => port.close(),
  (error: unknown) => {
    fail(error);
    port.close();
  },
);
