// A corrupting proxy between the client and the real server (test/support/fault-proxy.ts): one
// server message has its length word made larger or smaller, its type byte changed to an unknown
// one, a field's length or count word changed, or a value byte changed; or the connection is cut
// after N bytes. Each affected call ends with a typed error within a bound — never a hang, never an
// untyped error — a connection whose stream can no longer be trusted is closed, and afterwards
// connect() and the pool serve correct answers on new connections.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError, connect, ConnectionError, createPool, DecodeError, ProtocolError, QueryTimeoutError,
  type Connection, type Pool, type Session,
} from '../../src/main/index.js';
import { dsnTarget, startFaultProxy, type FaultProxy, type RewriteChange } from '../support/fault-proxy.js';
import { rejectionOf, shutDown, waitFor, within } from '../support/deadlines.js';
import { testDsn } from '../support/server.js';

/** Every affected call must end within this. */
const BOUND_MS = 3000;
/** The call timeout of the cases where the client waits for bytes that never come. */
const WAIT_TIMEOUT_MS = 400;

type ErrorClass = abstract new (...args: never[]) => Error;

interface Corruption {
  /** The message to corrupt (counted from the RowDescription naming the marker column) and how. */
  type: string;
  nth?: number;
  change: RewriteChange;
  /** The typed errors the call may end with (framing broken: the connection is closed). */
  errors: ErrorClass[];
  /** The client is left waiting for bytes: the call's own timeout must end it. */
  waits?: boolean;
  /** The corrupted call's SQL, when not the usual query (it must put the marker in a server message). */
  sql?: (marker: string) => string;
}

/** The server's ErrorResponse quotes the marker: invalid input syntax for type integer: "rw_…". */
const failing = (marker: string) => `select '${marker}'::int4`;

// The query of every case: one row, `select 258::int4 as <marker>, 'abc'::text as t`. Its DataRow body:
// int16 field count (2), int32 length 4, 00 00 01 02, int32 length 3, 'abc'.
const corruptions: Record<string, Corruption> = {
  'a DataRow length word 3 too large (it takes in the next message\'s bytes)': { type: 'D', change: { kind: 'length', by: 3 }, errors: [ProtocolError] },
  'a DataRow length word 2 too small': { type: 'D', change: { kind: 'length', by: -2 }, errors: [ProtocolError] },
  'a DataRow length word below its 4-byte minimum': { type: 'D', change: { kind: 'length', by: -20 }, errors: [ProtocolError] },
  'a DataRow type byte changed to an unknown one': { type: 'D', change: { kind: 'type', to: 'y' }, errors: [ProtocolError] },
  'a RowDescription type byte changed to an unknown one': { type: 'T', change: { kind: 'type', to: 'y' }, errors: [ProtocolError] },
  'a RowDescription length word 5 too small': { type: 'T', change: { kind: 'length', by: -5 }, errors: [ProtocolError] },
  'a CommandComplete length word 2 too large': { type: 'C', change: { kind: 'length', by: 2 }, errors: [ProtocolError] },
  'a CommandComplete type byte changed to an unknown one': { type: 'C', change: { kind: 'type', to: 'y' }, errors: [ProtocolError] },
  'a DataRow field count made larger': { type: 'D', change: { kind: 'byte', at: 1, value: 3 }, errors: [ProtocolError] },
  'a DataRow field count made smaller': { type: 'D', change: { kind: 'byte', at: 1, value: 1 }, errors: [ProtocolError] },
  'a field length\'s high byte flipped (a length below -1)': { type: 'D', change: { kind: 'byte', at: 2, value: 0x80 }, errors: [ProtocolError] },
  'a field length made larger than the row': { type: 'D', change: { kind: 'byte', at: 5, value: 0x40 }, errors: [ProtocolError] },
  'the text field\'s length made 1 smaller (a byte left after the last field)': { type: 'D', change: { kind: 'byte', at: 13, value: 2 }, errors: [ProtocolError] },
  'an int4 field length made 2 (the fixed width broken)': { type: 'D', change: { kind: 'byte', at: 5, value: 2 }, errors: [ProtocolError, DecodeError] },
  'a DataRow length word far larger than what follows': { type: 'D', change: { kind: 'length', by: 100_000 }, errors: [QueryTimeoutError], waits: true },
  'an ErrorResponse length word 2 too large': { type: 'E', change: { kind: 'length', by: 2 }, errors: [ProtocolError], sql: failing },
  'an ErrorResponse type byte changed to an unknown one': { type: 'E', change: { kind: 'type', to: 'y' }, errors: [ProtocolError], sql: failing },
  'a BindComplete length word 3 too large (an empty message made to hold bytes)': { type: '2', change: { kind: 'length', by: 3 }, errors: [ProtocolError] },
  'a ReadyForQuery length word 1 too large (the last message: the client waits for its byte)': { type: 'Z', change: { kind: 'length', by: 1 }, errors: [QueryTimeoutError], waits: true },
  'the connection cut 8 bytes into the DataRow': { type: 'D', change: { kind: 'cut', at: 8 }, errors: [ConnectionError] },
  'the connection cut just before the CommandComplete': { type: 'C', change: { kind: 'cut', at: 0 }, errors: [ConnectionError] },
  'the connection cut inside the RowDescription': { type: 'T', change: { kind: 'cut', at: 12 }, errors: [ConnectionError] },
};

const typedAs = (error: unknown, classes: ErrorClass[]) => classes.some((c) => error instanceof c);

describe('a corrupting proxy before the real server', () => {
  const dsn = new URL(testDsn());
  let proxy: FaultProxy;
  let pool: Pool;
  let proxied: string;
  let markers = 0;

  /** A column name no other query of the run has, so the rewrite finds only this call's messages. */
  const nextMarker = () => `rw_${process.pid}_${markers++}`;
  const sqlFor = (marker: string) => `select 258::int4 as ${marker}, 'abc'::text as t`;

  beforeAll(async () => {
    proxy = await startFaultProxy(dsnTarget(testDsn()));
    const url = new URL(testDsn());
    url.host = `127.0.0.1:${proxy.port}`;
    proxied = url.toString();
    pool = createPool({
      host: '127.0.0.1', port: proxy.port, user: decodeURIComponent(dsn.username), database: decodeURIComponent(dsn.pathname.slice(1)),
      password: decodeURIComponent(dsn.password), sslmode: 'disable', workers: 2, connectionsPerWorker: 2, cancelGracePeriod: 300,
    });
    expect(await within(pool.fetchval('select 1'), 10_000, 'starting the pool')).toBe(1);
  });
  afterAll(async () => {
    await shutDown(pool);
    await proxy?.close();
  });

  /** The same query, unharmed, answers correctly on `session`. */
  async function answersCorrectly(session: Pick<Session, 'fetch'>, marker: string, what: string): Promise<void> {
    const rows = await within(session.fetch(sqlFor(marker)), BOUND_MS, what);
    expect(rows, what).toEqual([{ [marker]: 258, t: 'abc' }]);
  }

  /** The pool serves afterwards, and nothing stays busy. */
  async function poolServes(marker: string): Promise<void> {
    for (let i = 0; i < 4; i++) await answersCorrectly(pool, marker, `a later pool call (${i})`);
    await waitFor(async () => {
      const stats = await pool.stats();
      return stats.connections.busy === 0 && stats.connections.pinned === 0 ? true : undefined;
    }, BOUND_MS, 'stats(): no busy or pinned connection left');
  }

  describe.each(Object.entries(corruptions))('%s', (_name, corruption) => {
    const options = corruption.waits === true ? { timeout: WAIT_TIMEOUT_MS } : {};

    it('connect(): the call ends with a typed error within the bound; a new connection serves', async () => {
      const marker = nextMarker();
      const db: Connection = await connect(proxied, { cancelGracePeriod: 300 });
      try {
        const fired = proxy.rewritesFired;
        proxy.rewriteOnce({ marker, type: corruption.type, nth: corruption.nth, change: corruption.change });
        const error = await within(rejectionOf(db.fetch((corruption.sql ?? sqlFor)(marker), [], options)), BOUND_MS, 'the corrupted call');
        expect(proxy.rewritesFired, 'the rewrite fired').toBe(fired + 1);
        expect(typedAs(error, corruption.errors), `${String(error)} is one of ${corruption.errors.map((c) => c.name).join(', ')}`).toBe(true);
        if (error instanceof DecodeError) {
          // A value that could not be decoded, the framing intact: the same connection serves on.
          await answersCorrectly(db, nextMarker(), 'the same connection after a DecodeError');
        } else {
          // The stream cannot be trusted: the connection is closed (after the grace period when it waited).
          await waitFor(async () => (db.closed ? true : undefined), BOUND_MS, 'the connection to close');
          const later = await within(rejectionOf(db.fetchval('select 1')), BOUND_MS, 'a call on the closed connection');
          expect(typedAs(later, [ConnectionError, ProtocolError]), String(later)).toBe(true);
        }
      } finally {
        db.terminate();
      }
      const again = await within(connect(proxied), BOUND_MS, 'a new connect()');
      try {
        await answersCorrectly(again, marker, 'the same query on a new connection');
      } finally {
        await again.close();
      }
    });

    it('the pool: the call ends with a typed error within the bound; the pool serves on new connections', async () => {
      const marker = nextMarker();
      proxy.rewriteOnce({ marker, type: corruption.type, nth: corruption.nth, change: corruption.change });
      const fired = proxy.rewritesFired;
      const error = await within(rejectionOf(pool.fetch((corruption.sql ?? sqlFor)(marker), [], options)), BOUND_MS, 'the corrupted pool call');
      expect(proxy.rewritesFired, 'the rewrite fired').toBe(fired + 1);
      expect(typedAs(error, corruption.errors), `${String(error)} is one of ${corruption.errors.map((c) => c.name).join(', ')}`).toBe(true);
      await poolServes(marker);
    });

    it('a pinned connection: the call ends with a typed error within the bound; release() ends; the pool serves', async () => {
      const marker = nextMarker();
      const pinned = await within(pool.acquire(), BOUND_MS, 'pool.acquire()');
      try {
        proxy.rewriteOnce({ marker, type: corruption.type, nth: corruption.nth, change: corruption.change });
        const fired = proxy.rewritesFired;
        const error = await within(rejectionOf(pinned.fetch((corruption.sql ?? sqlFor)(marker), [], options)), BOUND_MS, 'the corrupted pinned call');
        expect(proxy.rewritesFired, 'the rewrite fired').toBe(fired + 1);
        expect(typedAs(error, corruption.errors), `${String(error)} is one of ${corruption.errors.map((c) => c.name).join(', ')}`).toBe(true);
        if (error instanceof DecodeError) await answersCorrectly(pinned, nextMarker(), 'the pinned connection after a DecodeError');
        else {
          const later = await within(rejectionOf(pinned.fetchval('select 1')), BOUND_MS, 'the pinned connection after the fault');
          expect(typedAs(later, [ConnectionError, ProtocolError]), String(later)).toBe(true);
        }
      } finally {
        await within(pinned.release(), BOUND_MS, 'release()').catch(() => undefined);
      }
      await poolServes(marker);
    });
  });

  describe('a value byte changed, the framing intact', () => {
    it('an int4 value byte: every kind of connection returns the rewritten value, and serves on', async () => {
      // 258 is 00 00 01 02 at body offset 6; its last byte made 7 reads 263, no error.
      const change: RewriteChange = { kind: 'byte', at: 9, value: 7 };
      const db = await connect(proxied);
      const pinned = await pool.acquire();
      try {
        for (const [what, session] of [['connect()', db], ['the pool', pool], ['a pinned connection', pinned]] as const) {
          const marker = nextMarker();
          proxy.rewriteOnce({ marker, type: 'D', change });
          const fired = proxy.rewritesFired;
          expect(await within(session.fetch(sqlFor(marker)), BOUND_MS, what), what).toEqual([{ [marker]: 263, t: 'abc' }]);
          expect(proxy.rewritesFired, what).toBe(fired + 1);
          await answersCorrectly(session, marker, `${what} afterwards`);
        }
      } finally {
        await db.close();
        await pinned.release();
      }
    });

    it('an inet\'s address family byte made unknown: a DecodeError, and the same connection serves on', async () => {
      // inet 10.0.0.1: family 2 (body offset 6), mask bits 32, is_cidr 0, 4 address bytes; family 9 is none.
      const inetSql = (marker: string) => `select '10.0.0.1'::inet as ${marker}`;
      const db = await connect(proxied);
      const pinned = await pool.acquire();
      try {
        for (const [what, session] of [['connect()', db], ['the pool', pool], ['a pinned connection', pinned]] as const) {
          const marker = nextMarker();
          proxy.rewriteOnce({ marker, type: 'D', change: { kind: 'byte', at: 6, value: 9 } });
          const fired = proxy.rewritesFired;
          const error = await within(rejectionOf(session.fetch(inetSql(marker))), BOUND_MS, what);
          expect(proxy.rewritesFired, what).toBe(fired + 1);
          expect(error, what).toBeInstanceOf(DecodeError);
          expect((error as Error).message, what).toMatch(/unknown address family 9/);
          expect(await within(session.fetchval(inetSql(marker)), BOUND_MS, `${what} afterwards`), what).toBe('10.0.0.1');
        }
      } finally {
        await db.close();
        await pinned.release();
      }
    });
  });

  describe('cut after N bytes of a new connection', () => {
    // 1: inside the first message's header; 9: after the SASL request's header; 200: amid the SCRAM exchange or the ParameterStatus messages.
    it.each([1, 9, 60, 200])('after %i server bytes: connect() and a new pool fail with a ConnectionError, then serve', async (bytes) => {
      proxy.cutAfterBytes = bytes;
      let fresh: Pool | undefined;
      try {
        const error = await within(rejectionOf(connect(proxied)), BOUND_MS, 'connect()');
        expect(typedAs(error, [ConnectionError, AuthenticationError]), String(error)).toBe(true);
        fresh = createPool(proxied, { workers: 1, connectionsPerWorker: 1 });
        const pooled = await within(rejectionOf(fresh.fetchval('select 1')), 10_000, 'the new pool\'s call');
        expect(typedAs(pooled, [ConnectionError, AuthenticationError]), String(pooled)).toBe(true);
        proxy.cutAfterBytes = undefined;
        expect(await within(fresh.fetchval('select 40 + 2'), BOUND_MS, 'the new pool afterwards')).toBe(42);
        const db = await within(connect(proxied), BOUND_MS, 'connect() afterwards');
        expect(await db.fetchval('select 41 + 1')).toBe(42);
        await db.close();
      } finally {
        proxy.cutAfterBytes = undefined;
        await shutDown(fresh);
      }
    });
  });
});
