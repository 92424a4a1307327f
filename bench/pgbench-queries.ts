// The seven queries of asyncpg's published benchmark (MagicStack/pgbench, queries/*.json), as data
// that both the Node child and the Python child read, so each client runs exactly the same thing.
// Table names carry a per-client tag: clients run one after another, but a crashed run must not
// leave a table that the next client's setup trips over.

export type PgbenchQueryName = 'pg_type' | 'generate_series' | 'bytea' | 'int4_array' | 'copy' | 'batch' | 'one_plus_one';

/** 'fetch' counts the rows returned; 'copy' and 'batch' count the rows written. */
export type PgbenchKind = 'fetch' | 'copy' | 'batch';

export interface PgbenchQuery {
  name: PgbenchQueryName;
  /** One line for tables: what the query does. */
  title: string;
  kind: PgbenchKind;
  /** Statements run once before the query, and after it (one statement each, no simple-protocol batches). */
  setup: string[];
  teardown: string[];
  sql: string;
  /** fetch: the query's parameters. */
  args: unknown[];
  /** copy and batch: this row, `count` times per call. */
  row?: unknown[];
  count?: number;
  /** copy and batch: where the rows go, so the harness can check they all arrived. */
  table?: string;
  columns?: string[];
}

// The row pgbench's COPY and batch queries write: int, int, int, text, float, int, text.
const WRITTEN_ROW = [10, 11, 10, 'TESTTESTTEST', 10.333, 12341234, '123412341234'];
const WRITTEN_COLUMNS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const WRITTEN_TABLE_DDL = '(a int, b int, c int, d text, e float, f int, g text)';

/** A tag safe inside an identifier: lower-case letters, digits and underscores. */
export function tableTag(client: string, pid: number): string {
  return `${client.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${pid}`;
}

export function pgbenchQueries(tag: string): PgbenchQuery[] {
  const bytes = `pgbench_bytes_${tag}`;
  const arrays = `pgbench_arrays_${tag}`;
  const copied = `pgbench_copy_${tag}`;
  const batched = `pgbench_batch_${tag}`;
  return [
    {
      name: 'pg_type',
      title: 'pg_type catalogue (~620 rows)',
      kind: 'fetch',
      setup: [],
      teardown: [],
      sql: 'select typname, typnamespace, typowner, typlen, typbyval, typcategory, typispreferred, typisdefined, typdelim, typrelid, typelem, typarray from pg_type where typtypmod = $1 and typisdefined = $2',
      args: [-1, true],
    },
    {
      name: 'generate_series',
      title: 'generate_series(1, 1000)',
      kind: 'fetch',
      setup: [],
      teardown: [],
      sql: 'SELECT i FROM generate_series(1, $1) AS i',
      args: [1000],
    },
    {
      name: 'bytea',
      title: '100 rows of 1000-byte bytea',
      kind: 'fetch',
      setup: [`DROP TABLE IF EXISTS ${bytes}`, `CREATE TABLE ${bytes}(b bytea)`, `INSERT INTO ${bytes}(b) (SELECT repeat('a', 1000)::bytea FROM generate_series(1, 100))`],
      teardown: [`DROP TABLE ${bytes}`],
      sql: `SELECT * FROM ${bytes}`,
      args: [],
    },
    {
      name: 'int4_array',
      title: '100 rows of int4[100]',
      kind: 'fetch',
      setup: [
        `DROP TABLE IF EXISTS ${arrays}`,
        `CREATE TABLE ${arrays}(a int[])`,
        `INSERT INTO ${arrays}(a) (SELECT (SELECT array_agg(i) FROM generate_series(1, 100) AS s(i)) FROM generate_series(1, 100))`,
      ],
      teardown: [`DROP TABLE ${arrays}`],
      sql: `SELECT * FROM ${arrays}`,
      args: [],
    },
    {
      name: 'copy',
      title: 'COPY of 10,000 rows',
      kind: 'copy',
      setup: [`DROP TABLE IF EXISTS ${copied}`, `CREATE TABLE ${copied}${WRITTEN_TABLE_DDL}`],
      teardown: [`DROP TABLE ${copied}`],
      sql: `COPY ${copied}(${WRITTEN_COLUMNS.join(', ')}) FROM STDIN`,
      args: [],
      row: WRITTEN_ROW,
      count: 10_000,
      table: copied,
      columns: WRITTEN_COLUMNS,
    },
    {
      name: 'batch',
      title: 'batch of 1,000 INSERTs',
      kind: 'batch',
      setup: [`DROP TABLE IF EXISTS ${batched}`, `CREATE TABLE ${batched}${WRITTEN_TABLE_DDL}`],
      teardown: [`DROP TABLE ${batched}`],
      sql: `INSERT INTO ${batched} (${WRITTEN_COLUMNS.join(', ')}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      args: [],
      row: WRITTEN_ROW,
      count: 1000,
      table: batched,
      columns: WRITTEN_COLUMNS,
    },
    {
      name: 'one_plus_one',
      title: 'SELECT 1+1',
      kind: 'fetch',
      setup: [],
      teardown: [],
      sql: 'SELECT 1+1',
      args: [],
    },
  ];
}

/** The rows a copy or batch call writes: the query's row, `count` times. */
export function writtenRows(query: PgbenchQuery): unknown[][] {
  const { row, count } = query;
  if (row === undefined || count === undefined) throw new Error(`${query.name} writes no rows`);
  return Array.from({ length: count }, () => row);
}
