import { describe, expect, it } from 'vitest';
import { DecodeError, ParameterError } from '../../../src/codec/errors/client-errors.js';
import * as oids from '../../../src/codec/types/oids.js';
import { formatTsQuery, parseTsQuery, type TsQuery, type TsQueryNode } from '../../../src/codec/types/text-search.js';
import { be16, be32, codec, decode, encode, roundTrip } from './helpers.js';

const ascii = (text: string) => Array.from(Buffer.from(text, 'utf8'));

describe('tsvector', () => {
  const c = codec(oids.TSVECTOR);
  it('encodes sorted lexemes with NUL terminators and weighted positions', () => {
    // 'b':2A,1 → positions sorted; A is weight 3 in the top two bits.
    expect(encode(c, 'b:2A,1 a')).toEqual([...be32(2), ...ascii('a'), 0, ...be16(0), ...ascii('b'), 0, ...be16(2), ...be16(1), ...be16(0xc002)]);
  });
  it('decodes to PostgreSQL text with escapes', () => {
    const bytes = [...be32(2), ...ascii("it's"), 0, ...be16(1), ...be16(0x4005), ...ascii('a\\b'), 0, ...be16(0)];
    expect(decode(c, bytes)).toBe("'it''s':5C 'a\\\\b'");
    expect(decode(c, be32(0))).toBe('');
  });
  it('normalises as the server input does: merge duplicates, keep the highest weight, clamp positions', () => {
    expect(roundTrip(c, 'dup:3 dup:1A dup:3B')).toBe("'dup':1A,3B");
    expect(roundTrip(c, 'x:99999 y:1,1,1')).toBe("'x':16383 'y':1");
    expect(roundTrip(c, 'z é a ä')).toBe("'a' 'z' 'ä' 'é'");
    expect(roundTrip(c, 'w:1A2 v:1DA')).toBe("'v':1A 'w':1A");
    expect(roundTrip(c, "'a b':1 un\\:quoted")).toBe("'a b':1 'un:quoted'");
    const many = Array.from({ length: 300 }, (_, i) => i + 1).join(',');
    expect((roundTrip(c, `m:${many}`) as string).split(',')).toHaveLength(256);
  });
  it('rejects what the server input rejects', () => {
    for (const bad of ["'open", 'a:0', 'a:1AD', 'x\\', 'a:', "'':1", 'a:1x', `${'x'.repeat(2047)}`]) {
      expect(() => encode(c, bad), bad).toThrow(ParameterError);
    }
  });
  it('rejects malformed binary', () => {
    expect(() => decode(c, [...be32(1), ...ascii('a')])).toThrow(DecodeError);
    expect(() => decode(c, [...be32(1), ...ascii('a'), 0, ...be16(2), ...be16(1)])).toThrow(DecodeError);
  });
});

describe('tsquery', () => {
  const c = codec(oids.TSQUERY);
  const lex = (lexeme: string, weights = '', prefix = false): TsQueryNode => ({ type: 'lexeme', lexeme, weights, prefix });
  it('parses like the server: precedence ! > <-> > & > |, left-associative, NOT right-associative', () => {
    expect(parseTsQuery('a | b & c <-> d')).toEqual({
      type: 'or',
      left: lex('a'),
      right: { type: 'and', left: lex('b'), right: { type: 'phrase', distance: 1, left: lex('c'), right: lex('d') } },
    });
    expect(parseTsQuery('a & b & c')).toEqual({ type: 'and', left: { type: 'and', left: lex('a'), right: lex('b') }, right: lex('c') });
    expect(parseTsQuery('!!a')).toEqual({ type: 'not', operand: { type: 'not', operand: lex('a') } });
    expect(parseTsQuery("'x y':*ba <3> z:")).toEqual({ type: 'phrase', distance: 3, left: lex('x y', 'AB', true), right: lex('z') });
    expect(parseTsQuery('  ')).toEqual({ type: 'empty' });
    for (const bad of ['a &', '(a', 'a)', 'a b', '& a', ':a', 'a <16385> b', "'a"]) {
      expect(() => parseTsQuery(bad), bad).toThrow(ParameterError);
    }
  });
  it('formats exactly as the server, keeping needed parentheses only', () => {
    expect(formatTsQuery(parseTsQuery('!fat <-> !(rat | cat) <3> d:*AB'))).toBe("!'fat' <-> !( 'rat' | 'cat' ) <3> 'd':*AB");
    expect(formatTsQuery(parseTsQuery('a <-> (b <-> c)'))).toBe("'a' <-> ( 'b' <-> 'c' )");
    expect(formatTsQuery(parseTsQuery('a & (b & c)'))).toBe("'a' & 'b' & 'c'");
    expect(formatTsQuery(parseTsQuery("'it''s' | back\\\\slash <0> x"))).toBe("'it''s' | 'back\\\\slash' <0> 'x'");
    expect(formatTsQuery({ type: 'empty' })).toBe('');
  });
  it('encodes in prefix order: operator, right operand, left operand', () => {
    expect(encode(c, 'a <2> b:*C')).toEqual([
      ...be32(3), 2, 4, ...be16(2), 1, 2, 1, ...ascii('b'), 0, 1, 0, 0, ...ascii('a'), 0,
    ]);
    expect(encode(c, { type: 'not', operand: { type: 'lexeme', lexeme: 'x' } })).toEqual([...be32(2), 2, 1, 1, 0, 0, ...ascii('x'), 0]);
  });
  it('decodes trees exactly, including right-nested operators the text form cannot show', () => {
    const tree: TsQuery = { type: 'and', left: lex('a'), right: { type: 'and', left: lex('b'), right: lex('c', 'D') } };
    expect(roundTrip(c, tree)).toEqual(tree);
    expect(roundTrip(c, '!x <-> (y | z:*)')).toEqual(parseTsQuery('!x <-> (y | z:*)'));
  });
  it('rejects invalid trees and the empty query', () => {
    expect(() => encode(c, '')).toThrow(ParameterError);
    expect(() => encode(c, { type: 'and', left: lex('a') })).toThrow(ParameterError);
    expect(() => encode(c, { type: 'lexeme', lexeme: 'a', weights: 'E' })).toThrow(ParameterError);
    expect(() => encode(c, { type: 'phrase', distance: -1, left: lex('a'), right: lex('b') })).toThrow(ParameterError);
    expect(() => encode(c, { type: 'xor' })).toThrow(ParameterError);
    expect(() => decode(c, [...be32(1), 2, 2])).toThrow(DecodeError);
    expect(() => decode(c, [...be32(2), 1, 0, 0, ...ascii('a'), 0, 1, 0, 0, ...ascii('b'), 0])).toThrow(DecodeError);
    expect(() => decode(c, [...be32(1), 1, 16, 0, ...ascii('a'), 0])).toThrow(DecodeError);
  });
});
