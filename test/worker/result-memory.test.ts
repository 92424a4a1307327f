// The slabs bytea values are copied into are allocated without zero-fill: every byte a value's
// `.buffer` exposes must be that result's own data or zero, never what the memory held before.

import { describe, expect, it } from 'vitest';
import { ResultMemory } from '../../src/worker/result-memory.js';

/** Slabs full of a byte no value holds: a byte left unwritten shows up. */
const garbageSlabs = (made: ArrayBuffer[]) => (bytes: number): ArrayBuffer => {
  const slab = new ArrayBuffer(bytes);
  new Uint8Array(slab).fill(0xee);
  made.push(slab);
  return slab;
};

describe('ResultMemory', () => {
  it('zeroes what no value filled, in the last slab and in slabs it moved on from', () => {
    const made: ArrayBuffer[] = [];
    const memory = new ResultMemory(garbageSlabs(made));
    const source = new Uint8Array(40_000).fill(0x11);
    const values = [100, 3000, 1500, 20_000, 7].map((length) => memory.copy(source, 0, length));
    expect(memory.finish()).toBe(100 + 3000 + 1500 + 20_000 + 7);
    expect(made.length).toBeGreaterThan(1);
    for (const slab of made) expect(new Uint8Array(slab).every((byte) => byte === 0x11 || byte === 0)).toBe(true);
    expect(values.map((value) => value.every((byte) => byte === 0x11))).toEqual([true, true, true, true, true]);
  });

  it('sizes the first slab from the last result, so a result of that size fills it exactly', () => {
    const made: ArrayBuffer[] = [];
    const memory = new ResultMemory(garbageSlabs(made));
    memory.expect(10 * 1000);
    const source = new Uint8Array(1000).fill(0x22);
    for (let i = 0; i < 10; i++) memory.copy(source, 0, 1000);
    memory.finish();
    expect(made.map((slab) => slab.byteLength)).toEqual([10_000]);
  });
});
