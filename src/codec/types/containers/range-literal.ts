// Parses PostgreSQL range and multirange literals ('[1,5)', '(,"2024-01-01 00:00:00"]', 'empty',
// '{[1,3), [5,7)}') into bound texts, following the server's rules: whitespace around the whole
// literal is ignored but inside the brackets it belongs to the bound; an empty bound is unbounded;
// "double quotes" protect special characters ("" or \" is a quote inside them); a backslash
// escapes any character.

import { ParameterError } from '../../errors/client-errors.js';
import type { Range } from './range.js';

const WHITESPACE = /\s/;

function skipSpace(text: string, pos: number): number {
  while (pos < text.length && WHITESPACE.test(text[pos])) pos++;
  return pos;
}

function invalid(text: string, why: string): ParameterError {
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return new ParameterError(`malformed range literal '${shown}': ${why}`);
}

/** One bound from `pos` up to (not including) the delimiter: [text or null if unbounded, end]. */
function parseBound(text: string, pos: number, delimiters: string): [string | null, number] {
  let result = '';
  let quoted = false;
  let consumed = false;
  while (pos < text.length) {
    const ch = text[pos];
    if (!quoted && delimiters.includes(ch)) break;
    consumed = true;
    if (ch === '\\') {
      if (pos + 1 >= text.length) throw invalid(text, 'unexpected end after a backslash');
      result += text[pos + 1];
      pos += 2;
    } else if (ch === '"') {
      if (quoted && text[pos + 1] === '"') {
        result += '"';
        pos += 2;
      } else {
        quoted = !quoted;
        pos++;
      }
    } else {
      result += ch;
      pos++;
    }
  }
  if (quoted) throw invalid(text, 'unterminated double quote');
  return [consumed ? result : null, pos];
}

/** A range literal starting at `pos` (after any whitespace): [range, position after it]. */
function parseRangeAt(text: string, pos: number): [Range<string>, number] {
  if (text.slice(pos, pos + 5).toLowerCase() === 'empty') {
    return [{ lower: null, upper: null, lowerInclusive: false, upperInclusive: false, isEmpty: true }, pos + 5];
  }
  const open = text[pos];
  if (open !== '[' && open !== '(') throw invalid(text, "expected '[', '(' or 'empty'");
  const [lower, afterLower] = parseBound(text, pos + 1, ',');
  if (text[afterLower] !== ',') throw invalid(text, 'missing comma after the lower bound');
  const [upper, afterUpper] = parseBound(text, afterLower + 1, ')]');
  const close = text[afterUpper];
  if (close !== ')' && close !== ']') throw invalid(text, "missing ')' or ']' after the upper bound");
  return [
    {
      lower,
      upper,
      lowerInclusive: lower !== null && open === '[',
      upperInclusive: upper !== null && close === ']',
      isEmpty: false,
    },
    afterUpper + 1,
  ];
}

/** A range literal as bound texts (null = unbounded). */
export function parseRangeLiteral(text: string): Range<string> {
  const [range, end] = parseRangeAt(text, skipSpace(text, 0));
  if (skipSpace(text, end) !== text.length) throw invalid(text, 'junk after the closing bracket');
  return range;
}

/** A multirange literal '{range, …}' as its ranges' bound texts. */
export function parseMultirangeLiteral(text: string): Range<string>[] {
  let pos = skipSpace(text, 0);
  if (text[pos] !== '{') throw invalid(text, "a multirange literal starts with '{'");
  const ranges: Range<string>[] = [];
  pos = skipSpace(text, pos + 1);
  if (text[pos] === '}') {
    pos++;
  } else {
    for (;;) {
      const [range, end] = parseRangeAt(text, pos);
      ranges.push(range);
      pos = skipSpace(text, end);
      if (text[pos] === '}') {
        pos++;
        break;
      }
      if (text[pos] !== ',') throw invalid(text, "expected ',' or '}' after a range");
      pos = skipSpace(text, pos + 1);
    }
  }
  if (skipSpace(text, pos) !== text.length) throw invalid(text, "junk after the closing '}'");
  return ranges;
}
