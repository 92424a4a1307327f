// The type helpers docs/types.md lists under Exports are importable from the package index.

import { describe, expect, it } from 'vitest';
import { codecFor, defaultTypeOptions, oids, typeNameFor, type TypeCodec, type TypeOptions } from '../../src/main/index.js';

/** One binary value through a codec's decode, as the engine calls it. */
function decodeWith(codec: TypeCodec, bytes: Uint8Array): unknown {
  return codec.decode(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, bytes.length);
}

describe('type exports of pgloom', () => {
  it('oids holds the built-in OIDs and the array map', () => {
    expect([oids.BOOL, oids.INT4, oids.INT8, oids.TEXT, oids.TIMESTAMPTZ, oids.INT4_ARRAY, oids.VOID]).toEqual([16, 23, 20, 25, 1184, 1007, 2278]);
    expect(oids.ARRAY_TYPE_OF.get(oids.INT4)).toBe(oids.INT4_ARRAY);
  });

  it('defaultTypeOptions are the documented defaults, frozen', () => {
    expect(defaultTypeOptions).toEqual({ int8: 'bigint', numeric: 'string', date: 'string', timestamp: 'Date', time: 'string', interval: 'object', json: 'parse', bytea: 'Uint8Array', hstore: 'object' });
    expect(Object.isFrozen(defaultTypeOptions)).toBe(true);
  });

  it('codecFor decodes a binary value under the options given', () => {
    const eight = new Uint8Array([0, 0, 0, 0, 0, 0, 1, 0]);
    const asNumber: TypeOptions = { int8: 'number' };
    expect(decodeWith(codecFor(oids.INT8, defaultTypeOptions)!, eight)).toBe(256n);
    expect(decodeWith(codecFor(oids.INT8, asNumber)!, eight)).toBe(256);
    expect(decodeWith(codecFor(oids.VOID, {})!, new Uint8Array(0))).toBeNull();
    expect(codecFor(1033, {})).toBeUndefined(); // aclitem: no binary I/O, read as text
    expect(typeNameFor(oids.TIMESTAMPTZ)).toBe('timestamptz');
  });
});
