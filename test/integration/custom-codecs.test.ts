// setTypeCodec / setBuiltinTypeCodec / resetTypeCodec against the real server, on a Connection
// (encode and decode) and on a pool (decode on the main thread; parameters keep the default codec).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, DecodeError, InterfaceError, type Connection, type Pool } from '../../src/main/index.js';
import { connectToTestServer, testDsn, uniqueTable } from '../support/server.js';

const S = uniqueTable('cc');

class Money2 {
  constructor(readonly cents: bigint, readonly currency: string) {}
}

let setup: Connection;

beforeAll(async () => {
  setup = await connectToTestServer();
  await setup.execute(`
    create schema ${S};
    create type ${S}.amount as (cents int8, currency text);
    create type ${S}.mood as enum ('sad', 'ok');
    create domain ${S}.posint as int4 check (value > 0);
    create type ${S}.intrange as range (subtype = int4);
  `);
});

afterAll(async () => {
  await setup?.execute(`drop schema if exists ${S} cascade`);
  await setup?.close();
});

describe('Connection custom codecs', () => {
  let db: Connection;
  beforeAll(async () => {
    db = await connectToTestServer();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("'tuple' codecs map a composite to a class, both ways, arrays of it too", async () => {
    await db.setTypeCodec<Money2>('amount', {
      schema: S,
      format: 'tuple',
      encoder: (m) => [m.cents, m.currency],
      decoder: ([cents, currency]) => new Money2(cents as bigint, currency as string),
    });
    const value = await db.fetchval(`select row(1234, 'EUR')::${S}.amount`);
    expect(value).toBeInstanceOf(Money2);
    expect(value).toEqual(new Money2(1234n, 'EUR'));
    expect(await db.fetchval(`select ($1::${S}.amount).currency`, [new Money2(5n, 'USD')])).toBe('USD');
    const array = await db.fetchval<Money2[]>(`select array[row(1, 'a')::${S}.amount, null]`);
    expect(array).toEqual([new Money2(1n, 'a'), null]);
    await db.resetTypeCodec('amount', { schema: S });
    expect(await db.fetchval(`select row(1234, 'EUR')::${S}.amount`)).toEqual({ cents: 1234n, currency: 'EUR' });
  });

  it("'text' codecs get the server's text and send text, for built-in types too", async () => {
    await db.setTypeCodec('int4', { format: 'text', encoder: (v: { n: number }) => String(v.n), decoder: (text) => ({ n: Number(text), text }) });
    try {
      expect(await db.fetchval('select 42::int4')).toEqual({ n: 42, text: '42' });
      expect(await db.fetchval('select $1::int4 + 1', [{ n: 1 }])).toEqual({ n: 2, text: '2' });
      // Only this connection is affected.
      expect(await setup.fetchval('select 42::int4')).toBe(42);
    } finally {
      await db.resetTypeCodec('int4');
    }
    expect(await db.fetchval('select 42::int4')).toBe(42);
  });

  it("the bytes a 'binary' decoder keeps are its own: later reads do not change them", async () => {
    await db.setTypeCodec<unknown>('uuid', { format: 'binary', encoder: (v) => v as Uint8Array, decoder: (bytes) => bytes });
    try {
      const kept = await db.fetchval<Uint8Array>(`select 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa'::uuid`);
      // The next results arrive through the same socket reads the first one did.
      for (let i = 0; i < 3; i++) await db.fetch(`select 'bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb'::uuid from generate_series(1, 100)`);
      expect(Buffer.from(kept!).toString('hex')).toBe('a'.repeat(32));
    } finally {
      await db.resetTypeCodec('uuid');
    }
  });

  it("'binary' codecs get the value's bytes", async () => {
    await db.setTypeCodec<unknown>('uuid', { format: 'binary', encoder: (v) => v as Uint8Array, decoder: (bytes) => Buffer.from(bytes).toString('base64') });
    try {
      expect(await db.fetchval(`select '00000000-0000-0000-0000-0000000000ff'::uuid`)).toBe(Buffer.from([...new Array(15).fill(0), 255]).toString('base64'));
      expect(await db.fetchval('select $1::uuid::text', [new Uint8Array(16).fill(1)])).toBe('01010101-0101-0101-0101-010101010101');
    } finally {
      await db.resetTypeCodec('uuid');
    }
  });

  it("'tuple' codecs on a range get [lower, upper, bounds]", async () => {
    await db.setTypeCodec<string>(`${S}.intrange`, {
      format: 'tuple',
      encoder: (text) => text.split(':').map(Number).concat([]).slice(0, 2),
      decoder: ([lower, upper, bounds]) => `${String(lower)}..${String(upper)} ${String(bounds)}`,
    });
    expect(await db.fetchval(`select '[1,5]'::${S}.intrange`)).toBe('1..5 []'); // no canonical function: not discrete
    expect(await db.fetchval(`select 'empty'::${S}.intrange`)).toBe('null..null empty');
    expect(await db.fetchval(`select upper($1::${S}.intrange)`, ['3:9'])).toBe(9);
  });

  it('setBuiltinTypeCodec exchanges a type with a wire-compatible built-in codec', async () => {
    await db.setBuiltinTypeCodec('mood', { schema: S, codecName: 'bytea' });
    expect(await db.fetchval(`select 'ok'::${S}.mood`)).toEqual(new Uint8Array(Buffer.from('ok')));
    expect(await db.fetchval(`select $1::${S}.mood::text`, [Buffer.from('sad')])).toBe('sad');
    await db.resetTypeCodec('mood', { schema: S });
    expect(await db.fetchval(`select 'ok'::${S}.mood`)).toBe('ok');
  });

  it('names the cause of misuse: unknown types, domains, tuple on a scalar, failing decoders', async () => {
    await expect(db.setTypeCodec('no_such_type', { format: 'text', encoder: String, decoder: String })).rejects.toThrow(InterfaceError);
    await expect(db.setTypeCodec('no_such_type', { format: 'text', encoder: String, decoder: String })).rejects.toThrow(/no type no_such_type on the search_path/);
    await expect(db.setTypeCodec('posint', { schema: S, format: 'text', encoder: String, decoder: Number })).rejects.toThrow(/domain.*base type int4/);
    await expect(db.setTypeCodec('mood', { schema: S, format: 'tuple', encoder: () => [], decoder: (t) => t })).rejects.toThrow(/'tuple' is for composite and range types/);
    await expect(db.setBuiltinTypeCodec('mood', { schema: S, codecName: 'nope' })).rejects.toThrow(/no built-in codec named 'nope'/);
    await db.setTypeCodec('mood', { schema: S, format: 'text', encoder: String, decoder: () => { throw new Error('bad mood'); } });
    await expect(db.fetchval(`select 'ok'::${S}.mood`)).rejects.toThrow(DecodeError);
    await expect(db.fetchval(`select 'ok'::${S}.mood`)).rejects.toThrow(/custom decoder of type mood threw: bad mood/);
    // The connection is still usable.
    await db.resetTypeCodec('mood', { schema: S });
    expect(await db.fetchval(`select 'ok'::${S}.mood`)).toBe('ok');
  });
});

describe('pool custom codecs', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool(testDsn(), { workers: 2, connectionsPerWorker: 2 });
  });
  afterAll(async () => {
    await pool?.close();
  });

  it('encode parameters on the main thread: one-shot, executemany, streams, pinned connections and cursors', async () => {
    // The encoder is only a function of this thread; the worker's default codec would send 'OK',
    // which is not a label of the enum.
    await pool.setTypeCodec<string>('mood', { schema: S, format: 'text', encoder: (v) => v.toLowerCase(), decoder: (text) => text.toUpperCase() });
    await pool.setTypeCodec<Money2>('amount', { schema: S, format: 'tuple', encoder: (m) => [m.cents * 100n, m.currency], decoder: ([c, cur]) => new Money2(c as bigint, cur as string) });
    try {
      expect(await pool.fetchval(`select $1::${S}.mood::text`, ['OK'])).toBe('ok');
      expect(await pool.fetchval(`select ($2::${S}.amount).cents + $1::int8`, [1n, new Money2(3n, 'EUR')])).toBe(301n);
      expect(await pool.fetchval(`select $1::${S}.mood::text`, ['SAD'])).toBe('sad');
      const table = `${S}.pool_moods`;
      await pool.execute(`create table if not exists ${table} (m ${S}.mood, a ${S}.amount)`);
      await pool.executemany(`insert into ${table} values ($1, $2)`, [['OK', new Money2(1n, 'x')], ['SAD', null]]);
      expect(await pool.fetchval(`select string_agg(m::text || coalesce((a).cents::text, '-'), ',' order by m) from ${table}`)).toBe('sad-,ok100');
      const streamed: unknown[] = [];
      for await (const batch of pool.stream(`select m from ${table} where m = $1`, ['OK'])) streamed.push(...batch.toRows());
      expect(streamed).toEqual([{ m: 'OK' }]);
      await pool.withConnection(async (connection) => {
        expect(await connection.fetchval(`select $1::${S}.mood::text`, ['OK'])).toBe('ok');
        await connection.transaction(async () => {
          const seen: unknown[] = [];
          for await (const row of connection.cursor(`select m from ${table} where m = $1`, ['SAD'])) seen.push(row);
          expect(seen).toEqual([{ m: 'SAD' }]);
        });
      });
      await pool.execute(`drop table ${table}`);
    } finally {
      await pool.resetTypeCodec('mood', { schema: S });
      await pool.resetTypeCodec('amount', { schema: S });
    }
  });

  it("decode results on the main thread with 'text', 'binary' and 'tuple' codecs", async () => {
    await pool.setTypeCodec<Money2>('amount', { schema: S, format: 'tuple', encoder: (m) => [m.cents, m.currency], decoder: ([c, cur]) => new Money2(c as bigint, cur as string) });
    await pool.setTypeCodec('mood', { schema: S, format: 'text', encoder: String, decoder: (text) => text.toUpperCase() });
    await pool.setTypeCodec<unknown>('int4', { format: 'binary', encoder: (v) => v as Uint8Array, decoder: (bytes) => `int4:${Buffer.from(bytes).toString('hex')}` });
    const sql = `select row(7, 'EUR')::${S}.amount as a, 'ok'::${S}.mood as m, 258::int4 as i, null::int4 as nothing from generate_series(1, 2)`;
    const expected = { a: new Money2(7n, 'EUR'), m: 'OK', i: 'int4:00000102', nothing: null };
    expect(await pool.fetch(sql)).toEqual([expected, expected]);
    expect((await pool.query(sql)).rows[0].a).toBeInstanceOf(Money2);
    const streamed: unknown[] = [];
    for await (const batch of pool.stream(sql)) streamed.push(...batch.toRows());
    expect(streamed).toEqual([expected, expected]);
    expect(await pool.withConnection((c) => c.fetch(sql))).toEqual([expected, expected]);
    // Parameters go through the custom encoder, on this thread.
    expect(await pool.fetchval(`select ($1::${S}.amount).cents::text`, [new Money2(9n, 'x')])).toBe('9');
    for (const type of ['amount', 'mood']) await pool.resetTypeCodec(type, { schema: S });
    await pool.resetTypeCodec('int4');
    // Workers hear about the reset too: int4 comes back in binary, as a number.
    expect(await pool.fetchval('select 258::int4')).toBe(258);
    expect(await pool.withConnection((c) => c.fetchval('select 258::int4'))).toBe(258);
    expect(await pool.fetchrow(sql)).toEqual({ a: { cents: 7n, currency: 'EUR' }, m: 'ok', i: 258, nothing: null });
  });

  it('setBuiltinTypeCodec reaches the workers: both ways', async () => {
    await pool.setBuiltinTypeCodec('mood', { schema: S, codecName: 'bytea' });
    expect(await pool.fetchval(`select 'ok'::${S}.mood`)).toEqual(new Uint8Array(Buffer.from('ok')));
    expect(await pool.fetchval(`select $1::${S}.mood::text`, [Buffer.from('sad')])).toBe('sad');
    await pool.resetTypeCodec('mood', { schema: S });
    expect(await pool.fetchval(`select 'ok'::${S}.mood`)).toBe('ok');
  });

  it('rejects the same misuse as a Connection', async () => {
    await expect(pool.setTypeCodec('no_such_type', { format: 'text', encoder: String, decoder: String })).rejects.toThrow(/no type no_such_type/);
    await expect(pool.setTypeCodec('posint', { schema: S, format: 'text', encoder: String, decoder: Number })).rejects.toThrow(/domain/);
  });
});
