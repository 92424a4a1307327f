// Geometric types: every coordinate is a float8, sent in the order PostgreSQL stores it.
// NaN, ±Infinity and -0 pass through unchanged in both directions.

import type { BufferWriter } from '../buffer/writer.js';
import { DecodeError } from '../errors/client-errors.js';
import type { TypeCodec } from './codec.js';
import { badLength, rejectValue } from './describe.js';
import { BOX, CIRCLE, LINE, LSEG, PATH, POINT, POLYGON } from './oids.js';

export interface Point {
  x: number;
  y: number;
}

/** The line a·x + b·y + c = 0 (PostgreSQL's `{A,B,C}`). */
export interface Line {
  a: number;
  b: number;
  c: number;
}

/** A line segment: its two end points. */
export type LineSegment = [Point, Point];

/** A box as PostgreSQL stores it: the upper-right corner, then the lower-left one. */
export type Box = [Point, Point];

export interface Path {
  closed: boolean;
  points: Point[];
}

/** A polygon: its vertices. */
export type Polygon = Point[];

export interface Circle {
  x: number;
  y: number;
  radius: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isPoint(value: unknown): value is Point {
  return isRecord(value) && typeof value.x === 'number' && typeof value.y === 'number';
}

function isPointPair(value: unknown): value is [Point, Point] {
  return Array.isArray(value) && value.length === 2 && isPoint(value[0]) && isPoint(value[1]);
}

function readPoint(view: DataView, at: number): Point {
  return { x: view.getFloat64(at), y: view.getFloat64(at + 8) };
}

function writePoint(out: BufferWriter, p: Point): void {
  out.f64(p.x).f64(p.y);
}

/** A point list's count and byte size, checked against the field length. */
function pointCount(type: string, view: DataView, at: number, headerSize: number, length: number): number {
  if (length < headerSize) throw new DecodeError(`${type}: binary value too short (${length} bytes)`);
  const count = view.getInt32(at);
  if (count < 0 || length !== headerSize + count * 16) {
    throw new DecodeError(`${type}: ${count} points do not fit a ${length}-byte value`);
  }
  return count;
}

function readPoints(view: DataView, at: number, count: number): Point[] {
  const points: Point[] = new Array(count);
  for (let i = 0; i < count; i++) points[i] = readPoint(view, at + i * 16);
  return points;
}

const POINTS_ACCEPTS = 'a non-empty array of { x: number, y: number }';

function writePoints(out: BufferWriter, points: unknown, value: unknown): void {
  // The server rejects an empty path or polygon (npts <= 0).
  if (!Array.isArray(points) || points.length === 0 || !points.every(isPoint)) throw rejectValue(POINTS_ACCEPTS, value);
  out.i32(points.length);
  for (const p of points) writePoint(out, p);
}

export const pointCodec: TypeCodec<Point> = {
  oid: POINT,
  name: 'point',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): Point {
    if (length !== 16) throw badLength('point', 16, length);
    return readPoint(view, start);
  },
  encode(value: unknown, out: BufferWriter): void {
    if (!isPoint(value)) throw rejectValue('a point { x: number, y: number }', value);
    writePoint(out, value);
  },
};

export const lineCodec: TypeCodec<Line> = {
  oid: LINE,
  name: 'line',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): Line {
    if (length !== 24) throw badLength('line', 24, length);
    return { a: view.getFloat64(start), b: view.getFloat64(start + 8), c: view.getFloat64(start + 16) };
  },
  encode(value: unknown, out: BufferWriter): void {
    if (!isRecord(value) || typeof value.a !== 'number' || typeof value.b !== 'number' || typeof value.c !== 'number') {
      throw rejectValue('a line { a: number, b: number, c: number } (a·x + b·y + c = 0)', value);
    }
    out.f64(value.a).f64(value.b).f64(value.c);
  },
};

function pairCodec(oid: number, name: string, accepts: string): TypeCodec<[Point, Point]> {
  return {
    oid,
    name,
    decode(_bytes: Uint8Array, view: DataView, start: number, length: number): [Point, Point] {
      if (length !== 32) throw badLength(name, 32, length);
      return [readPoint(view, start), readPoint(view, start + 16)];
    },
    encode(value: unknown, out: BufferWriter): void {
      if (!isPointPair(value)) throw rejectValue(accepts, value);
      writePoint(out, value[0]);
      writePoint(out, value[1]);
    },
  };
}

export const lsegCodec: TypeCodec<LineSegment> = pairCodec(LSEG, 'lseg', 'a line segment [{ x, y }, { x, y }]');
// The server reorders the corners on receipt, so any two opposite corners may be sent.
export const boxCodec: TypeCodec<Box> = pairCodec(BOX, 'box', 'a box [{ x, y }, { x, y }] (two opposite corners)');

export const pathCodec: TypeCodec<Path> = {
  oid: PATH,
  name: 'path',
  decode(bytes: Uint8Array, view: DataView, start: number, length: number): Path {
    const count = pointCount('path', view, start + 1, 5, length);
    return { closed: bytes[start] !== 0, points: readPoints(view, start + 5, count) };
  },
  encode(value: unknown, out: BufferWriter): void {
    if (!isRecord(value) || typeof value.closed !== 'boolean') {
      throw rejectValue('a path { closed: boolean, points: [{ x, y }, …] } with at least one point', value);
    }
    out.u8(value.closed ? 1 : 0);
    writePoints(out, value.points, value);
  },
};

export const polygonCodec: TypeCodec<Polygon> = {
  oid: POLYGON,
  name: 'polygon',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): Polygon {
    const count = pointCount('polygon', view, start, 4, length);
    return readPoints(view, start + 4, count);
  },
  encode(value: unknown, out: BufferWriter): void {
    writePoints(out, value, value);
  },
};

export const circleCodec: TypeCodec<Circle> = {
  oid: CIRCLE,
  name: 'circle',
  decode(_bytes: Uint8Array, view: DataView, start: number, length: number): Circle {
    if (length !== 24) throw badLength('circle', 24, length);
    return { x: view.getFloat64(start), y: view.getFloat64(start + 8), radius: view.getFloat64(start + 16) };
  },
  encode(value: unknown, out: BufferWriter): void {
    // The server rejects a negative radius (NaN passes, as in PostgreSQL).
    if (!isRecord(value) || typeof value.x !== 'number' || typeof value.y !== 'number' || typeof value.radius !== 'number' || value.radius < 0) {
      throw rejectValue('a circle { x: number, y: number, radius: number } with radius >= 0', value);
    }
    out.f64(value.x).f64(value.y).f64(value.radius);
  },
};
