// Frontend messages of the COPY sub-protocol.

import type { BufferWriter } from '../buffer/writer.js';

const Message = { CopyData: 0x64, CopyDone: 0x63, CopyFail: 0x66 } as const;

export function writeCopyData(out: BufferWriter, data: Uint8Array): void {
  out.u8(Message.CopyData).i32(4 + data.length).raw(data);
}

export function writeCopyDone(out: BufferWriter): void {
  out.u8(Message.CopyDone).i32(4);
}

/** Abort a COPY FROM STDIN; the server answers with an ErrorResponse quoting `reason`. */
export function writeCopyFail(out: BufferWriter, reason: string): void {
  out.u8(Message.CopyFail);
  const slot = out.beginLength();
  out.cstring(reason.replace(/\0/g, ''));
  out.endLength(slot);
}
