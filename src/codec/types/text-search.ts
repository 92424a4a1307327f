// Full-text search types.
//
// tsvector: JS value is PostgreSQL's text form ("'cat':3A 'fat':1,2B"), which is exact: the
// binary form is the same sorted lexemes with their positions. Encoding parses that text with
// the server's own rules (unquoted and quoted lexemes, backslash escapes, positions and weights),
// then sorts and merges duplicates as the server's input function does.
//
// tsquery: the text form is NOT exact ('a' & ('b' & 'c') and ('a' & 'b') & 'c' print alike but
// are different values), so a tsquery decodes to a tree (TsQuery); formatTsQuery() renders it
// exactly as the server does. Encoding accepts a tree or a string in tsquery input syntax, parsed
// as the server parses `'…'::tsquery`.

import type { BufferWriter } from '../buffer/writer.js';
import { DecodeError, ParameterError } from '../errors/client-errors.js';
import type { TypeCodec } from './codec.js';
import { rejectValue } from './describe.js';
import { TSQUERY, TSVECTOR } from './oids.js';
import { checkText, decodeText } from './text.js';

/** Lexemes of 2047 UTF-8 bytes or more are rejected by the server's text input (MAXSTRLEN). */
const MAX_LEXEME_BYTES = 2047;
/** Total lexeme storage limit of a tsvector (MAXSTRPOS). */
const MAX_STRING_BYTES = (1 << 20) - 1;
/** Positions are 14 bits; larger ones are clamped to this. */
const MAX_POSITION = (1 << 14) - 1;
/** At most this many positions are kept per lexeme. */
const MAX_POSITIONS = 256;
/** The phrase operator's largest distance. */
const MAX_DISTANCE = 1 << 14;

const utf8 = new TextEncoder();

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Characters that end an unquoted tsquery operand (ISOPERATOR). */
function isOperatorChar(c: string | undefined): boolean {
  return c === '!' || c === '&' || c === '|' || c === '(' || c === ')' || c === '<';
}

/** Quote a lexeme as tsvectorout/tsqueryout do: inside '…', double ' and \. */
function quoteLexeme(lexeme: string): string {
  return `'${lexeme.replace(/['\\]/g, (c) => c + c)}'`;
}

// ---- The lexeme tokenizer shared by tsvector and tsquery input (gettoken_tsvector) ----

const enum Tok {
  WaitWord,
  WaitEndWord,
  WaitNextChar,
  WaitEndComplex,
  WaitPosInfo,
  InPosInfo,
  WaitPosDelim,
  WaitCharComplex,
}

interface LexemeToken {
  word: string;
  /** WordEntryPos values: weight in the top 2 bits, position in the low 14. */
  positions: number[];
  /** Index where scanning resumes. */
  next: number;
}

/**
 * The next lexeme of `text` from index `start`, or undefined at the end of the input. In a
 * tsquery operators end a word and a ':' ends it (the caller reads modifiers); in a tsvector a
 * ':' starts the position list.
 */
function nextLexeme(text: string, start: number, inQuery: boolean, syntax: () => ParameterError): LexemeToken | undefined {
  let state = Tok.WaitWord;
  let resume = Tok.WaitEndWord;
  let word = '';
  const positions: number[] = [];
  let i = start;
  const done = (): LexemeToken => ({ word, positions, next: i });
  for (;;) {
    const c = i < text.length ? text[i] : undefined;
    switch (state) {
      case Tok.WaitWord:
        if (c === undefined) return undefined;
        if (c === "'") {
          state = Tok.WaitEndComplex;
        } else if (c === '\\') {
          state = Tok.WaitNextChar;
          resume = Tok.WaitEndWord;
        } else if (inQuery && isOperatorChar(c)) {
          throw syntax();
        } else if (!isSpace(c)) {
          word += c;
          state = Tok.WaitEndWord;
        }
        break;
      case Tok.WaitNextChar:
        if (c === undefined) throw syntax();
        word += c;
        state = resume;
        break;
      case Tok.WaitEndWord:
        if (c === '\\') {
          state = Tok.WaitNextChar;
          resume = Tok.WaitEndWord;
        } else if (c === undefined || isSpace(c) || (inQuery && isOperatorChar(c))) {
          if (word === '') throw syntax();
          return done();
        } else if (c === ':') {
          if (word === '') throw syntax();
          if (inQuery) return done();
          state = Tok.InPosInfo;
        } else {
          word += c;
        }
        break;
      case Tok.WaitEndComplex:
        if (c === "'") {
          state = Tok.WaitCharComplex;
        } else if (c === '\\') {
          state = Tok.WaitNextChar;
          resume = Tok.WaitEndComplex;
        } else if (c === undefined) {
          throw syntax();
        } else {
          word += c;
        }
        break;
      case Tok.WaitCharComplex:
        if (c === "'") {
          word += c; // '' inside quotes is one quote
          state = Tok.WaitEndComplex;
          break;
        }
        if (word === '') throw syntax();
        if (inQuery) return done();
        state = Tok.WaitPosInfo;
        continue; // look at this character again
      case Tok.WaitPosInfo:
        if (c !== ':') return done();
        state = Tok.InPosInfo;
        break;
      case Tok.InPosInfo: {
        if (!isDigit(c)) throw syntax();
        let end = i;
        while (isDigit(text[end])) end++;
        // atoi() of a longer digit run overflows in the server; refuse instead of guessing.
        if (end - i > 9) throw syntax();
        const position = Math.min(Number(text.slice(i, end)), MAX_POSITION);
        if (position === 0) throw new ParameterError(`tsvector positions start at 1: ${describeInput(text)}`);
        positions.push(position);
        state = Tok.WaitPosDelim;
        break;
      }
      case Tok.WaitPosDelim: {
        const last = positions.length - 1;
        const weight = c === 'a' || c === 'A' || c === '*' ? 3 : c === 'b' || c === 'B' ? 2 : c === 'c' || c === 'C' ? 1 : c === 'd' || c === 'D' ? 0 : -1;
        if (c === ',') {
          state = Tok.InPosInfo;
        } else if (weight >= 0) {
          // A second weight letter is an error only if the first set a nonzero weight (as in the server).
          if (positions[last] >> 14 !== 0) throw syntax();
          positions[last] = (weight << 14) | (positions[last] & MAX_POSITION);
        } else if (c === undefined || isSpace(c)) {
          return done();
        } else if (!isDigit(c)) {
          throw syntax();
        }
        break;
      }
    }
    i++;
  }
}

function describeInput(text: string): string {
  return `'${text.length > 60 ? `${text.slice(0, 60)}…` : text}'`;
}

// ---- tsvector ----

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Sort by position, merge equal positions keeping the highest weight, cap the count (uniquePos). */
function uniquePositions(positions: number[]): number[] {
  if (positions.length <= 1) return positions;
  const sorted = [...positions].sort((p, q) => (p & MAX_POSITION) - (q & MAX_POSITION));
  const result = [sorted[0]];
  for (let i = 1; i < sorted.length; i++) {
    const last = result.length - 1;
    const p = sorted[i];
    if ((p & MAX_POSITION) !== (result[last] & MAX_POSITION)) {
      result.push(p);
      if (result.length >= MAX_POSITIONS || (p & MAX_POSITION) === MAX_POSITION) break;
    } else if (p >> 14 > result[last] >> 14) {
      result[last] = p;
    }
  }
  return result;
}

interface TsvectorEntry {
  lexeme: Uint8Array;
  positions: number[];
}

/** A tsvector's text parsed and normalised exactly as the server's tsvectorin does. */
function parseTsvector(text: string): TsvectorEntry[] {
  const syntax = () => new ParameterError(`syntax error in tsvector: ${describeInput(text)}`);
  const byWord = new Map<string, number[]>();
  let total = 0;
  let at = 0;
  for (;;) {
    const token = nextLexeme(text, at, false, syntax);
    if (token === undefined) break;
    at = token.next;
    const size = byteLength(token.word);
    if (size >= MAX_LEXEME_BYTES) throw new ParameterError(`tsvector word is too long (${size} bytes, max ${MAX_LEXEME_BYTES - 1} bytes)`);
    if (total > MAX_STRING_BYTES) throw new ParameterError(`string is too long for tsvector (max ${MAX_STRING_BYTES} bytes)`);
    total += size;
    const known = byWord.get(token.word);
    if (known === undefined) byWord.set(token.word, token.positions);
    else known.push(...token.positions);
  }
  const entries: TsvectorEntry[] = [];
  let storage = 0;
  for (const [word, positions] of byWord) {
    const unique = uniquePositions(positions);
    const lexeme = utf8.encode(word);
    storage += lexeme.length;
    if (unique.length > 0) storage = ((storage + 1) & ~1) + 2 + 2 * unique.length;
    entries.push({ lexeme, positions: unique });
  }
  if (storage > MAX_STRING_BYTES) throw new ParameterError(`string is too long for tsvector (${storage} bytes, max ${MAX_STRING_BYTES} bytes)`);
  // Byte order, as the server's memcmp in UTF-8 sorts them.
  return entries.sort((a, b) => compareBytes(a.lexeme, b.lexeme));
}

function cstringEnd(bytes: Uint8Array, from: number, end: number, type: string): number {
  const nul = bytes.indexOf(0, from);
  if (nul < 0 || nul >= end) throw new DecodeError(`${type}: unterminated lexeme`);
  return nul;
}

export const tsvectorCodec: TypeCodec<string> = {
  oid: TSVECTOR,
  name: 'tsvector',
  decode(bytes: Uint8Array, view: DataView, start: number, length: number): string {
    const end = start + length;
    if (length < 4) throw new DecodeError(`tsvector: binary value too short (${length} bytes)`);
    const count = view.getInt32(start);
    if (count < 0) throw new DecodeError(`tsvector: invalid lexeme count ${count}`);
    const parts: string[] = [];
    let at = start + 4;
    for (let i = 0; i < count; i++) {
      const nul = cstringEnd(bytes, at, end, 'tsvector');
      let part = quoteLexeme(decodeText(bytes, at, nul - at));
      at = nul + 1;
      if (at + 2 > end) throw new DecodeError('tsvector: truncated value');
      const npos = view.getUint16(at);
      at += 2;
      if (at + 2 * npos > end) throw new DecodeError('tsvector: truncated value');
      if (npos > 0) {
        const positions: string[] = [];
        for (let j = 0; j < npos; j++) {
          const p = view.getUint16(at + 2 * j);
          positions.push(`${p & MAX_POSITION}${['', 'C', 'B', 'A'][p >> 14]}`);
        }
        part += ':' + positions.join(',');
        at += 2 * npos;
      }
      parts.push(part);
    }
    if (at !== end) throw new DecodeError('tsvector: trailing bytes after the last lexeme');
    return parts.join(' ');
  },
  encode(value: unknown, out: BufferWriter): void {
    const entries = parseTsvector(checkText(value));
    out.i32(entries.length);
    for (const { lexeme, positions } of entries) {
      out.raw(lexeme).u8(0).u16(positions.length);
      for (const p of positions) out.u16(p);
    }
  },
};

// ---- tsquery ----

/** A search term. `weights` lists the weights it matches ('' = any), e.g. 'AB'; `prefix` is `:*`. */
export interface TsQueryLexeme {
  type: 'lexeme';
  lexeme: string;
  weights: string;
  prefix: boolean;
}

export type TsQueryNode =
  | TsQueryLexeme
  | { type: 'not'; operand: TsQueryNode }
  | { type: 'and'; left: TsQueryNode; right: TsQueryNode }
  | { type: 'or'; left: TsQueryNode; right: TsQueryNode }
  /** `left <distance> right`; distance 1 is `<->`. */
  | { type: 'phrase'; distance: number; left: TsQueryNode; right: TsQueryNode };

/** A decoded tsquery: its operator tree, or `{ type: 'empty' }` for a query without lexemes. */
export type TsQuery = TsQueryNode | { type: 'empty' };

const QI_VAL = 1;
const QI_OPR = 2;
const OP_NOT = 1;
const OP_AND = 2;
const OP_OR = 3;
const OP_PHRASE = 4;
/** Operator priorities (tsearch_op_priority), indexed by operator code. */
const PRIORITY = [0, 4, 2, 1, 3];

const WEIGHT_BITS: Record<string, number> = { A: 8, B: 4, C: 2, D: 1 };

function weightsOf(mask: number): string {
  return (mask & 8 ? 'A' : '') + (mask & 4 ? 'B' : '') + (mask & 2 ? 'C' : '') + (mask & 1 ? 'D' : '');
}

function infix(node: TsQueryNode, parentPriority: number, rightOfPhrase: boolean): string {
  switch (node.type) {
    case 'lexeme': {
      const modifiers = (node.prefix ? '*' : '') + node.weights;
      return quoteLexeme(node.lexeme) + (modifiers === '' ? '' : ':' + modifiers);
    }
    case 'not':
      // NOT has the highest priority, so it is never parenthesised itself.
      return '!' + infix(node.operand, PRIORITY[OP_NOT], false);
    default: {
      const op = node.type === 'and' ? OP_AND : node.type === 'or' ? OP_OR : OP_PHRASE;
      const priority = PRIORITY[op];
      const right = infix(node.right, priority, op === OP_PHRASE);
      const left = infix(node.left, priority, false);
      const symbol = node.type === 'and' ? '&' : node.type === 'or' ? '|' : node.distance === 1 ? '<->' : `<${node.distance}>`;
      const text = `${left} ${symbol} ${right}`;
      // Phrase order matters, so a phrase on the right of a phrase keeps its parentheses.
      return priority < parentPriority || (op === OP_PHRASE && rightOfPhrase) ? `( ${text} )` : text;
    }
  }
}

/** A tsquery's text exactly as PostgreSQL prints it ('' for the empty query). */
export function formatTsQuery(query: TsQuery): string {
  return query.type === 'empty' ? '' : infix(query, -1, false);
}

const enum QueryState {
  WaitFirstOperand,
  WaitOperand,
  WaitOperator,
}

type QueryToken =
  | { kind: 'end' }
  | { kind: 'value'; node: TsQueryLexeme }
  | { kind: 'operator'; op: number; distance: number }
  | { kind: 'open' }
  | { kind: 'close' };

/** The operator stack depth limit of the server's parser (STACKDEPTH). */
const STACK_DEPTH = 32;

/** Parses tsquery input syntax into the tree the server builds from `'…'::tsquery`. */
export function parseTsQuery(text: string): TsQuery {
  const syntax = () => new ParameterError(`syntax error in tsquery: ${describeInput(text)}`);
  let i = 0;
  let state = QueryState.WaitFirstOperand;
  let depth = 0;
  const nodes: TsQueryNode[] = [];

  const phraseAt = (): number | undefined => {
    // '<->' or '<N>' (0 ≤ N ≤ 16384), which must not end the input.
    let p = i;
    if (text[p] !== '<') return undefined;
    p++;
    let distance = 1;
    if (text[p] === '-') {
      p++;
    } else {
      if (!isDigit(text[p])) return undefined;
      let end = p;
      while (isDigit(text[end])) end++;
      distance = Number(text.slice(p, end));
      if (distance > MAX_DISTANCE) {
        throw new ParameterError(`distance in phrase operator must be an integer value between zero and ${MAX_DISTANCE} inclusive`);
      }
      p = end;
    }
    if (text[p] !== '>' || p + 1 >= text.length) return undefined;
    i = p + 1;
    return distance;
  };

  const nextToken = (): QueryToken => {
    for (;; i++) {
      const c = i < text.length ? text[i] : undefined;
      if (state !== QueryState.WaitOperator) {
        if (c === '!') {
          i++;
          state = QueryState.WaitOperand;
          return { kind: 'operator', op: OP_NOT, distance: 0 };
        }
        if (c === '(') {
          i++;
          state = QueryState.WaitOperand;
          depth++;
          return { kind: 'open' };
        }
        if (c === ':') throw syntax();
        if (isSpace(c)) continue;
        const token = nextLexeme(text, i, true, syntax);
        if (token === undefined) {
          if (state === QueryState.WaitFirstOperand) return { kind: 'end' };
          throw new ParameterError(`no operand in tsquery: ${describeInput(text)}`);
        }
        i = token.next;
        let weights = 0;
        let prefix = false;
        if (text[i] === ':') {
          for (i++; i < text.length; i++) {
            const m = text[i];
            if (m === '*') prefix = true;
            else if (/^[a-dA-D]$/.test(m)) weights |= WEIGHT_BITS[m.toUpperCase()];
            else break;
          }
        }
        state = QueryState.WaitOperator;
        return { kind: 'value', node: { type: 'lexeme', lexeme: token.word, weights: weightsOf(weights), prefix } };
      }
      if (c === '&' || c === '|') {
        i++;
        state = QueryState.WaitOperand;
        return { kind: 'operator', op: c === '&' ? OP_AND : OP_OR, distance: 0 };
      }
      const distance = phraseAt();
      if (distance !== undefined) {
        state = QueryState.WaitOperand;
        return { kind: 'operator', op: OP_PHRASE, distance };
      }
      if (c === ')') {
        i++;
        depth--;
        if (depth < 0) throw syntax();
        return { kind: 'close' };
      }
      if (c === undefined) {
        if (depth !== 0) throw syntax();
        return { kind: 'end' };
      }
      if (!isSpace(c)) throw syntax();
    }
  };

  const applyOperator = (op: number, distance: number): void => {
    if (op === OP_NOT) {
      const operand = nodes.pop();
      if (operand === undefined) throw syntax();
      nodes.push({ type: 'not', operand });
      return;
    }
    const right = nodes.pop();
    const left = nodes.pop();
    if (right === undefined || left === undefined) throw syntax();
    nodes.push(
      op === OP_PHRASE ? { type: 'phrase', distance, left, right } : { type: op === OP_AND ? 'and' : 'or', left, right },
    );
  };

  // Shunting-yard as in the server's makepol(): binary operators are left-associative, NOT is
  // right-associative, and a parenthesised group is parsed by a nested call.
  const parseGroup = (): void => {
    const stack: { op: number; distance: number }[] = [];
    const unwind = (op: number): void => {
      const priority = PRIORITY[op];
      while (stack.length > 0) {
        const top = PRIORITY[stack[stack.length - 1].op];
        if ((op !== OP_NOT && priority > top) || (op === OP_NOT && priority >= top)) break;
        const { op: popped, distance } = stack.pop()!;
        applyOperator(popped, distance);
      }
    };
    for (;;) {
      const token = nextToken();
      switch (token.kind) {
        case 'end':
          unwind(OP_OR);
          return;
        case 'value':
          if (byteLength(token.node.lexeme) >= MAX_LEXEME_BYTES) throw new ParameterError(`word is too long in tsquery: ${describeInput(text)}`);
          nodes.push(token.node);
          break;
        case 'operator':
          unwind(token.op);
          if (stack.length === STACK_DEPTH) throw new ParameterError('tsquery stack too small: too many pending operators');
          stack.push({ op: token.op, distance: token.distance });
          break;
        case 'open':
          parseGroup();
          break;
        case 'close':
          unwind(OP_OR);
          return;
      }
    }
  };

  parseGroup();
  if (nodes.length === 0) return { type: 'empty' };
  if (nodes.length !== 1) throw syntax();
  return nodes[0];
}

const TSQUERY_ACCEPTS = "a tsquery string such as 'fat & (rat | cat:*A)', or a TsQuery tree";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Appends `node` in the server's prefix order (operator, right operand, left operand); returns the item count. */
function writeNode(node: unknown, out: BufferWriter, root: unknown): number {
  if (!isRecord(node)) throw rejectValue(TSQUERY_ACCEPTS, root);
  switch (node.type) {
    case 'lexeme': {
      const { lexeme, weights = '', prefix = false } = node;
      if (typeof lexeme !== 'string' || lexeme === '' || typeof weights !== 'string' || !/^[ABCDabcd]*$/.test(weights) || typeof prefix !== 'boolean') {
        throw new ParameterError(
          `invalid tsquery lexeme node: expected { type: 'lexeme', lexeme: non-empty string, weights?: letters A-D, prefix?: boolean }`,
        );
      }
      let mask = 0;
      for (const w of weights) mask |= WEIGHT_BITS[w.toUpperCase()];
      out.u8(QI_VAL).u8(mask).u8(prefix ? 1 : 0).utf8(checkText(lexeme)).u8(0);
      return 1;
    }
    case 'not':
      out.u8(QI_OPR).u8(OP_NOT);
      return 1 + writeNode(node.operand, out, root);
    case 'and':
    case 'or':
    case 'phrase': {
      out.u8(QI_OPR);
      if (node.type === 'phrase') {
        const { distance } = node;
        if (typeof distance !== 'number' || !Number.isInteger(distance) || distance < 0 || distance > MAX_DISTANCE) {
          throw new ParameterError(`tsquery phrase distance must be an integer from 0 to ${MAX_DISTANCE}, got ${String(distance)}`);
        }
        out.u8(OP_PHRASE).i16(distance);
      } else {
        out.u8(node.type === 'and' ? OP_AND : OP_OR);
      }
      return 1 + writeNode(node.right, out, root) + writeNode(node.left, out, root);
    }
    default:
      throw new ParameterError(`invalid tsquery node type ${JSON.stringify(node.type)}: expected 'lexeme', 'not', 'and', 'or' or 'phrase'`);
  }
}

export const tsqueryCodec: TypeCodec<TsQuery> = {
  oid: TSQUERY,
  name: 'tsquery',
  decode(bytes: Uint8Array, view: DataView, start: number, length: number): TsQuery {
    const end = start + length;
    const fail = (why: string) => new DecodeError(`tsquery: ${why}`);
    if (length < 4) throw fail(`binary value too short (${length} bytes)`);
    const count = view.getInt32(start);
    if (count < 0) throw fail(`invalid item count ${count}`);
    // Items arrive in prefix order: an operator, its right operand, then its left operand.
    type Item = { lexeme: TsQueryLexeme } | { op: number; distance: number };
    const items: Item[] = [];
    let at = start + 4;
    for (let i = 0; i < count; i++) {
      if (at + 2 > end) throw fail('truncated value');
      const kind = bytes[at];
      if (kind === QI_VAL) {
        if (at + 3 > end) throw fail('truncated value');
        const weight = bytes[at + 1];
        if (weight > 15) throw fail(`invalid weight bitmap ${weight}`);
        const nul = cstringEnd(bytes, at + 3, end, 'tsquery');
        items.push({ lexeme: { type: 'lexeme', lexeme: decodeText(bytes, at + 3, nul - at - 3), weights: weightsOf(weight), prefix: bytes[at + 2] !== 0 } });
        at = nul + 1;
      } else if (kind === QI_OPR) {
        const op = bytes[at + 1];
        if (op < OP_NOT || op > OP_PHRASE) throw fail(`unknown operator ${op}`);
        let distance = 0;
        at += 2;
        if (op === OP_PHRASE) {
          if (at + 2 > end) throw fail('truncated value');
          distance = view.getInt16(at);
          at += 2;
        }
        items.push({ op, distance });
      } else {
        throw fail(`unknown item type ${kind}`);
      }
    }
    if (at !== end) throw fail('trailing bytes after the last item');
    if (count === 0) return { type: 'empty' };
    // Reading the prefix sequence backwards evaluates it like postfix: operands are pushed, and
    // an operator's right operand is on top of its left one.
    const stack: TsQueryNode[] = [];
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if ('lexeme' in item) {
        stack.push(item.lexeme);
        continue;
      }
      if (item.op === OP_NOT) {
        const operand = stack.pop();
        if (operand === undefined) throw fail('operator without operand');
        stack.push({ type: 'not', operand });
        continue;
      }
      const right = stack.pop();
      const left = stack.pop();
      if (right === undefined || left === undefined) throw fail('operator without operand');
      stack.push(
        item.op === OP_PHRASE ? { type: 'phrase', distance: item.distance, left, right } : { type: item.op === OP_AND ? 'and' : 'or', left, right },
      );
    }
    if (stack.length !== 1) throw fail('malformed operator tree');
    return stack[0];
  },
  encode(value: unknown, out: BufferWriter): void {
    const query = typeof value === 'string' ? parseTsQuery(checkText(value)) : value;
    if (!isRecord(query)) throw rejectValue(TSQUERY_ACCEPTS, value);
    if (query.type === 'empty') {
      // tsqueryrecv rejects zero items ("malformed tsquery"), so the empty query has no binary form.
      throw new ParameterError("an empty tsquery cannot be sent in binary: write ''::tsquery in SQL, or pass $n::text::tsquery");
    }
    const slot = out.length;
    out.i32(0);
    const count = writeNode(query, out, value);
    // (Only now: writing may have grown the buffer and replaced out.view.)
    out.view.setInt32(slot, count);
  },
};
