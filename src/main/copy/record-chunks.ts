// Records → the binary COPY stream, in chunks of about CHUNK_BYTES: the header in the first, the
// trailer in the last. One chunk is encoded at a time, when the COPY asks for it, so memory stays
// bounded whatever the number of records; each chunk is a buffer of its own (it may be
// transferred to a pool worker).

import { BufferWriter } from '../../codec/buffer/writer.js';
import { writeBinaryCopyHeader, writeBinaryCopyTrailer } from '../../codec/copy/binary-format.js';
import type { BinaryRecordEncoder } from '../../codec/copy/record-encoder.js';
import { InterfaceError } from '../../codec/errors/client-errors.js';

export const CHUNK_BYTES = 512 * 1024;

type Records = Iterable<unknown> | AsyncIterable<unknown>;

export function recordIterator(records: Records): { sync: Iterator<unknown> } | { async: AsyncIterator<unknown> } {
  if (records !== null && typeof records === 'object') {
    // A sync iterable is read without a promise per record.
    if (typeof (records as Iterable<unknown>)[Symbol.iterator] === 'function') return { sync: (records as Iterable<unknown>)[Symbol.iterator]() };
    if (typeof (records as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') return { async: (records as AsyncIterable<unknown>)[Symbol.asyncIterator]() };
  }
  throw new InterfaceError('records must be an array or an (async) iterable of records (arrays or objects)');
}

export async function* binaryRecordChunks(records: Records, encoder: BinaryRecordEncoder): AsyncGenerator<Uint8Array> {
  const source = recordIterator(records);
  let index = 0;
  let out = new BufferWriter(CHUNK_BYTES + 64 * 1024);
  writeBinaryCopyHeader(out);
  try {
    if ('sync' in source) {
      const iterator = source.sync;
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        encoder.write(next.value, index++, out);
        if (out.length >= CHUNK_BYTES) {
          yield out.bytes.subarray(0, out.length);
          out = new BufferWriter(CHUNK_BYTES + 64 * 1024);
        }
      }
    } else {
      const iterator = source.async;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        encoder.write(next.value, index++, out);
        if (out.length >= CHUNK_BYTES) {
          yield out.bytes.subarray(0, out.length);
          out = new BufferWriter(CHUNK_BYTES + 64 * 1024);
        }
      }
    }
    writeBinaryCopyTrailer(out);
    yield out.bytes.subarray(0, out.length);
  } finally {
    // Stopped early (a failure, the caller gave up): let the records' source clean up.
    if ('sync' in source) source.sync.return?.();
    else await source.async.return?.();
  }
}
