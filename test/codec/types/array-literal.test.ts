// Array literals (the text format of arrays) read as the server's array_in reads them, and written
// so that it reads them back. The integration tests check the same against a real server.

import { describe, expect, it } from 'vitest';
import { DecodeError, ParameterError } from '../../../src/codec/errors/client-errors.js';
import { formatArrayLiteral, parseArrayLiteral } from '../../../src/codec/types/containers/array-literal.js';
import { arrayShape } from '../../../src/codec/types/containers/array-shape.js';
import { arrayLowerBounds } from '../../../src/codec/types/containers/array.js';
import { plainTextForm, textArrayCodec } from '../../../src/codec/types/containers/text-array.js';
import { decode, encode } from './helpers.js';

const parse = (text: string, delimiter = ',') => parseArrayLiteral(text, delimiter, 'test[]', (element) => element);
const utf8 = (text: string) => [...Buffer.from(text, 'utf8')];

describe('parseArrayLiteral', () => {
  it('reads elements, NULLs and quoting as array_in does', () => {
    expect(parse('{}')).toEqual({ value: [], dims: [], bounds: [] });
    expect(parse(' {1,2,3} ').value).toEqual(['1', '2', '3']);
    // Unquoted NULL in any case is NULL; quoted or escaped it is the word.
    expect(parse('{NULL,null,"NULL",\\NULL}').value).toEqual([null, null, 'NULL', 'NULL']);
    // Whitespace around elements is dropped, inside them kept, and kept when escaped.
    expect(parse('{ a b , "  c " ,d\\ }').value).toEqual(['a b', '  c ', 'd ']);
    expect(parse('{"a\\"b","c\\\\d","{x,y}",""}').value).toEqual(['a"b', 'c\\d', '{x,y}', '']);
    expect(parse('{"🦄 ü"}').value).toEqual(['🦄 ü']);
  });

  it('reads nested dimensions and explicit bounds', () => {
    expect(parse('{{a,b},{c,NULL}}')).toEqual({ value: [['a', 'b'], ['c', null]], dims: [2, 2], bounds: [1, 1] });
    expect(parse('[0:1][-1:0]={{a,b},{c,d}}').bounds).toEqual([0, -1]);
    expect(parse('[3]={x,y,z}').bounds).toEqual([1]);
    expect(parse('{{},{}}').value).toEqual([]);
  });

  it("splits on the element type's delimiter (box uses ';')", () => {
    expect(parse('{(1,1),(0,0);(3,3),(2,2)}', ';').value).toEqual(['(1,1),(0,0)', '(3,3),(2,2)']);
  });

  it('refuses malformed literals with a DecodeError that shows the literal', () => {
    for (const bad of ['{a,b', '{{a},b}', '{{a},{b,c}}', '[1:2]={a}', '{a,}', 'a', '{a} x', '{"a}', '{a"b}', '[1:2={a,b}']) {
      expect(() => parse(bad), bad).toThrow(DecodeError);
    }
    expect(() => parse('{{a},{b,c}}')).toThrow(/malformed array literal '\{\{a\},\{b,c\}\}'.*matching lengths/);
  });
});

describe('formatArrayLiteral', () => {
  const format = (value: unknown[], delimiter = ',') => {
    const { dims, bounds } = arrayShape(value, { elementsMayBeArrays: false, acceptsTypedArrays: false });
    return formatArrayLiteral(value, dims, bounds, delimiter, (item) => String(item));
  };

  it('quotes every element, so that any text reads back the same', () => {
    const tricky = ['', 'NULL', 'a "q" \\ {b}, c', ' padded ', '🦄'];
    expect(format([...tricky, null])).toBe('{"","NULL","a \\"q\\" \\\\ {b}, c"," padded ","🦄",NULL}');
    expect(parse(format([...tricky, null])).value).toEqual([...tricky, null]);
  });

  it('writes dimensions, bounds other than 1, and the empty array', () => {
    expect(format([[1, 2], [3, 4]])).toBe('{{"1","2"},{"3","4"}}');
    const bounded = Object.assign([['a'], ['b']], {});
    const codec = textArrayCodec({ oid: 1, name: 'test[]', element: plainTextForm, delimiter: ',', elementsMayBeArrays: false });
    const decoded = decode(codec, utf8('[0:1][5:5]={{a},{b}}')) as unknown[];
    expect(decoded).toEqual(bounded);
    expect(arrayLowerBounds(decoded)).toEqual([0, 5]);
    expect(Buffer.from(encode(codec, decoded)).toString()).toBe('[0:1][5:5]={{"a"},{"b"}}');
    expect(format([])).toBe('{}');
    expect(format(['x', 'y'], ';')).toBe('{"x";"y"}');
  });

  it('refuses what the server could not read, naming the element', () => {
    const codec = textArrayCodec({ oid: 1, name: 'test[]', element: plainTextForm, delimiter: ',', elementsMayBeArrays: false });
    expect(() => encode(codec, [['a'], 'b'])).toThrow(ParameterError);
    expect(() => encode(codec, ['a', undefined])).toThrow(/array element \[1\] is undefined/);
    expect(() => encode(codec, ['a', 5])).toThrow(/array element \[1\]: expected a string/);
    expect(() => encode(codec, ['a\u0000'])).toThrow(/NUL/);
    // A string is an array literal already written.
    expect(Buffer.from(encode(codec, '{a,b}')).toString()).toBe('{a,b}');
  });
});
