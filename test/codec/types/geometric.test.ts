import { describe, expect, it } from 'vitest';
import { DecodeError, ParameterError } from '../../../src/codec/errors/client-errors.js';
import * as oids from '../../../src/codec/types/oids.js';
import { be32, codec, decode, encode, roundTrip } from './helpers.js';

function f64(...values: number[]): number[] {
  const view = new DataView(new ArrayBuffer(8 * values.length));
  values.forEach((v, i) => view.setFloat64(8 * i, v));
  return Array.from(new Uint8Array(view.buffer));
}

describe('geometric types', () => {
  it('point is two float8s, keeping NaN, infinities and -0', () => {
    const c = codec(oids.POINT);
    expect(encode(c, { x: 1.5, y: -2 })).toEqual(f64(1.5, -2));
    const back = roundTrip(c, { x: -0, y: NaN }) as { x: number; y: number };
    expect(Object.is(back.x, -0)).toBe(true);
    expect(back.y).toBeNaN();
    expect(decode(c, f64(Infinity, -Infinity))).toEqual({ x: Infinity, y: -Infinity });
    expect(() => encode(c, { x: 1 })).toThrow(ParameterError);
    expect(() => encode(c, [1, 2])).toThrow(ParameterError);
    expect(() => decode(c, f64(1))).toThrow(DecodeError);
  });
  it('line is {a, b, c}', () => {
    const c = codec(oids.LINE);
    expect(encode(c, { a: 1, b: 2, c: 3 })).toEqual(f64(1, 2, 3));
    expect(decode(c, f64(0, -1, 0.5))).toEqual({ a: 0, b: -1, c: 0.5 });
    expect(() => encode(c, { a: 1, b: 2, c: '3' })).toThrow(ParameterError);
  });
  it('lseg and box are two points in stored order', () => {
    for (const oid of [oids.LSEG, oids.BOX]) {
      const c = codec(oid);
      const pair = [{ x: 3, y: 4 }, { x: 1, y: 2 }];
      expect(encode(c, pair)).toEqual(f64(3, 4, 1, 2));
      expect(roundTrip(c, pair)).toEqual(pair);
      expect(() => encode(c, [{ x: 1, y: 2 }])).toThrow(ParameterError);
    }
  });
  it('path has a closed flag byte and a point count', () => {
    const c = codec(oids.PATH);
    const path = { closed: true, points: [{ x: 1, y: 2 }, { x: 3, y: 4 }] };
    expect(encode(c, path)).toEqual([1, ...be32(2), ...f64(1, 2, 3, 4)]);
    expect(decode(c, [0, ...be32(1), ...f64(5, 6)])).toEqual({ closed: false, points: [{ x: 5, y: 6 }] });
    expect(() => encode(c, { closed: false, points: [] })).toThrow(ParameterError);
    expect(() => encode(c, { points: [{ x: 1, y: 2 }] })).toThrow(ParameterError);
    expect(() => decode(c, [0, ...be32(2), ...f64(5, 6)])).toThrow(DecodeError);
  });
  it('polygon is a point count and points', () => {
    const c = codec(oids.POLYGON);
    const polygon = [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 0, y: 1 }];
    expect(encode(c, polygon)).toEqual([...be32(3), ...f64(0, 0, 1, 0, 0, 1)]);
    expect(roundTrip(c, polygon)).toEqual(polygon);
    expect(() => encode(c, [])).toThrow(ParameterError);
    expect(() => decode(c, [...be32(-1)])).toThrow(DecodeError);
  });
  it('circle is center and radius; a negative radius is refused', () => {
    const c = codec(oids.CIRCLE);
    expect(encode(c, { x: 1, y: 2, radius: 3 })).toEqual(f64(1, 2, 3));
    expect(decode(c, f64(1, 2, 0))).toEqual({ x: 1, y: 2, radius: 0 });
    expect(() => encode(c, { x: 1, y: 2, radius: -1 })).toThrow(ParameterError);
  });
});
