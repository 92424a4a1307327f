import { describe, it, expect } from 'vitest';
import { MessageFramer } from '../../../src/codec/protocol/framer.js';
import { ProtocolError } from '../../../src/codec/errors/client-errors.js';

interface Seen {
  type: string;
  payload: number[];
}

/** A backend message built by hand: type byte, length (payload + 4), payload. */
function message(type: string, payload: number[]): number[] {
  const length = payload.length + 4;
  return [type.charCodeAt(0), (length >>> 24) & 255, (length >>> 16) & 255, (length >>> 8) & 255, length & 255, ...payload];
}

function collect(): { framer: MessageFramer; seen: Seen[] } {
  const seen: Seen[] = [];
  const framer = new MessageFramer((type, bytes, start, end) => {
    seen.push({ type: String.fromCharCode(type), payload: Array.from(bytes.subarray(start, end)) });
  });
  return { framer, seen };
}

const stream = [
  ...message('Z', [0x49]),
  ...message('C', Array.from(Buffer.from('SELECT 1\0'))),
  ...message('n', []),
  ...message('D', Array.from({ length: 300 }, (_, i) => i & 255)),
  ...message('Z', [0x54]),
];
const expected: Seen[] = [
  { type: 'Z', payload: [0x49] },
  { type: 'C', payload: Array.from(Buffer.from('SELECT 1\0')) },
  { type: 'n', payload: [] },
  { type: 'D', payload: Array.from({ length: 300 }, (_, i) => i & 255) },
  { type: 'Z', payload: [0x54] },
];

describe('MessageFramer', () => {
  it('delivers every message of one chunk', () => {
    const { framer, seen } = collect();
    framer.push(Uint8Array.from(stream));
    expect(seen).toEqual(expected);
    expect(framer.buffered).toBe(0);
  });

  it('is correct whichever byte a chunk boundary falls on, header bytes included', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const { framer, seen } = collect();
      framer.push(Uint8Array.from(stream.slice(0, cut)));
      framer.push(Uint8Array.from(stream.slice(cut)));
      expect(seen, `cut at ${cut}`).toEqual(expected);
    }
  });

  it('is correct when fed one byte at a time', () => {
    const { framer, seen } = collect();
    for (const byte of stream) framer.push(Uint8Array.of(byte));
    expect(seen).toEqual(expected);
  });

  it('is correct for random chunkings (fuzz)', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let round = 0; round < 500; round++) {
      const { framer, seen } = collect();
      let pos = 0;
      while (pos < stream.length) {
        const size = 1 + Math.floor(random() * 40);
        framer.push(Uint8Array.from(stream.slice(pos, pos + size)));
        pos += size;
      }
      expect(seen).toEqual(expected);
    }
  });

  it('delivers a message that spans many chunks intact', () => {
    const payload = Array.from({ length: 100_000 }, (_, i) => (i * 7) & 255);
    const bytes = Uint8Array.from(message('D', payload));
    const { framer, seen } = collect();
    for (let pos = 0; pos < bytes.length; pos += 1000) framer.push(bytes.subarray(pos, pos + 1000));
    expect(seen).toHaveLength(1);
    expect(seen[0].payload).toEqual(payload);
  });

  it('refuses a message declared larger than 1 GB before buffering it', () => {
    const { framer, seen } = collect();
    const header = Uint8Array.of(0x44, 0x40, 0x00, 0x00, 0x10);
    expect(() => framer.push(header)).toThrow(ProtocolError);
    expect(() => collect().framer.push(header)).toThrow(/over the 1073741824-byte limit/);
    expect(seen).toEqual([]);
  });

  it('refuses a length below 4, which no message can have', () => {
    const { framer } = collect();
    expect(() => framer.push(Uint8Array.of(0x5a, 0, 0, 0, 3))).toThrow(/below the minimum of 4/);
  });

  it('refuses an oversized header even when it arrives split', () => {
    const { framer } = collect();
    framer.push(Uint8Array.of(0x44, 0x7f));
    expect(() => framer.push(Uint8Array.of(0xff, 0xff, 0xff))).toThrow(ProtocolError);
  });

  it('reserves memory as bytes arrive, not the declared length up front', () => {
    const { framer, seen } = collect();
    const before = process.memoryUsage().arrayBuffers;
    // A header declaring just under the 1 GB cap, and the first 100 bytes of its body.
    framer.push(Uint8Array.of(0x44, 0x3f, 0xff, 0xff, 0xf0, ...new Array<number>(100).fill(7)));
    const grew = process.memoryUsage().arrayBuffers - before;
    expect(grew).toBeLessThan(1024 * 1024);
    expect(framer.buffered).toBe(105);
    expect(seen).toEqual([]);
  });

  it('delivers a multi-megabyte message grown across many chunks intact, copying it a few times only', () => {
    const payload = Uint8Array.from({ length: 3_000_000 }, (_, i) => (i * 13) & 255);
    const bytes = Uint8Array.from(message('D', Array.from(payload)));
    const received: Uint8Array[] = [];
    const framer = new MessageFramer((_type, data, start, end) => received.push(data.slice(start, end)));
    const sizes: number[] = [];
    for (let pos = 0; pos < bytes.length; pos += 65_536) {
      framer.push(bytes.subarray(pos, pos + 65_536));
      if (framer.buffered > 0) sizes.push(framer.reserved);
    }
    expect(received).toHaveLength(1);
    expect(Buffer.compare(received[0], payload)).toBe(0);
    // Doubling: each size at least twice the previous, never past the message.
    const distinct = [...new Set(sizes)];
    expect(distinct.length).toBeLessThan(10);
    expect(Math.max(...distinct)).toBeLessThanOrEqual(bytes.length);
  });

  it('reuses its carry-over buffer for the next split message, and every message still arrives intact', () => {
    // DataRows split across 64 KB reads, as a large result arrives.
    const rows = Array.from({ length: 40 }, (_, r) => Array.from({ length: 9_000 }, (_, i) => (i * 31 + r) & 255));
    const bytes = Uint8Array.from(rows.flatMap((payload) => message('D', payload)));
    const chunks = new Set<Uint8Array>();
    const carriers = new Set<Uint8Array>();
    const payloads: number[][] = [];
    const framer = new MessageFramer((_type, data, start, end) => {
      payloads.push(Array.from(data.subarray(start, end)));
      if (!chunks.has(data)) carriers.add(data);
    });
    let splits = 0;
    for (let pos = 0; pos < bytes.length; pos += 65_536) {
      const chunk = bytes.subarray(pos, pos + 65_536);
      chunks.add(chunk);
      framer.push(chunk);
      if (framer.buffered > 0) splits++;
    }
    expect(payloads).toEqual(rows);
    expect(splits).toBeGreaterThan(3);
    // Every split message was assembled in the same buffer.
    expect(carriers.size).toBe(1);
  });

  it('lets go of a carry-over buffer over 256 KB once its message is delivered', () => {
    const payload = Array.from({ length: 300_000 }, (_, i) => i & 255);
    const bytes = Uint8Array.from(message('D', payload));
    const { framer, seen } = collect();
    for (let pos = 0; pos < bytes.length; pos += 65_536) framer.push(bytes.subarray(pos, pos + 65_536));
    expect(seen[0].payload).toEqual(payload);
    expect(framer.reserved).toBe(0);
  });
});
