// The copy-in workload: 1M rows of the `mixed` workload's columns, made as JS arrays before the
// clock starts, written into an empty table. pgloom through copyRecordsToTable (binary COPY),
// pg through pg-copy-streams and postgres.js through its COPY writable, both fed COPY text built
// by hand (copy-text.ts: what their users have to do).

export const copyClientNames = ['pgloom-connect', 'pgloom-pool', 'pg', 'postgres.js'] as const;
export type CopyClientName = (typeof copyClientNames)[number];

export const COPY_IN_TABLE_DDL = '(id int4, x float8, name text, ts timestamptz, flag bool, big int8, amount numeric(14,2))';
export const COPY_IN_COLUMNS = ['id', 'x', 'name', 'ts', 'flag', 'big', 'amount'];

const START_MS = Date.UTC(2020, 0, 1);

/** Row i as the `mixed` workload's SQL would make it (timestamps to the second). */
export function copyInRow(i: number): unknown[] {
  return [i, i * 1.5, `name-${i}`, new Date(START_MS + i * 1000), i % 2 === 0, BigInt(i) * 1000n, (i * 1.1).toFixed(2)];
}

/** The same row as COPY text wants it: a Date would print in JS's own format. */
export function copyInTextRow(row: readonly unknown[]): unknown[] {
  return row.map((value) => (value instanceof Date ? value.toISOString() : value));
}

/** SQL producing the same rows, for the psql floor's binary file. */
export function copyInSql(rows: number): string {
  return `select i::int4, i * 1.5::float8, 'name-' || i, timestamptz '2020-01-01 00:00:00+00' + i * interval '1 second', i % 2 = 0, i::int8 * 1000, round(i * 1.1, 2)::numeric(14,2) from generate_series(0, ${rows - 1}) i`;
}
