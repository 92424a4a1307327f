// copyFromQuery's placeholder scan: $n outside strings, quoted identifiers, comments and dollar
// quotes is replaced; everything else is left exactly as written.

import { describe, expect, it } from 'vitest';
import { replacePlaceholders } from '../../src/main/copy/inline-params.js';

const mark = (sql: string) => replacePlaceholders(sql, (n) => `<${n}>`);

describe('replacePlaceholders', () => {
  it('replaces $n, multi-digit too, and leaves identifiers that contain $ alone', () => {
    expect(mark('select $1, $12+$2 from t$1 where a=$3')).toBe('select <1>, <12>+<2> from t$1 where a=<3>');
  });

  it('skips strings (doubled quotes, E-strings with backslashes), quoted identifiers and comments', () => {
    expect(mark("select '$1''$2', E'\\'$3', \"$4\"\"x\", $5 -- $6\n, /* $7 /* $8 */ */ $9")).toBe("select '$1''$2', E'\\'$3', \"$4\"\"x\", <5> -- $6\n, /* $7 /* $8 */ */ <9>");
  });

  it('skips dollar-quoted strings, tagged or not', () => {
    expect(mark('select $$ $1 $$, $tag$ $2 $$ $tag$, $3')).toBe('select $$ $1 $$, $tag$ $2 $$ $tag$, <3>');
  });
});
