// A real primary and hot standby: target_session_attrs routes by what each server is, load
// balancing spreads connections over both, and a pool writing through the host list survives
// the primary's loss once the standby is promoted, without a restart.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, ConnectionError, createPool, type Connection } from '../../src/main/index.js';
import { rejectionOf, shutDown, waitFor } from '../support/deadlines.js';
import { startStandbyPair, type StandbyPair } from '../support/standby-pair.js';

describe('a primary and a standby', () => {
  let pair: StandbyPair;
  let both: string;

  beforeAll(async () => {
    pair = await startStandbyPair();
    both = `postgresql://postgres@127.0.0.1:${pair.primary.port},127.0.0.1:${pair.standby.port}/postgres?sslmode=disable`;
    const primary = await connect(pair.primary.dsn);
    await primary.execute('create table replicated (id int4)');
    await primary.close();
  }, 120_000);

  afterAll(async () => {
    await pair?.stop();
  });

  async function portOf(db: Connection): Promise<number> {
    try {
      return await db.fetchval<number>('select inet_server_port()') as number;
    } finally {
      await db.close();
    }
  }

  it('target_session_attrs picks the primary or the standby, whatever the order of the hosts', async () => {
    const reversed = `postgresql://postgres@127.0.0.1:${pair.standby.port},127.0.0.1:${pair.primary.port}/postgres?sslmode=disable`;
    for (const dsn of [both, reversed]) {
      for (const [attrs, expected] of [['read-write', pair.primary.port], ['primary', pair.primary.port], ['read-only', pair.standby.port], ['standby', pair.standby.port], ['prefer-standby', pair.standby.port]] as const) {
        expect(await portOf(await connect(dsn, { targetSessionAttrs: attrs })), `${attrs} on ${dsn}`).toBe(expected);
      }
    }
    expect(await portOf(await connect(both))).toBe(pair.primary.port);
    expect(await portOf(await connect(reversed))).toBe(pair.standby.port);
  });

  it('the standby follows the primary', async () => {
    const primary = await connect(pair.primary.dsn);
    const standby = await connect(pair.standby.dsn);
    try {
      await primary.execute('insert into replicated values (1)');
      await waitFor(async () => ((await standby.fetchval<bigint>('select count(*) from replicated')) === 1n ? true : undefined), 10_000, 'the row to reach the standby');
      expect(await rejectionOf(standby.execute('insert into replicated values (2)'))).toBeInstanceOf(Error);
    } finally {
      await primary.close();
      await standby.close();
    }
  });

  it('load_balance_hosts=random spreads connections over both servers', async () => {
    const ports = await Promise.all(Array.from({ length: 16 }, async () => portOf(await connect(both, { loadBalanceHosts: 'random' }))));
    expect(new Set(ports)).toEqual(new Set([pair.primary.port, pair.standby.port]));
  });

  it('a read pool beside the write pool reads on the standby, partitioned too', async () => {
    const primary = await connect(pair.primary.dsn);
    await primary.execute('create table spread as select generate_series(1, 5000) as id');
    const standby = await connect(pair.standby.dsn);
    await waitFor(async () => ((await standby.fetchval('select to_regclass($1) is not null', ['spread'])) === true ? true : undefined), 10_000, 'the table to reach the standby');
    await standby.close();
    await primary.close();
    const reads = createPool(both, { workers: 1, connectionsPerWorker: 3, targetSessionAttrs: 'prefer-standby' });
    try {
      expect(await reads.fetchval('select pg_is_in_recovery()')).toBe(true);
      const split = await reads.query<{ id: number }>('select id, inet_server_port() as port from spread where id > $1', [0], { partitionOn: 'id', partitions: 3, consistent: 'none' });
      expect(split.numRows).toBe(5000);
      expect(new Set(split.rows.map((row) => (row as unknown as { port: number }).port))).toEqual(new Set([pair.standby.port]));
    } finally {
      await shutDown(reads);
    }
  });

  // Last: it ends the primary.
  it('a pool writing through the host list fails fast without a primary, and writes again once the standby is promoted', async () => {
    const writes = createPool(both, { workers: 1, connectionsPerWorker: 2, targetSessionAttrs: 'read-write', connectTimeout: 2 });
    try {
      await writes.execute('insert into replicated values (10)');
      await pair.killPrimary();
      // The connection to the lost primary fails; a new one finds no read-write host.
      const lost = await rejectionOf(writes.execute('insert into replicated values (11)'));
      expect(lost).toBeInstanceOf(ConnectionError);
      const none = await rejectionOf(writes.execute('insert into replicated values (12)'));
      expect(none).toBeInstanceOf(ConnectionError);
      expect((none as Error).message).toMatch(/target_session_attrs=read-write/);
      const standby = await connect(pair.standby.dsn);
      await standby.fetchval('select pg_promote()');
      await waitFor(async () => ((await standby.fetchval('select pg_is_in_recovery()')) === false ? true : undefined), 10_000, 'the promotion');
      await standby.close();
      await writes.execute('insert into replicated values (13)');
      expect(await writes.fetchval('select inet_server_port()')).toBe(pair.standby.port);
      expect(await writes.fetchval('select array_agg(id order by id)::text from replicated where id >= 10')).toBe('{10,13}');
    } finally {
      await shutDown(writes);
    }
  });
});
