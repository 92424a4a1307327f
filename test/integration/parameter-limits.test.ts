// PostgreSQL takes at most 65,535 parameters per statement (a 16-bit count on the wire). More values,
// or a statement text numbering $65536, are refused with a ParameterError naming the limit and what
// to do instead; the connection stays usable.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, ParameterError, PostgresError, type Connection, type Pool } from '../../src/main/index.js';
import { connectToTestServer, testDsn } from '../support/server.js';
import { rejectionOf, shutDown, within } from '../support/deadlines.js';

const values = (n: number) => Array.from({ length: n }, (_, i) => i);
/** One statement with placeholders $1…$n, whose value is how many it received. */
const arrayOf = (n: number) => `select array_length(array[${values(n).map((i) => `$${i + 1}::int`).join(',')}], 1) as n`;

const TOO_MANY = /^65,536 parameters given, but a PostgreSQL statement takes at most 65,535 \(\$1…\$65535\): pass the values as arrays instead .*unnest.*COPY$/;
const PAST_LIMIT = /^the query text uses \$65536, but a PostgreSQL statement takes at most 65,535 parameters .*unnest.*COPY$/;

async function refused(promise: Promise<unknown>, pattern: RegExp): Promise<ParameterError> {
  const error = await within(rejectionOf(promise), 20_000, 'a query past the parameter limit');
  expect(error).toBeInstanceOf(ParameterError);
  expect((error as Error).message).toMatch(pattern);
  return error as ParameterError;
}

describe('the parameter limit on a connect() connection', () => {
  let db: Connection;
  beforeAll(async () => {
    db = await connectToTestServer();
  });
  afterAll(async () => {
    await db?.close();
  });

  const preparedCount = (sqlStart: string) => db.fetchval<number>('select count(*)::int from pg_prepared_statements where starts_with(statement, $1)', [sqlStart]);

  it('65,535 parameters work', async () => {
    expect(await db.fetchval(arrayOf(65535), values(65535))).toBe(65535);
  });

  it('65,536 values are refused before anything is sent', async () => {
    const sql = arrayOf(65536).replace('select', 'select /* too many */');
    await refused(db.fetch(sql, values(65536)), TOO_MANY);
    await refused(db.executemany(sql, [values(3), values(65536)]), TOO_MANY);
    // Never parsed: the server has no statement for that text.
    expect(await preparedCount('select /* too many */')).toBe(0);
    expect(await db.fetchval('select 1')).toBe(1);
  });

  it('a statement text using $65536 is refused, whatever the server made of it', async () => {
    // The server parses it (65,536 parameters, which the 16-bit count cannot say): pgloom counts the OIDs it sent.
    const sql = arrayOf(65536).replace('select', 'select /* past the limit */');
    await refused(db.fetch(sql, []), PAST_LIMIT);
    await refused(db.fetch(sql, values(12)), PAST_LIMIT);
    // The server cannot type $1…$65535 here and says so about $1: the error says what is really wrong.
    const error = await refused(db.fetch('select $65536::int', []), PAST_LIMIT);
    expect(error.cause).toBeInstanceOf(PostgresError);
    expect((error.cause as PostgresError).code).toBe('42P18');
    await refused(db.prepare(sql), PAST_LIMIT);
    // The statements the server did prepare are closed, not cached.
    expect(await db.fetchval('select 2')).toBe(2);
    expect(await preparedCount('select /* past the limit */')).toBe(0);
  });
});

describe('the parameter limit through the pool', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1 });
  });
  afterAll(async () => {
    await shutDown(pool);
  });

  it('pool calls and pinned sessions refuse 65,536 values and $65536, and stay usable', async () => {
    await refused(pool.fetch(arrayOf(65536), values(65536)), TOO_MANY);
    await refused(pool.executemany(arrayOf(65536), [values(65536)]), TOO_MANY);
    await refused(pool.query(arrayOf(65536), []), PAST_LIMIT);
    await pool.withConnection(async (session) => {
      await refused(session.fetch(arrayOf(65536), values(65536)), TOO_MANY);
      await refused(session.executemany(arrayOf(65536), [values(65536)]), TOO_MANY);
      await refused(session.fetch('select $65536::int', []), PAST_LIMIT);
      expect(await session.fetchval('select 3')).toBe(3);
    });
    expect(await pool.fetchval(arrayOf(65535), values(65535))).toBe(65535);
  });
});
