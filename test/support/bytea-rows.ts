// Checks bytea rows whose value in row i is `lengthOf(i)` bytes of i % 256 (null for NULL).

import { expect } from 'vitest';

export interface ByteaRow {
  i: number;
  b: Uint8Array | null;
}

export function expectByteaRows(rows: readonly ByteaRow[], lengthOf: (i: number) => number | null, mode: 'Uint8Array' | 'Buffer'): void {
  for (const row of rows) {
    const length = lengthOf(row.i);
    if (length === null) {
      expect(row.b).toBeNull();
      continue;
    }
    expect(Buffer.isBuffer(row.b)).toBe(mode === 'Buffer');
    expect(row.b!.length).toBe(length);
    expect(row.b!.every((byte) => byte === row.i % 256)).toBe(true);
  }
}
