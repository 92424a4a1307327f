import { describe, expect, it } from 'vitest';
import { BufferWriter } from '../../../src/codec/buffer/writer.js';
import { beginBind, parseParameterDescription, placeholderPastLimitIn } from '../../../src/codec/protocol/index.js';
import { ParameterError } from '../../../src/codec/errors/client-errors.js';

/** A ParameterDescription payload as the server writes it: a 16-bit count (truncated), then every OID. */
function description(oids: number): Uint8Array {
  const bytes = new Uint8Array(2 + 4 * oids);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, oids & 0xffff);
  for (let i = 0; i < oids; i++) view.setUint32(2 + 4 * i, 23);
  return bytes;
}

describe('the 65,535-parameter limit', () => {
  it('ParameterDescription counts the OIDs sent when the 16-bit count wrapped', () => {
    expect(parseParameterDescription(description(3), 0, 14)).toEqual([23, 23, 23]);
    expect(parseParameterDescription(description(65535), 0, 2 + 4 * 65535)).toHaveLength(65535);
    expect(parseParameterDescription(description(65536), 0, 2 + 4 * 65536)).toHaveLength(65536);
    expect(parseParameterDescription(description(65537), 0, 2 + 4 * 65537)).toHaveLength(65537);
  });

  it('Bind refuses 65,536 values and writes nothing', () => {
    const out = new BufferWriter(16);
    expect(() => beginBind(out, '', '', [], 65536)).toThrow(ParameterError);
    expect(() => beginBind(out, '', '', [], 65536)).toThrow(/65,536 parameters given, but a PostgreSQL statement takes at most 65,535/);
    expect(out.length).toBe(0);
  });

  it('finds the highest placeholder past the limit in a statement text', () => {
    expect(placeholderPastLimitIn('select $1, $65535')).toBeUndefined();
    expect(placeholderPastLimitIn('select $65536, $70000, $2')).toBe(70000);
  });
});
