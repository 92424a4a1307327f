// Fuzzing every built-in binary type decoder with random bytes and mutated real values
// (corpus/*.bin), under several type options: a value or a DecodeError, never another error.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codecFor } from '../../../src/codec/types/registry.js';
import * as oids from '../../../src/codec/types/oids.js';
import { expectTyped, fuzz, mutated, optionSets, seedValues } from './fuzz-support.js';

const typeOids = [...new Set((Object.values(oids) as unknown[]).filter((v): v is number => typeof v === 'number'))]
  .filter((oid) => optionSets.some((options) => codecFor(oid, options) !== undefined && codecFor(oid, options)!.format !== 'text'));

describe('fuzzing the binary type decoders', () => {
  it('covers every built-in type with a binary codec', () => {
    expect(typeOids.length).toBeGreaterThan(60);
  });

  it('decodes any bytes as a value or a DecodeError', () => {
    const noise = [new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23, 0, 0, 0, 1, 0, 0, 0, 1)];
    const input = fc.tuple(fc.constantFrom(...typeOids), fc.nat(optionSets.length - 1))
      .chain(([oid, options]) => mutated(seedValues.get(oid) ?? noise, 3).map((bytes) => ({ oid, options: optionSets[options], bytes })));
    const executions = fuzz('type decoders', input, ({ oid, options, bytes }) => {
      const codec = codecFor(oid, options);
      if (codec === undefined || codec.format === 'text') return;
      // The value sits inside a larger buffer, as in a DataRow: reading past its length must not pass unnoticed.
      const chunk = new Uint8Array(bytes.length + 16).fill(0x7f);
      chunk.set(bytes, 8);
      expectTyped(() => codec.decode(chunk, new DataView(chunk.buffer), 8, bytes.length));
    }, 1200);
    expect(executions).toBeGreaterThan(0);
  });
});
