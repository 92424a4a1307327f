// Users' codecs inside arrays, composites and ranges, against the real server, on a Connection and
// through a pool (where the main thread decodes and encodes): a text codec on a type whose binary
// form is its text (an enum) works inside binary containers; a text codec on any other type makes
// its arrays travel as array literals; a range uses its subtype's codec.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLowerBounds, createPool, makeRange, type Connection, type Pool } from '../../src/main/index.js';
import { connectToTestServer, testDsn, uniqueTable } from '../support/server.js';

const S = uniqueTable('ccc');

type Client = Pick<Connection, 'fetchval' | 'fetchrow' | 'setTypeCodec' | 'resetTypeCodec'>;

let setup: Connection;
let db: Connection;
let pool: Pool;

beforeAll(async () => {
  setup = await connectToTestServer();
  await setup.execute(`
    create schema ${S};
    create type ${S}.mood as enum ('sad', 'ok', 'a "quoted", {odd} one');
    create type ${S}.pair as (m ${S}.mood, n int4);
    create type ${S}.moodrange as range (subtype = ${S}.mood);
  `);
  db = await connectToTestServer();
  pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 2 });
});

afterAll(async () => {
  await pool?.close();
  await db?.close();
  await setup?.execute(`drop schema if exists ${S} cascade`);
  await setup?.close();
});

/** Each test runs on a Connection and on a pool. */
const clients: [string, () => Client][] = [
  ['Connection', () => db],
  ['pool', () => pool],
];

describe.each(clients)('%s', (_label, client) => {
  it('an enum text codec decodes and encodes it inside arrays, composites and ranges', async () => {
    const c = client();
    await c.setTypeCodec<string>('mood', { schema: S, format: 'text', encoder: (v) => v.replace(/^mood:/, ''), decoder: (text) => `mood:${text}` });
    try {
      expect(await c.fetchval(`select array['ok', null, 'a "quoted", {odd} one']::${S}.mood[]`)).toEqual(['mood:ok', null, 'mood:a "quoted", {odd} one']);
      const matrix = await c.fetchval<unknown[]>(`select '[0:1][1:1]={{ok},{sad}}'::${S}.mood[]`);
      expect(matrix).toEqual([['mood:ok'], ['mood:sad']]);
      expect(arrayLowerBounds(matrix!)).toEqual([0, 1]);
      expect(await c.fetchval(`select row('ok', 1)::${S}.pair`)).toEqual({ m: 'mood:ok', n: 1 });
      expect(await c.fetchval(`select ${S}.moodrange('sad', 'ok', '[]')`)).toEqual(makeRange('mood:sad', 'mood:ok', '[]'));
      // Parameters go through the encoder; the server confirms what it received.
      expect(await c.fetchval(`select $1::${S}.mood[] = array['ok', 'sad', null]::${S}.mood[]`, [['mood:ok', 'mood:sad', null]])).toBe(true);
      expect(await c.fetchval(`select ($1::${S}.pair).m::text`, [{ m: 'mood:a "quoted", {odd} one', n: 2 }])).toBe('a "quoted", {odd} one');
      expect(await c.fetchval(`select upper($1::${S}.moodrange)::text`, [makeRange('mood:sad', 'mood:ok')])).toBe('ok');
    } finally {
      await c.resetTypeCodec('mood', { schema: S });
    }
    expect(await c.fetchval(`select array['ok']::${S}.mood[]`)).toEqual(['ok']);
  });

  it('a text codec on a type whose binary form is not text makes its arrays array literals', async () => {
    const c = client();
    await c.setTypeCodec<string>('point', { format: 'text', encoder: (v) => v.slice(1), decoder: (text) => `P${text}` });
    await c.setTypeCodec<string>('box', { format: 'text', encoder: (v) => v.slice(1), decoder: (text) => `B${text}` });
    await c.setTypeCodec<string>('pair', { schema: S, format: 'text', encoder: (v) => v.slice(1), decoder: (text) => `R${text}` });
    try {
      expect(await c.fetchval('select array[point(1, 2), null, point(3.5, -4)]')).toEqual(['P(1,2)', null, 'P(3.5,-4)']);
      const bounded = await c.fetchval<unknown[]>(`select '[2:3]={"(1,2)","(3,4)"}'::point[]`);
      expect(bounded).toEqual(['P(1,2)', 'P(3,4)']);
      expect(arrayLowerBounds(bounded!)).toEqual([2]);
      expect(await c.fetchval(`select '{}'::point[]`)).toEqual([]);
      expect(await c.fetchval('select array[array[point(0, 0)], array[point(1, 1)]]')).toEqual([['P(0,0)'], ['P(1,1)']]);
      // box separates its elements with ';' in array literals.
      const boxes = await c.fetchval<string[]>(`select array[box '((1,1),(0,0))', box '((3,3),(2,2))']`);
      expect(boxes).toEqual([`B${await setup.fetchval<string>(`select box '((1,1),(0,0))'::text`)}`, `B${await setup.fetchval<string>(`select box '((3,3),(2,2))'::text`)}`]);
      expect(await c.fetchval(`select $1::box[]::text = array[box '((1,1),(0,0))', box '((3,3),(2,2))']::text`, [boxes])).toBe(true);
      // A composite's text has quotes and commas; each element is the server's own text of it.
      const tricky = `row('a "quoted", {odd} one', 2)::${S}.pair`;
      const pairs = await c.fetchval<string[]>(`select array[${tricky}, null]`);
      expect(pairs).toEqual([`R${await setup.fetchval<string>(`select (${tricky})::text`)}`, null]);
      expect(await c.fetchval(`select $1::${S}.pair[] = array[${tricky}, null]`, [pairs])).toBe(true);
      expect(await c.fetchval('select $1::point[]::text', [['P(1,2)', null]])).toBe(await setup.fetchval(`select array[point(1, 2), null]::text`));
    } finally {
      await c.resetTypeCodec('point');
      await c.resetTypeCodec('box');
      await c.resetTypeCodec('pair', { schema: S });
    }
    expect(await c.fetchval('select array[point(1, 2)]')).toEqual([{ x: 1, y: 2 }]);
  });

  it("built-in ranges and multiranges use their subtype's codec", async () => {
    const c = client();
    const decoder = (bytes: Uint8Array) => `n=${new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigInt64(0)}`;
    const encoder = (value: string) => {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigInt64(0, BigInt(value.slice(2)));
      return bytes;
    };
    await c.setTypeCodec<string>('int8', { format: 'binary', encoder, decoder });
    try {
      expect(await c.fetchval('select int8range(1, 10)')).toEqual(makeRange('n=1', 'n=10'));
      expect(await c.fetchval(`select '{[1,3), [5,7)}'::int8multirange`)).toEqual([makeRange('n=1', 'n=3'), makeRange('n=5', 'n=7')]);
      expect(await c.fetchval('select upper($1::int8range)', [makeRange('n=3', 'n=9', '[]')])).toBe('n=10');
    } finally {
      await c.resetTypeCodec('int8');
    }
    expect(await c.fetchval('select int8range(1, 10)')).toEqual(makeRange(1n, 10n));
  });
});
