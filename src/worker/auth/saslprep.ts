// SASLprep (RFC 4013): the stringprep profile SCRAM applies to passwords, so that the same
// password typed with different Unicode forms derives the same key.

import { L_CAT, MAP_TO_NOTHING, NON_ASCII_SPACE, PROHIBITED, RAND_AL_CAT } from './saslprep-tables.js';

type RangeSet = (codePoint: number) => boolean;

function rangeSet(encoded: string): RangeSet {
  const bounds: number[] = [];
  for (const part of encoded.split(',')) {
    const [from, to = from] = part.split('-');
    bounds.push(parseInt(from, 16), parseInt(to, 16));
  }
  // Ranges are sorted and disjoint: binary search over the pairs.
  return (cp) => {
    let lo = 0;
    let hi = bounds.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (cp < bounds[mid * 2]) hi = mid - 1;
      else if (cp > bounds[mid * 2 + 1]) lo = mid + 1;
      else return true;
    }
    return false;
  };
}

let tables: { nothing: RangeSet; space: RangeSet; prohibited: RangeSet; randAl: RangeSet; l: RangeSet } | undefined;

function getTables() {
  return (tables ??= {
    nothing: rangeSet(MAP_TO_NOTHING),
    space: rangeSet(NON_ASCII_SPACE),
    prohibited: rangeSet(PROHIBITED),
    randAl: rangeSet(RAND_AL_CAT),
    l: rangeSet(L_CAT),
  });
}

/**
 * Apply SASLprep; undefined when the string contains a prohibited character or breaks the
 * bidirectional rules. (Unassigned code points, table A.1, are let through.)
 */
export function saslprepStrict(input: string): string | undefined {
  const t = getTables();
  let mapped = '';
  for (const ch of input) {
    const cp = ch.codePointAt(0)!;
    if (t.space(cp)) mapped += ' ';
    else if (!t.nothing(cp)) mapped += ch;
  }
  const normalized = mapped.normalize('NFKC');
  const codePoints = Array.from(normalized, (ch) => ch.codePointAt(0)!);
  if (codePoints.some(t.prohibited)) return undefined;
  // RFC 3454 §6: a string with any RandALCat character must not contain LCat characters and
  // must start and end with RandALCat.
  if (codePoints.some(t.randAl)) {
    if (codePoints.some(t.l)) return undefined;
    if (!t.randAl(codePoints[0]) || !t.randAl(codePoints[codePoints.length - 1])) return undefined;
  }
  return normalized;
}

/**
 * The password as PostgreSQL prepares it for SCRAM: SASLprep when it applies, else the
 * password unchanged (the server does the same, so both sides still agree).
 */
export function saslprepPassword(password: string): string {
  return saslprepStrict(password) ?? password;
}
