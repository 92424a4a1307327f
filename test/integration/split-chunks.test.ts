// The server's replies cut into pieces of 1–7 bytes (and some larger), each read separately:
// every result must be the same as over a direct connection.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, SyntaxErrorError, type Connection, type PostgresErrorFields } from '../../src/main/index.js';
import { startChunkingProxy, type ChunkingProxy } from '../support/chunking-proxy.js';
import { connectToTestServer, testDsn } from '../support/server.js';

/** Deterministic, so that a failure reproduces. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const target = new URL(testDsn());
// Only for a TCP server (a DSN naming a Unix socket has no host in its authority).
const describeTcp = target.hostname ? describe : describe.skip;

const mixedRows = `
  select i, i::int8 * 1000000007 as big, repeat('ü', i % 13) as txt,
         case when i % 7 = 0 then null else (i * 1.5)::numeric end as num,
         timestamptz '2024-01-01 00:00:00.000001+00' + i * interval '1 second 1 microsecond' as at,
         case when i % 5 = 0 then '' else 'x' || i end as maybe_empty,
         decode(lpad(to_hex(i), 8, '0'), 'hex') as bytes
  from generate_series(1, 3000) as i`;

describeTcp('split chunks through a re-cutting proxy', () => {
  let proxy: ChunkingProxy;
  let direct: Connection;
  let split: Connection;
  const notices: PostgresErrorFields[] = [];

  beforeAll(async () => {
    const random = mulberry32(20261125);
    proxy = await startChunkingProxy({ host: target.hostname, port: Number(target.port || 5432) }, () => (random() < 0.95 ? 1 + Math.floor(random() * 7) : 1 + Math.floor(random() * 3000)));
    direct = await connectToTestServer();
    // SCRAM, ParameterStatus and BackendKeyData all arrive cut up as well.
    split = await connect({ dsn: testDsn(), host: '127.0.0.1', port: proxy.port, sslmode: 'disable', onNotice: (n) => notices.push(n) });
  });
  afterAll(async () => {
    await split?.close();
    await direct?.close();
    await proxy?.close();
  });

  it('decodes thousands of mixed rows exactly as over a direct connection', async () => {
    const expected = await direct.fetch(mixedRows);
    const piecesBefore = proxy.piecesSent;
    const rows = await split.fetch(mixedRows);
    expect(rows).toEqual(expected);
    expect(rows).toHaveLength(3000);
    // The proxy really did cut the result into many small reads.
    expect(proxy.piecesSent - piecesBefore).toBeGreaterThan(1000);
  });

  it('reassembles a single large value', async () => {
    const sql = "select repeat('0123456789abcdef', 20000) || '😀' as big";
    expect(await split.fetchval(sql)).toBe(await direct.fetchval(sql));
  });

  it('keeps errors, notices and pipelined queries intact', async () => {
    const results = await Promise.all([
      split.fetchval('select $1::text', ['first']),
      split.fetch('selec 1').catch((e: unknown) => e),
      split.execute("do $$ begin raise notice 'split notice %', 42; end $$"),
      split.fetchval('select $1::int4 * 2', [21]),
    ]);
    expect(results[0]).toBe('first');
    expect(results[1]).toBeInstanceOf(SyntaxErrorError);
    expect(results[3]).toBe(42);
    expect(notices.map((n) => n.message)).toContain('split notice 42');
  });
});
