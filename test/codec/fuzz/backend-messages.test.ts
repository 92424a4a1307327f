// Fuzzing the backend message framer and parsers with random and mutated real server streams
// (corpus/*.bin): they return, or throw a ProtocolError or DecodeError; never another error, a
// hang, or a buffer reserved beyond the bytes received.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageFramer } from '../../../src/codec/protocol/framer.js';
import {
  checkDataRow, parseAuthentication, parseBackendKeyData, parseCommandComplete, parseCopyResponse, parseErrorFields,
  parseNegotiateProtocolVersion, parseNotificationResponse, parseParameterDescription, parseParameterStatus,
  parseReadyForQuery, parseRowDescription,
} from '../../../src/codec/protocol/index.js';
import { corpusStreams, expectTyped, expectTypedAndBounded, fuzz, mutated, seedMessages } from './fuzz-support.js';

/** Parse one message as the engine would for its type. */
function parseAny(type: number, bytes: Uint8Array, start: number, end: number): unknown {
  switch (String.fromCharCode(type)) {
    case 'R': return parseAuthentication(bytes, start, end);
    case 'K': return parseBackendKeyData(bytes, start, end);
    case 'S': return parseParameterStatus(bytes, start, end);
    case 'Z': return parseReadyForQuery(bytes, start, end);
    case 'v': return parseNegotiateProtocolVersion(bytes, start, end);
    case 'A': return parseNotificationResponse(bytes, start, end);
    case 'T': return parseRowDescription(bytes, start, end);
    case 't': return parseParameterDescription(bytes, start, end);
    case 'C': return parseCommandComplete(bytes, start, end);
    case 'G': case 'H': case 'W': return parseCopyResponse(bytes, start, end);
    case 'E': case 'N': return parseErrorFields(bytes, start, end);
    case 'D': {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return checkDataRow(view, start, end, end - start >= 2 ? view.getInt16(start) : 0);
    }
    default: return undefined;
  }
}

const FRAMER_FIRST_BUFFER = 64 * 1024;

describe('fuzzing the backend message framer and parsers', () => {
  it('has a seed corpus of real server messages of many types', () => {
    const types = new Set(seedMessages.map((m) => String.fromCharCode(m.type)));
    for (const type of ['R', 'S', 'K', 'Z', 'T', 'D', 'C', 'E', 'N', 'A', '1', '2', 't']) expect(types, type).toContain(type);
  });

  it('frames any byte stream, cut anywhere, into messages or a typed error, reserving no more than it received', () => {
    const input = fc.tuple(mutated(corpusStreams, 6), fc.array(fc.nat(), { maxLength: 6 }));
    const executions = fuzz('framer+parsers (streams)', input, ([stream, cuts]) => {
      const framer = new MessageFramer((type, bytes, start, end) => {
        parseAny(type, bytes, start, end);
      });
      const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
      let received = 0;
      expectTyped(() => {
        let from = 0;
        for (const to of [...points, stream.length]) {
          framer.push(stream.subarray(from, to));
          received += to - from;
          from = to;
          // The incomplete message's buffer grows with the bytes: never its declared length up front.
          if (framer.reserved > Math.max(FRAMER_FIRST_BUFFER, 2 * received)) throw new Error(`framer reserved ${framer.reserved} bytes after receiving ${received}`);
        }
      });
    }, 1000);
    expect(executions).toBeGreaterThan(0);
  });

  it('parses any mutation of a real message into a value or a typed error', () => {
    const byType = new Map<number, Uint8Array[]>();
    for (const m of seedMessages) byType.set(m.type, [...(byType.get(m.type) ?? []), m.body]);
    const input = fc.constantFrom(...byType.keys()).chain((type) => mutated(byType.get(type)!).map((body) => [type, body] as const));
    const executions = fuzz('parsers (messages)', input, ([type, body]) => {
      // The body sits inside a larger buffer, as in a socket chunk: reading past `end` must not pass unnoticed.
      const chunk = new Uint8Array(body.length + 16).fill(0x41);
      chunk.set(body, 8);
      expectTypedAndBounded(body.length, () => parseAny(type, chunk, 8, 8 + body.length));
    }, 800);
    expect(executions).toBeGreaterThan(0);
  });
});
