import { describe, expect, it } from 'vitest';
import { DecodeError, ParameterError } from '../../../src/codec/errors/client-errors.js';
import { JsonText } from '../../../src/codec/types/json.js';
import * as oids from '../../../src/codec/types/oids.js';
import { decodeText } from '../../../src/codec/types/text.js';
import { codec, decode, encode, roundTrip } from './helpers.js';

const utf8 = (s: string): number[] => Array.from(new TextEncoder().encode(s));

describe('decodeText', () => {
  it('decodes ASCII and multi-byte UTF-8 at an offset', () => {
    const bytes = new Uint8Array([0, ...utf8('héllo ✓ 𝄞'), 0]);
    expect(decodeText(bytes, 1, bytes.length - 2)).toBe('héllo ✓ 𝄞');
    expect(decodeText(bytes, 1, 1)).toBe('h');
    expect(decodeText(bytes, 1, 0)).toBe('');
    const long = 'x'.repeat(100);
    expect(decodeText(new Uint8Array(utf8(long)), 0, 100)).toBe(long);
  });
});

describe('text types', () => {
  for (const oid of [oids.TEXT, oids.VARCHAR, oids.BPCHAR, oids.NAME, oids.UNKNOWN]) {
    const c = codec(oid);
    it(`${c.name} is the UTF-8 bytes`, () => {
      expect(encode(c, 'é✓')).toEqual(utf8('é✓'));
      expect(decode(c, utf8('é✓'))).toBe('é✓');
      expect(roundTrip(c, '')).toBe('');
    });
    it(`${c.name} rejects non-strings and NUL`, () => {
      expect(() => encode(c, 5)).toThrow("expected a string, got number 5");
      expect(() => encode(c, { toString: () => 'x' })).toThrow(ParameterError);
      expect(() => encode(c, 'a\u0000b')).toThrow(/NUL/);
    });
  }
});

describe('"char"', () => {
  const c = codec(oids.CHAR);
  it('is one byte', () => {
    expect(encode(c, 'a')).toEqual([0x61]);
    expect(encode(c, '')).toEqual([0]);
    expect(decode(c, [0x61])).toBe('a');
    expect(decode(c, [0])).toBe('');
  });
  it('uses the \\ooo form for bytes with the high bit set, as PostgreSQL prints them', () => {
    expect(decode(c, [0xe9])).toBe('\\351');
    expect(encode(c, '\\351')).toEqual([0xe9]);
  });
  it('rejects longer strings and non-ASCII', () => {
    expect(() => encode(c, 'ab')).toThrow(ParameterError);
    expect(() => encode(c, 'é')).toThrow(ParameterError);
    expect(() => encode(c, 97)).toThrow(ParameterError);
    expect(() => decode(c, [1, 2])).toThrow(DecodeError);
  });
});

describe('bytea', () => {
  it('decodes to a copy, never a view of the input', () => {
    const c = codec(oids.BYTEA);
    const source = new Uint8Array([9, 1, 2, 3, 9]);
    const view = new DataView(source.buffer);
    const value = c.decode(source, view, 1, 3) as Uint8Array;
    expect(value).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(value)).toBe(false);
    expect(Array.from(value)).toEqual([1, 2, 3]);
    source[1] = 77;
    expect(value[0]).toBe(1);
    expect(value.byteOffset).toBe(0);
    // Socket chunks are Buffers: the result must still be a plain Uint8Array.
    const chunk = Buffer.from([9, 1, 2, 3, 9]);
    const fromChunk = c.decode(chunk, new DataView(chunk.buffer, chunk.byteOffset, chunk.length), 1, 3);
    expect(Buffer.isBuffer(fromChunk)).toBe(false);
  });
  it("'Buffer' mode decodes to a Buffer copy", () => {
    const c = codec(oids.BYTEA, { bytea: 'Buffer' });
    const source = new Uint8Array([1, 2, 3]);
    const value = c.decode(source, new DataView(source.buffer), 0, 3) as Buffer;
    expect(Buffer.isBuffer(value)).toBe(true);
    source[0] = 9;
    expect(value[0]).toBe(1);
  });
  it('encodes Uint8Array, Buffer, ArrayBuffer and other views', () => {
    const c = codec(oids.BYTEA);
    expect(encode(c, new Uint8Array([1, 2]))).toEqual([1, 2]);
    expect(encode(c, Buffer.from([3, 4]))).toEqual([3, 4]);
    expect(encode(c, new Uint8Array([5, 6]).buffer)).toEqual([5, 6]);
    expect(encode(c, new Uint16Array([0x0102]).subarray(0))).toHaveLength(2);
    const backing = new Uint8Array([0, 7, 8, 0]);
    expect(encode(c, new DataView(backing.buffer, 1, 2))).toEqual([7, 8]);
    expect(encode(c, new Uint8Array(0))).toEqual([]);
  });
  it('rejects strings and arrays', () => {
    const c = codec(oids.BYTEA);
    expect(() => encode(c, 'abc')).toThrow(ParameterError);
    expect(() => encode(c, [1, 2])).toThrow(/got object Array/);
  });
});

describe('uuid', () => {
  const c = codec(oids.UUID);
  const bytes = [0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11];
  it('decodes to lower-case 8-4-4-4-12', () => {
    expect(decode(c, bytes)).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
  });
  it('encodes every spelling PostgreSQL accepts', () => {
    for (const text of [
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
      '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
      'a0eebc999c0b4ef8bb6d6bb9bd380a11',
      'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11',
      '{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}',
    ]) {
      expect(encode(c, text), text).toEqual(bytes);
    }
  });
  it('rejects malformed UUIDs', () => {
    for (const text of ['', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11', 'g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'a0e-ebc99-9c0b-4ef8-bb6d-6bb9bd380a11']) {
      expect(() => encode(c, text), text).toThrow(ParameterError);
    }
    expect(() => encode(c, 5)).toThrow(ParameterError);
    expect(() => decode(c, bytes.slice(1))).toThrow(DecodeError);
  });
});

describe('json / jsonb', () => {
  const json = codec(oids.JSON);
  const jsonb = codec(oids.JSONB);
  it('json is UTF-8 text; jsonb adds version byte 1', () => {
    expect(encode(json, { a: 1 })).toEqual(utf8('{"a":1}'));
    expect(encode(jsonb, { a: 1 })).toEqual([1, ...utf8('{"a":1}')]);
    expect(decode(json, utf8('{"a": [1, "é"]}'))).toEqual({ a: [1, 'é'] });
    expect(decode(jsonb, [1, ...utf8('{"a": null}')])).toEqual({ a: null });
  });
  it('stringifies strings rather than sending them as JSON text', () => {
    expect(encode(json, 'abc')).toEqual(utf8('"abc"'));
    expect(encode(json, null)).toEqual(utf8('null'));
  });
  it('sends JsonText verbatim', () => {
    expect(encode(json, new JsonText('{"a": 1}'))).toEqual(utf8('{"a": 1}'));
    expect(encode(jsonb, new JsonText('[1]'))).toEqual([1, ...utf8('[1]')]);
  });
  it("'string' mode returns the raw text and sends strings as JSON text", () => {
    const jsonText = codec(oids.JSON, { json: 'string' });
    const jsonbText = codec(oids.JSONB, { json: 'string' });
    expect(decode(jsonText, utf8('{"a":  1}'))).toBe('{"a":  1}');
    expect(decode(jsonbText, [1, ...utf8('[1, 2]')])).toBe('[1, 2]');
    expect(encode(jsonText, '{"a":  1}')).toEqual(utf8('{"a":  1}'));
    expect(encode(jsonbText, '[1, 2]')).toEqual([1, ...utf8('[1, 2]')]);
    expect(encode(jsonbText, { a: 1 })).toEqual([1, ...utf8('{"a":1}')]);
  });
  it('rejects values JSON cannot represent', () => {
    expect(() => encode(json, undefined)).toThrow(ParameterError);
    expect(() => encode(json, () => 1)).toThrow(ParameterError);
    expect(() => encode(json, { n: 1n })).toThrow(/bigint/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encode(jsonb, cyclic)).toThrow(ParameterError);
  });
  it('rejects an unknown jsonb version and invalid JSON', () => {
    expect(() => decode(jsonb, [2, ...utf8('{}')])).toThrow(DecodeError);
    expect(() => decode(jsonb, [])).toThrow(DecodeError);
    expect(() => decode(json, utf8('{'))).toThrow(DecodeError);
  });
});
