// A misbehaving server (test/support/fake-server.ts): corrupt DataRows, protocol violations,
// errors mid-result, silence and dropped sockets. Every call ends with a typed error within a
// bound; a protocol violation closes its connection at once (it does not wait for a
// ReadyForQuery that may never come); and afterwards connect() and the pool serve again.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  connect, ConnectionError, createPool, DecodeError, PgloomError, PostgresError, ProtocolError, QueryTimeoutError,
  type Connection, type Pool, type PooledConnection,
} from '../../src/main/index.js';
import {
  backendMessage, bindComplete, commandComplete, dataRow, errorResponse, int4Field, parameterStatus, readyForQuery, withDeclaredLength,
  type FakeColumn,
} from '../support/backend-messages.js';
import { standardReply, startFakeServer, type Exchange, type FakeConnection, type FakeServer } from '../support/fake-server.js';
import { rejectionOf, shutDown, within } from '../support/deadlines.js';

const INT4 = 23;
const TEXT = 25;
/** Every hostile call must end within this (nothing here waits for a server timeout). */
const BOUND_MS = 3000;

const good = { sql: 'select 42 as n', columns: [{ name: 'n', typeOid: INT4 }], rows: [dataRow([int4Field(42)])] };

interface Hostile {
  sql: string;
  columns: FakeColumn[];
  /** The reply to the execution (Bind/Execute/Sync) exchange. */
  execution: (exchange: Exchange, connection: FakeConnection) => void;
}

/** Violations of the protocol: each is followed by silence, as a broken server might be. */
const violations: Record<string, Hostile> = {
  'a field length below -1': {
    sql: 'select violation_negative_length', columns: [{ name: 'n', typeOid: INT4 }, { name: 't', typeOid: TEXT }],
    execution: (_e, c) => c.send(bindComplete(), dataRow([int4Field(1), { length: -5 }])),
  },
  'bytes after the last field': {
    sql: 'select violation_trailing', columns: [{ name: 'n', typeOid: INT4 }],
    execution: (_e, c) => c.send(bindComplete(), dataRow([int4Field(1)], { trailing: [0, 0, 0, 0] })),
  },
  'a DataRow length word 17 too large': {
    sql: 'select violation_length_plus_17', columns: [{ name: 'n', typeOid: INT4 }],
    // As a corrupting proxy would: the framer takes the next messages' bytes into the row.
    execution: (_e, c) => {
      const row = dataRow([int4Field(1)]);
      c.send(bindComplete(), withDeclaredLength(row, row.length - 1 + 17), commandComplete('SELECT 1'), readyForQuery());
    },
  },
  'a field count beyond the row\'s bytes': {
    sql: 'select violation_count', columns: [{ name: 'a', typeOid: INT4 }, { name: 'b', typeOid: INT4 }],
    execution: (_e, c) => c.send(bindComplete(), dataRow([int4Field(1)], { count: 2 })),
  },
  'more fields than described': {
    sql: 'select violation_columns', columns: [{ name: 'n', typeOid: INT4 }],
    execution: (_e, c) => c.send(bindComplete(), dataRow([int4Field(1), int4Field(2)])),
  },
  'an unknown message type in a result': {
    sql: 'select violation_unknown_message', columns: [{ name: 'n', typeOid: INT4 }],
    execution: (_e, c) => c.send(bindComplete(), dataRow([int4Field(1)]), backendMessage('y', (out) => out.i32(7))),
  },
};

/** 100 rows (past the pool's small-result limit: batches) whose int4 values are 2 bytes; then a normal end. */
const narrowInt4: Hostile = {
  sql: 'select narrow_int4', columns: [{ name: 'narrow', typeOid: INT4 }],
  execution: (_e, c) => c.send(bindComplete(), ...Array.from({ length: 100 }, () => dataRow([[1, 0x42]])), commandComplete('SELECT 100'), readyForQuery()),
};

const midResultError: Hostile = {
  sql: 'select mid_result_error', columns: [{ name: 'n', typeOid: INT4 }],
  execution: (_e, c) => c.send(bindComplete(), dataRow([int4Field(1)]), errorResponse({ code: '22012', message: 'division by zero' }), readyForQuery()),
};

const fatalAfterComplete: Hostile = {
  sql: 'select fatal_after_complete', columns: [{ name: 'n', typeOid: INT4 }],
  execution: (_e, c) => {
    c.send(bindComplete(), dataRow([int4Field(1)]), commandComplete('SELECT 1'), errorResponse({ severity: 'FATAL', code: '57P01', message: 'terminating connection due to administrator command' }));
    c.drop();
  },
};

const silent: Hostile = { sql: 'select silence', columns: [{ name: 'n', typeOid: INT4 }], execution: () => undefined };

/** A DataRow header declaring just under the 1 GB cap, 100 bytes of it, then silence. */
const hugeHeader: Hostile = {
  sql: 'select huge_header', columns: [{ name: 'n', typeOid: INT4 }],
  execution: (_e, c) => c.send(bindComplete(), Uint8Array.of(0x44, 0x3f, 0xff, 0xff, 0xf0, ...new Array<number>(100).fill(0))),
};

function scriptOf(cases: Hostile[]) {
  return (exchange: Exchange, connection: FakeConnection) => {
    const hostile = cases.find((c) => c.sql === exchange.sql);
    if (hostile !== undefined && exchange.executes) return hostile.execution(exchange, connection);
    connection.send(...standardReply(exchange, hostile ?? good));
  };
}

const all = [...Object.values(violations), narrowInt4, midResultError, fatalAfterComplete, silent, hugeHeader];

describe('a hostile server', () => {
  let server: FakeServer;
  let pool: Pool | undefined;
  let db: Connection | undefined;

  beforeAll(async () => {
    server = await startFakeServer(scriptOf(all));
  });
  afterEach(async () => {
    await shutDown(pool);
    pool = undefined;
    // terminate, not close: close waits for calls in flight, which a broken engine may never end.
    db?.terminate();
    db = undefined;
    server.script = scriptOf(all);
    server.startup = (connection, normal) => connection.send(...normal);
    server.sslAnswer = 'N';
    server.onBytes = undefined;
  });
  afterAll(async () => {
    await server?.close();
  });

  const poolOf = (options: Record<string, unknown> = {}) => createPool({ dsn: server.dsn, workers: 1, connectionsPerWorker: 2, ...options });

  describe.each(Object.entries(violations))('%s', (_name, hostile) => {
    it('fails connect()\'s call with a ProtocolError at once and closes the connection', async () => {
      db = await connect({ dsn: server.dsn });
      const closedBefore = server.sessionsClosed;
      const error = await within(rejectionOf(db.fetch(hostile.sql)), BOUND_MS, 'the call');
      expect(error).toBeInstanceOf(ProtocolError);
      await server.whenSessionClosed(closedBefore + 1, BOUND_MS);
      expect(db.closed).toBe(true);
      const again = await connect({ dsn: server.dsn });
      expect(await again.fetchval(good.sql)).toBe(42);
      await again.close();
    });

    it('fails the pool\'s call with a ProtocolError at once; the pool serves afterwards', async () => {
      pool = poolOf();
      expect(await pool.fetchval(good.sql)).toBe(42);
      const error = await within(rejectionOf(pool.fetch(hostile.sql)), BOUND_MS, 'the pool call');
      expect(error).toBeInstanceOf(ProtocolError);
      for (let i = 0; i < 3; i++) expect(await within(pool.fetchval(good.sql), BOUND_MS, 'a later pool call')).toBe(42);
    });

    it('fails a pinned connection\'s call with a ProtocolError at once; the pool serves afterwards', async () => {
      pool = poolOf();
      const pinned: PooledConnection = await pool.acquire();
      try {
        const error = await within(rejectionOf(pinned.fetch(hostile.sql)), BOUND_MS, 'the pinned call');
        expect(error).toBeInstanceOf(ProtocolError);
      } finally {
        await within(pinned.release(), BOUND_MS, 'release');
      }
      expect(await within(pool.fetchval(good.sql), BOUND_MS, 'a later pool call')).toBe(42);
    });
  });

  describe('an int4 sent as 2 bytes', () => {
    it('is a DecodeError naming the column for connect(); the connection stays usable', async () => {
      db = await connect({ dsn: server.dsn });
      const error = await within(rejectionOf(db.fetch(narrowInt4.sql)), BOUND_MS, 'the call');
      expect(error).toBeInstanceOf(DecodeError);
      expect(await db.fetchval(good.sql)).toBe(42);
    });

    it('is a DecodeError naming the column in the pool\'s column builder, never a wrong value', async () => {
      pool = poolOf();
      const error = await within(rejectionOf(pool.fetch(narrowInt4.sql)), BOUND_MS, 'the pool call');
      expect(error).toBeInstanceOf(DecodeError);
      expect((error as Error).message).toMatch(/column "narrow"/);
      expect(await pool.fetchval(good.sql)).toBe(42);
    });
  });

  it('an ErrorResponse mid-result fails the call with the server\'s error; the connection stays usable', async () => {
    db = await connect({ dsn: server.dsn });
    const error = await within(rejectionOf(db.fetch(midResultError.sql)), BOUND_MS, 'the call');
    expect(error).toBeInstanceOf(PostgresError);
    expect((error as PostgresError).code).toBe('22012');
    expect(await db.fetchval(good.sql)).toBe(42);
    pool = poolOf();
    const pooled = await within(rejectionOf(pool.fetch(midResultError.sql)), BOUND_MS, 'the pool call');
    expect((pooled as PostgresError).code).toBe('22012');
    expect(await pool.fetchval(good.sql)).toBe(42);
  });

  it('a FATAL after CommandComplete fails the call with a typed error; the pool replaces the connection', async () => {
    db = await connect({ dsn: server.dsn });
    const error = await within(rejectionOf(db.fetch(fatalAfterComplete.sql)), BOUND_MS, 'the call');
    expect(error instanceof ConnectionError || error instanceof PostgresError).toBe(true);
    expect(db.closed).toBe(true);
    pool = poolOf();
    const pooled = await within(rejectionOf(pool.fetch(fatalAfterComplete.sql)), BOUND_MS, 'the pool call');
    expect(pooled).toBeInstanceOf(PgloomError);
    expect(await within(pool.fetchval(good.sql), BOUND_MS, 'a later pool call')).toBe(42);
  });

  describe('a silent server', () => {
    it('connect(): the call\'s timeout fires, a cancel is sent, and the connection is closed after the grace period', async () => {
      db = await connect({ dsn: server.dsn, commandTimeout: 300, cancelGracePeriod: 300 });
      const cancels = server.cancelRequests;
      const closedBefore = server.sessionsClosed;
      const error = await within(rejectionOf(db.fetch(silent.sql)), BOUND_MS, 'the call');
      expect(error).toBeInstanceOf(QueryTimeoutError);
      await server.whenSessionClosed(closedBefore + 1, BOUND_MS);
      expect(server.cancelRequests).toBeGreaterThan(cancels);
      expect(db.closed).toBe(true);
    });

    it('the pool: the call\'s timeout fires and the pool serves afterwards on a new connection', async () => {
      // The call's own timeout: a pool-wide commandTimeout would also bound the first call, which starts a worker.
      pool = poolOf({ cancelGracePeriod: 300 });
      expect(await pool.fetchval(good.sql)).toBe(42);
      const closedBefore = server.sessionsClosed;
      const error = await within(rejectionOf(pool.fetch(silent.sql, [], { timeout: 300 })), BOUND_MS, 'the pool call');
      expect(error).toBeInstanceOf(QueryTimeoutError);
      await server.whenSessionClosed(closedBefore + 1, BOUND_MS);
      expect(await within(pool.fetchval(good.sql), BOUND_MS, 'a later pool call')).toBe(42);
    });
  });

  it('a header declaring nearly 1 GB, then silence: the call\'s timeout fires, and nothing near that size was reserved', async () => {
    db = await connect({ dsn: server.dsn, commandTimeout: 300, cancelGracePeriod: 300 });
    const before = process.memoryUsage().arrayBuffers;
    const error = await within(rejectionOf(db.fetch(hugeHeader.sql)), BOUND_MS, 'the call');
    expect(error).toBeInstanceOf(QueryTimeoutError);
    // Measured while the connection still holds the partial message (it closes after the grace period).
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it.each([['a TLS handshake that never finishes', 'S'], ['an SSLRequest never answered', 'none']] as const)('%s: connect() and the pool fail with a ConnectionError at the connect timeout', async (_case, answer) => {
    server.sslAnswer = answer;
    // libpq's connect_timeout counts whole seconds, 2 at least.
    const started = Date.now();
    const error = await within(rejectionOf(connect({ dsn: server.dsn, sslmode: 'require', connectTimeout: 2 })), 2000 + BOUND_MS, 'connect()');
    expect(error).toBeInstanceOf(ConnectionError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    pool = poolOf({ sslmode: 'require', connectTimeout: 2 });
    expect(await within(rejectionOf(pool.fetchval(good.sql)), 2000 + BOUND_MS, 'the pool call')).toBeInstanceOf(ConnectionError);
  });

  it('a server that floods messages while the client still writes a large Bind: no deadlock', async () => {
    const floodSql = 'select flood';
    const big = 'x'.repeat(16 * 1024 * 1024);
    server.script = (exchange, connection) => {
      if (exchange.sql !== floodSql) return connection.send(...standardReply(exchange, good));
      connection.send(...standardReply(exchange, { columns: [{ name: 'n', typeOid: INT4 }], paramOids: [TEXT], rows: [dataRow([int4Field(7)])] }));
    };
    // Once the Bind starts arriving, 16 MB of ParameterStatus messages (allowed at any time) come back while it is still being written.
    let received = 0;
    let flooded = false;
    server.onBytes = (connection, bytes) => {
      received += bytes;
      if (flooded || received < 1024 * 1024) return;
      flooded = true;
      const status = parameterStatus('application_name', 'y'.repeat(1000));
      connection.send(...Array.from({ length: 16 * 1024 }, () => status));
    };
    db = await connect({ dsn: server.dsn });
    expect(await within(db.fetchval(floodSql, [big]), 20_000, 'the call')).toBe(7);
    expect(flooded).toBe(true);
    server.onBytes = undefined;
  });

  describe('a socket dropped', () => {
    // The startup replies a healthy server sends: AuthenticationOk, 7 ParameterStatus, BackendKeyData, ReadyForQuery.
    const startupSteps: [string, number][] = [['before any reply', 0], ['after AuthenticationOk', 1], ['amid ParameterStatus', 4], ['after BackendKeyData', 9]];
    it.each(startupSteps)('during startup, %s: connect() and the pool fail with a ConnectionError, then serve', async (_step, sent) => {
      server.startup = (connection, normal) => {
        connection.send(...normal.slice(0, sent));
        connection.drop();
      };
      expect(await within(rejectionOf(connect({ dsn: server.dsn })), BOUND_MS, 'connect()')).toBeInstanceOf(ConnectionError);
      pool = poolOf();
      expect(await within(rejectionOf(pool.fetchval(good.sql)), BOUND_MS, 'the pool call')).toBeInstanceOf(ConnectionError);
      server.startup = (connection, normal) => connection.send(...normal);
      expect(await within(pool.fetchval(good.sql), BOUND_MS, 'a later pool call')).toBe(42);
    });

    const droppedSql = 'select dropped';
    const columns = [{ name: 'n', typeOid: INT4 }];
    const rows = Array.from({ length: 4 }, (_, i) => dataRow([int4Field(i)]));
    // Each step: how much of the normal reply to an exchange is sent before the socket is cut.
    const querySteps: [string, boolean, (replies: Uint8Array[]) => Uint8Array[]][] = [
      ['describe: before any reply', false, () => []],
      ['describe: after ParseComplete', false, (r) => r.slice(0, 1)],
      ['describe: before ReadyForQuery', false, (r) => r.slice(0, -1)],
      ['execute: before any reply', true, () => []],
      ['execute: after BindComplete', true, (r) => r.slice(0, 1)],
      ['execute: amid the DataRows', true, (r) => r.slice(0, 3)],
      ['execute: amid one DataRow\'s bytes', true, (r) => [...r.slice(0, 2), r[2].subarray(0, 7)]],
      ['execute: after CommandComplete', true, (r) => r.slice(0, -1)],
    ];
    it.each(querySteps)('%s: the call fails with a ConnectionError within the bound (connect(), the pool, a pinned connection); the pool serves again', async (_step, atExecution, cut) => {
      const script = (exchange: Exchange, connection: FakeConnection) => {
        const replies = standardReply(exchange, exchange.sql === droppedSql ? { columns, rows } : good);
        if (exchange.sql !== droppedSql || exchange.executes !== atExecution) return connection.send(...replies);
        connection.send(...cut(replies));
        connection.drop();
      };
      server.script = script;
      db = await connect({ dsn: server.dsn });
      expect(await within(rejectionOf(db.fetch(droppedSql)), BOUND_MS, 'the call')).toBeInstanceOf(ConnectionError);
      pool = poolOf();
      expect(await within(rejectionOf(pool.fetch(droppedSql)), BOUND_MS, 'the pool call')).toBeInstanceOf(ConnectionError);
      expect(await within(pool.fetchval(good.sql), BOUND_MS, 'a later pool call')).toBe(42);
      const pinned = await within(pool.acquire(), BOUND_MS, 'pool.acquire()');
      try {
        expect(await within(rejectionOf(pinned.fetch(droppedSql)), BOUND_MS, 'the pinned call')).toBeInstanceOf(ConnectionError);
      } finally {
        await within(pinned.release(), BOUND_MS, 'release()');
      }
      expect(await within(pool.fetchval(good.sql), BOUND_MS, 'a pool call after the pinned one')).toBe(42);
    });
  });
});
