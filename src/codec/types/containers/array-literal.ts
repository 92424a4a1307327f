// PostgreSQL's array literal, the text format of arrays: '{1,2,3}', '{{a,"b c"},{NULL,"\"q\""}}',
// '[0:2]={x,y,z}'. Parsed as the server's array_in reads it: optional dimension decorations, braces
// per dimension, elements split on the element type's delimiter (',' for all but box, which uses
// ';'), whitespace around elements ignored, "double quotes" protecting special characters,
// backslash escaping any character, and an unquoted NULL being a NULL element.

import { DecodeError } from '../../errors/client-errors.js';
import { MAX_ARRAY_DIMENSIONS } from './array-shape.js';

/** An array literal read into nested JS arrays. */
export interface ParsedArray {
  value: unknown[];
  /** Length of each dimension ([] for the empty array). */
  dims: number[];
  /** Lower bound of each dimension (1 unless the literal says otherwise). */
  bounds: number[];
}

const isSpace = (ch: string | undefined): boolean => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\v' || ch === '\f';

class Reader {
  pos = 0;

  constructor(
    readonly text: string,
    readonly typeName: string,
  ) {}

  skipSpace(): void {
    while (isSpace(this.text[this.pos])) this.pos++;
  }

  fail(why: string): DecodeError {
    const shown = this.text.length > 80 ? `${this.text.slice(0, 80)}…` : this.text;
    return new DecodeError(`${this.typeName}: malformed array literal '${shown}' at position ${this.pos}: ${why}`);
  }

  expect(ch: string): void {
    if (this.text[this.pos] !== ch) throw this.fail(`expected '${ch}'`);
    this.pos++;
  }

  integer(): number {
    const match = /^[+-]?\d+/.exec(this.text.slice(this.pos, this.pos + 12));
    if (match === null) throw this.fail('expected an integer dimension bound');
    this.pos += match[0].length;
    return Number(match[0]);
  }
}

/** '[1:3][0:1]=' → explicit lower and upper bounds; none when the literal has no decoration. */
function readDecoration(reader: Reader): { lower: number[]; upper: number[] } | undefined {
  if (reader.text[reader.pos] !== '[') return undefined;
  const lower: number[] = [];
  const upper: number[] = [];
  while (reader.text[reader.pos] === '[') {
    reader.pos++;
    reader.skipSpace();
    let first = reader.integer();
    reader.skipSpace();
    let second = first;
    if (reader.text[reader.pos] === ':') {
      reader.pos++;
      reader.skipSpace();
      second = reader.integer();
      reader.skipSpace();
    } else {
      // '[3]' means '[1:3]'.
      second = first;
      first = 1;
    }
    reader.expect(']');
    lower.push(first);
    upper.push(second);
    reader.skipSpace();
  }
  reader.expect('=');
  return { lower, upper };
}

/** One element's text (null for an unquoted NULL), leaving the reader on the delimiter or '}'. */
function readElement(reader: Reader, delimiter: string): string | null {
  const { text } = reader;
  if (text[reader.pos] === '"') {
    reader.pos++;
    let result = '';
    for (;;) {
      const ch = text[reader.pos];
      if (ch === undefined) throw reader.fail('unterminated quoted element');
      reader.pos++;
      if (ch === '"') break;
      if (ch === '\\') {
        if (reader.pos >= text.length) throw reader.fail('unexpected end after a backslash');
        result += text[reader.pos++];
      } else {
        result += ch;
      }
    }
    reader.skipSpace();
    return result;
  }
  let result = '';
  let escaped = false;
  // Trailing whitespace is dropped unless a backslash kept it.
  let keep = 0;
  for (;;) {
    const ch = text[reader.pos];
    if (ch === undefined) throw reader.fail('unexpected end inside an element');
    if (ch === delimiter || ch === '}') break;
    if (ch === '{' || ch === '"') throw reader.fail(`unexpected '${ch}' inside an unquoted element`);
    reader.pos++;
    if (ch === '\\') {
      if (reader.pos >= text.length) throw reader.fail('unexpected end after a backslash');
      result += text[reader.pos++];
      escaped = true;
      keep = result.length;
    } else {
      result += ch;
      if (!isSpace(ch)) keep = result.length;
    }
  }
  result = result.slice(0, keep);
  if (result.length === 0) throw reader.fail('empty unquoted element');
  if (!escaped && result.length === 4 && result.toUpperCase() === 'NULL') return null;
  return result;
}

/** The elements between '{' and its '}', nested; `depth` is the current nesting level. */
function readLevel(reader: Reader, delimiter: string, depth: number, convert: (text: string) => unknown, leafDepths: Set<number>): unknown[] {
  if (depth >= MAX_ARRAY_DIMENSIONS) throw reader.fail(`more than ${MAX_ARRAY_DIMENSIONS} dimensions`);
  reader.expect('{');
  reader.skipSpace();
  const items: unknown[] = [];
  if (reader.text[reader.pos] === '}') {
    reader.pos++;
    return items;
  }
  for (;;) {
    reader.skipSpace();
    if (reader.text[reader.pos] === '{') {
      items.push(readLevel(reader, delimiter, depth + 1, convert, leafDepths));
      reader.skipSpace();
    } else {
      const element = readElement(reader, delimiter);
      leafDepths.add(depth);
      items.push(element === null ? null : convert(element));
    }
    const ch = reader.text[reader.pos];
    reader.pos++;
    if (ch === '}') return items;
    if (ch !== delimiter) throw reader.fail(`expected '${delimiter}' or '}'`);
  }
}

function checkRectangular(reader: Reader, value: unknown[], dims: number[], level: number): void {
  if (value.length !== dims[level]) throw reader.fail('sub-arrays of a multi-dimensional array must have matching lengths');
  if (level + 1 < dims.length) for (const item of value) checkRectangular(reader, item as unknown[], dims, level + 1);
}

/** Parse `text`, turning each non-NULL element's text into a value with `convert`. */
export function parseArrayLiteral(text: string, delimiter: string, typeName: string, convert: (text: string) => unknown): ParsedArray {
  const reader = new Reader(text, typeName);
  reader.skipSpace();
  const decoration = readDecoration(reader);
  reader.skipSpace();
  const leafDepths = new Set<number>();
  const value = readLevel(reader, delimiter, 0, convert, leafDepths);
  reader.skipSpace();
  if (reader.pos !== text.length) throw reader.fail('unexpected text after the closing brace');
  if (leafDepths.size > 1) throw reader.fail('elements at different nesting depths');
  const dims: number[] = [];
  // '{{},{}}' has braces but no elements: the server reads it as the empty array too.
  if (leafDepths.size === 0) value.length = 0;
  if (value.length > 0) {
    const ndim = [...leafDepths][0] + 1;
    for (let level: unknown = value; dims.length < ndim; level = (level as unknown[])[0]) dims.push((level as unknown[]).length);
    checkRectangular(reader, value, dims, 0);
  }
  const bounds = dims.map(() => 1);
  if (decoration !== undefined) {
    if (decoration.lower.length !== dims.length) throw reader.fail(`the decoration gives ${decoration.lower.length} dimension(s), the braces ${dims.length}`);
    for (let d = 0; d < dims.length; d++) {
      if (decoration.upper[d] - decoration.lower[d] + 1 !== dims[d]) throw reader.fail(`dimension ${d + 1} holds ${dims[d]} element(s), not what its bounds say`);
      bounds[d] = decoration.lower[d];
    }
  }
  return { value, dims, bounds };
}

/** An element quoted so that the server reads it back exactly (quotes are always safe). */
export function quoteArrayElement(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * The literal of a rectangular JS array whose shape was checked (see arrayShape): elements become
 * text with `elementText` (null is NULL), bounds other than 1 become a decoration.
 */
export function formatArrayLiteral(
  value: ArrayLike<unknown>,
  dims: readonly number[],
  bounds: readonly number[] | undefined,
  delimiter: string,
  elementText: (item: unknown, path: number[]) => string,
): string {
  if (dims.length === 0 || dims.includes(0)) return '{}';
  const decoration = bounds === undefined || bounds.every((bound) => bound === 1) ? '' : `${bounds.map((lower, d) => `[${lower}:${lower + dims[d] - 1}]`).join('')}=`;
  const level = (items: ArrayLike<unknown>, depth: number, path: number[]): string => {
    const parts = new Array<string>(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (depth < dims.length - 1) parts[i] = level(item as ArrayLike<unknown>, depth + 1, [...path, i]);
      else parts[i] = item === null ? 'NULL' : quoteArrayElement(elementText(item, [...path, i]));
    }
    return `{${parts.join(delimiter)}}`;
  };
  return decoration + level(value, 0, []);
}
