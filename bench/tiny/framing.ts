// The framing input: one large chunk of DataRow messages (the mixed workload's rows, repeated),
// and the framer pass over it, whole or in socket-sized reads.

import { BackendMessage, MessageFramer } from '../../src/codec/protocol/index.js';
import type { WireRows } from './wire-rows.js';

export interface FramingInput {
  chunk: Uint8Array;
  messages: number;
}

/** `rows` repeated to about `bytes` (whole copies only, so every message is whole). */
export function framingInput(rows: WireRows, bytes: number): FramingInput {
  const copies = Math.max(1, Math.floor(bytes / rows.bytes.length));
  const chunk = new Uint8Array(copies * rows.bytes.length);
  for (let copy = 0; copy < copies; copy++) chunk.set(rows.bytes, copy * rows.bytes.length);
  return { chunk, messages: copies * rows.count };
}

/** Frame the chunk in reads of `readBytes` (the whole chunk at once by default); checks every DataRow came out. */
export function frame(input: FramingInput, readBytes = input.chunk.length): void {
  let dataRows = 0;
  // What the engine's handler does first with every message: look at its type.
  const framer = new MessageFramer((type) => {
    if (type === BackendMessage.DataRow) dataRows++;
  });
  const { chunk } = input;
  for (let at = 0; at < chunk.length; at += readBytes) framer.push(chunk.subarray(at, Math.min(at + readBytes, chunk.length)));
  if (dataRows !== input.messages || framer.buffered !== 0) throw new Error(`framing: ${dataRows} of ${input.messages} DataRows, ${framer.buffered} bytes left over`);
}
