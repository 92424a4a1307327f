// Pool parameters of custom-encoded types work on first use: the type with the codec itself, a
// domain over it (which results never name: the server reports a domain column as its base type),
// arrays of both, composites holding it, in one-shot calls, executemany, pinned sessions and streams.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool, type TypeCodecSpec } from '../../src/main/index.js';
import { connectToTestServer, testDsn, uniqueTable } from '../support/server.js';
import { shutDown } from '../support/deadlines.js';

const S = uniqueTable('pool_param_types');

/** A JSON codec that marks what it decoded and refuses what it was not given through it. */
const taggedJson: TypeCodecSpec = {
  format: 'text',
  encoder: (value) => JSON.stringify((value as { tagged: unknown }).tagged),
  decoder: (text) => ({ decoded: JSON.parse(text) as unknown }),
};

describe('custom-encoded parameter types through the pool', () => {
  let pool: Pool;
  beforeAll(async () => {
    const db = await connectToTestServer();
    try {
      await db.execute(`create schema ${S}`);
      await db.execute(`create domain ${S}.doc as json`);
      await db.execute(`create domain ${S}.checked_doc as ${S}.doc check (value::text <> 'null')`);
      await db.execute(`create type ${S}.mood as enum ('sad', 'ok', 'happy')`);
      await db.execute(`create domain ${S}.mood_d as ${S}.mood`);
      await db.execute(`create type ${S}.labelled as (label text, doc ${S}.doc)`);
      await db.execute(`create table ${S}.docs(id int, doc ${S}.doc, docs ${S}.doc[], mood ${S}.mood_d)`);
    } finally {
      await db.close();
    }
  });
  afterAll(async () => {
    const db = await connectToTestServer();
    await db.execute(`drop schema if exists ${S} cascade`);
    await db.close();
  });

  async function freshPool(): Promise<Pool> {
    await shutDown(pool);
    pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 2 });
    await pool.setTypeCodec('json', taggedJson);
    return pool;
  }
  afterAll(async () => shutDown(pool));

  it('a domain over a custom-encoded type, on first use and without fetching it first', async () => {
    const p = await freshPool();
    expect(await p.fetchval(`select $1::${S}.doc`, [{ tagged: { a: 1 } }])).toEqual({ decoded: { a: 1 } });
    expect(await p.fetchval(`select $1::${S}.checked_doc`, [{ tagged: [1, 2] }])).toEqual({ decoded: [1, 2] });
    // An argument whose type the server infers as the domain (the column's type).
    await p.execute(`insert into ${S}.docs(id, doc) values ($1, $2)`, [1, { tagged: 'first' }]);
    expect(await p.fetchval(`select doc from ${S}.docs where id = 1`)).toEqual({ decoded: 'first' });
  });

  it('arrays of the type and of the domain', async () => {
    const p = await freshPool();
    expect(await p.fetchval('select $1::json[]', [[{ tagged: 1 }, { tagged: 'two' }]])).toEqual([{ decoded: 1 }, { decoded: 'two' }]);
    expect(await p.fetchval(`select $1::${S}.doc[]`, [[{ tagged: { x: 1 } }, null]])).toEqual([{ decoded: { x: 1 } }, null]);
    await p.execute(`insert into ${S}.docs(id, docs) values ($1, $2)`, [2, [{ tagged: 'a' }, { tagged: 'b' }]]);
    expect(await p.fetchval(`select docs from ${S}.docs where id = 2`)).toEqual([{ decoded: 'a' }, { decoded: 'b' }]);
  });

  it('a composite holding the domain', async () => {
    const p = await freshPool();
    expect(await p.fetchval(`select ($1::${S}.labelled).doc`, [{ label: 'l', doc: { tagged: { deep: true } } }])).toEqual({ decoded: { deep: true } });
  });

  it('a domain over a user type with a custom codec', async () => {
    const p = await freshPool();
    await p.setTypeCodec('mood', { schema: S, format: 'text', encoder: (v: { mood: string }) => v.mood, decoder: (text) => ({ mood: text }) });
    await p.execute(`insert into ${S}.docs(id, mood) values ($1, $2)`, [3, { mood: 'happy' }]);
    expect(await p.fetchval(`select mood from ${S}.docs where id = $1`, [3])).toEqual({ mood: 'happy' });
    expect(await p.fetchval(`select $1::${S}.mood_d::text`, [{ mood: 'ok' }])).toBe('ok');
  });

  it('in executemany, pinned sessions and streams', async () => {
    const p = await freshPool();
    await p.executemany(`insert into ${S}.docs(id, doc) values ($1, $2)`, [[10, { tagged: 10 }], [11, { tagged: 11 }]]);
    expect(await p.fetch(`select doc from ${S}.docs where id in (10, 11) order by id`)).toEqual([{ doc: { decoded: 10 } }, { doc: { decoded: 11 } }]);
    await p.transaction(async (tx) => {
      expect(await tx.fetchval(`select $1::${S}.doc`, [{ tagged: 'pinned' }])).toEqual({ decoded: 'pinned' });
      await tx.executemany(`insert into ${S}.docs(id, docs) values ($1, $2)`, [[12, [{ tagged: 12 }]]]);
    });
    expect(await p.fetchval(`select docs from ${S}.docs where id = 12`)).toEqual([{ decoded: 12 }]);
    const streamed: unknown[] = [];
    for await (const batch of p.stream(`select $1::${S}.doc as doc`, [{ tagged: 'streamed' }])) streamed.push(...batch.toRows());
    expect(streamed).toEqual([{ doc: { decoded: 'streamed' } }]);
  });
});
