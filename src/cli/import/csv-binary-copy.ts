// A CSV file as binary COPY: parsing the file here lets the server skip its CSV parser and the
// types' text input functions (a 500K-line file: ~580 ms of the backend's time as CSV, ~285 ms as
// binary), and the two run on different cores. Used only when every column's type has an encoder
// (csv-binary-fields.ts); a value in another form stops it with CsvNeedsServer.

import { BufferWriter } from '../../codec/buffer/writer.js';
import { writeBinaryCopyHeader, writeBinaryCopyTrailer } from '../../codec/copy/binary-format.js';
import { csvFieldEncoder, type FieldEncoder } from './csv-binary-fields.js';
import { CsvNeedsServer, CsvRecordReader, type CsvRecord } from './csv-records.js';
import type { TargetColumn } from './target-table.js';

/** Encoders in the file's column order, or undefined when some column's type is not read here. */
export function csvBinaryEncoders(targets: readonly TargetColumn[]): FieldEncoder[] | undefined {
  const encoders: FieldEncoder[] = [];
  for (const target of targets) {
    const encoder = csvFieldEncoder(target.typeOid);
    if (encoder === undefined) return undefined;
    encoders.push(encoder);
  }
  return encoders;
}

/**
 * Binary COPY data for the CSV chunks (header line first, skipped): one output chunk per input
 * chunk, the signature before the first and the trailer after the last. `onChunk` is told the
 * records and input bytes of each chunk once it is encoded.
 */
export async function* csvAsBinaryCopy(
  chunks: AsyncIterable<Uint8Array>,
  targets: readonly TargetColumn[],
  encoders: readonly FieldEncoder[],
  onChunk: (records: number, bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  const reader = new CsvRecordReader(encoders.length);
  let out = new BufferWriter(64 * 1024);
  writeBinaryCopyHeader(out);
  const encodeRecord = (record: CsvRecord) => {
    const { bytes, starts, ends, flags } = record;
    out.i16(encoders.length);
    for (let i = 0; i < encoders.length; i++) {
      const start = starts[i];
      const end = ends[i];
      // CSV's NULL is an unquoted empty field; a quoted one ("") is an empty string.
      if (start === end && flags[i] === 0) out.i32(-1);
      else if (!encoders[i](bytes, start, end, flags[i], out)) {
        throw new CsvNeedsServer(`a value of column ${JSON.stringify(targets[i].name)} (${targets[i].typeName}) is not in a form read here`);
      }
    }
  };
  for await (const chunk of chunks) {
    onChunk(reader.read(chunk, false, encodeRecord), chunk.length);
    if (out.length === 0) continue;
    yield out.written();
    out = new BufferWriter(Math.max(64 * 1024, out.length + (out.length >> 2)));
  }
  // What the last chunk left unfinished is the file's last record, with no line ending.
  onChunk(reader.read(new Uint8Array(0), true, encodeRecord), 0);
  writeBinaryCopyTrailer(out);
  yield out.written();
}
