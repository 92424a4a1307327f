// What the per-call suite measures: one Bench per kind of call, every client a task in it. Each
// call checks what came back, so a client that silently did less would fail rather than win.

import { ITEM_ROWS } from './call-statements.js';
import type { LogRow, TinyCallClient } from './call-clients.js';
import type { TinySettings } from './settings.js';

export interface CallCase {
  name: string;
  note: string;
  /** The i-th call of the task by client `clientName`. */
  call(client: TinyCallClient, clientName: string, i: number): Promise<void>;
}

function expectEqual(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

/** 1000 → '1K', 10000 → '10K'. */
function count(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}K` : String(n);
}

export function callCases(settings: TinySettings): CallCase[] {
  const { fetchRows, manyRows } = settings;
  // The same parameter rows on every executemany call: building them is not what is measured.
  const manyRowsOf = new Map<string, LogRow[]>();
  const rowsFor = (client: string) => manyRowsOf.get(client) ?? manyRowsOf.set(client, Array.from({ length: manyRows }, (_, k): LogRow => [client, k, 'many'])).get(client)!;
  return [
    {
      name: 'one-row select',
      note: '`select $1::int4`, a new value each call',
      call: async (client, _, i) => expectEqual(await client.oneRow(i), i, 'one-row select'),
    },
    {
      name: 'prepared 10-row select',
      note: '10 rows of 4 columns by primary-key range. connect(): `prepare()`; the pool: its statement cache (every pgloom statement is prepared once per connection); pg: a named statement; postgres.js: `prepare: true`',
      call: async (client, _, i) => expectEqual(await client.tenRows(1 + ((i * 10) % (ITEM_ROWS - 9))), 10, 'prepared 10-row select'),
    },
    {
      name: 'INSERT',
      note: 'one row of three parameters into an unlogged table (pg: an unnamed statement, its default)',
      call: (client, name, i) => client.insert([name, i, 'one']),
    },
    {
      name: 'transaction of three statements',
      note: 'BEGIN, an INSERT, an UPDATE of one row, a SELECT of it, COMMIT. pgloom: `transaction()`; pg: BEGIN and COMMIT by hand on a pool client; postgres.js: `sql.begin`',
      call: async (client, name, i) => {
        const hits = await client.transaction(1 + (i % ITEM_ROWS), [name, i, 'tx']);
        if (!(hits >= 1)) throw new Error(`transaction: the updated row reads ${hits} hits`);
      },
    },
    {
      name: `executemany of ${manyRows} rows`,
      note: `${manyRows} INSERTs, atomically. pgloom: \`executemany\` (pipelined); pg has none: one named INSERT after another between BEGIN and COMMIT; postgres.js has none: the ${manyRows} INSERTs issued at once in \`sql.begin\` (pipelined), not rewritten as one INSERT over unnest()`,
      call: (client, name) => client.insertMany(rowsFor(name)),
    },
    {
      name: `${count(fetchRows)}-row fetch as rows`,
      note: 'the mixed workload of shared/BENCHMARKS.md (int4, float8, text, timestamptz, bool, int8, numeric) as row objects',
      call: async (client) => expectEqual(await client.fetchRows(), fetchRows, 'fetch as rows'),
    },
    {
      name: `${count(fetchRows)}-row fetch as columns`,
      note: "the pool: `pool.query` then `result.column(i)` for every column (typed arrays, timestamptz as µs since 1970; text and numeric decoded to strings); the others have no columnar result, so rows as arrays: connect() and pg `rowMode: 'array'`, postgres.js `.values()`",
      call: async (client) => expectEqual(await client.fetchColumns(), fetchRows, 'fetch as columns'),
    },
  ];
}
