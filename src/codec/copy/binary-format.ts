// The fixed parts of PostgreSQL's binary COPY format: the 19-byte header (signature, flags, an
// empty header extension) and the trailer (a field count of -1).

import type { BufferWriter } from '../buffer/writer.js';

/** "PGCOPY\n\377\r\n\0": the signature, chosen to be mangled by anything that is not 8-bit clean. */
export const BINARY_COPY_SIGNATURE = Uint8Array.of(0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00);

export function writeBinaryCopyHeader(out: BufferWriter): void {
  out.raw(BINARY_COPY_SIGNATURE);
  // Flags: bit 16 would mean OIDs are included; none are.
  out.i32(0);
  // Length of the header extension area: none.
  out.i32(0);
}

export function writeBinaryCopyTrailer(out: BufferWriter): void {
  out.i16(-1);
}
