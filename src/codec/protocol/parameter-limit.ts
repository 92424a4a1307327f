// PostgreSQL's limit on a statement's parameters: the protocol counts them in 16 bits, so a 65,536th
// parameter wraps to 0 and the server misreads everything after it. Refused here, before sending.

import { ParameterError } from '../errors/client-errors.js';

export const MAX_PARAMETERS = 65535;

const WHAT_TO_DO = 'pass the values as arrays instead (e.g. `where id = any($1)`, or `insert … select * from unnest($1::int[], $2::text[])`), or load many rows with COPY';

/** Throws ParameterError when `count` values exceed what one statement can take. */
export function checkParameterLimit(count: number): void {
  if (count > MAX_PARAMETERS) {
    throw new ParameterError(`${count.toLocaleString('en-US')} parameters given, but a PostgreSQL statement takes at most 65,535 ($1…$65535): ${WHAT_TO_DO}`);
  }
}

/** The error for a statement text that numbers a placeholder past the limit ($65536 or higher). */
export function placeholderPastLimit(placeholder: number): ParameterError {
  return new ParameterError(`the query text uses $${placeholder}, but a PostgreSQL statement takes at most 65,535 parameters ($1…$65535): ${WHAT_TO_DO}`);
}

/**
 * The highest $n in `sql` when it is past the limit, else undefined. A rough scan (it does not
 * skip string literals), so it is used only to explain an error the server already reported.
 */
export function placeholderPastLimitIn(sql: string): number | undefined {
  let highest: number | undefined;
  for (const match of sql.matchAll(/\$(\d+)/g)) {
    const n = Number(match[1]);
    if (n > MAX_PARAMETERS && (highest === undefined || n > highest)) highest = n;
  }
  return highest;
}
