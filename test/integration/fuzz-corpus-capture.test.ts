// Rewrites the fuzz seed corpus (test/codec/fuzz/corpus/*.bin): the real server's bytes for a
// startup, results of many types, an error, a notice and a notification, recorded by a proxy
// between connect() and the test server. Run on demand only: the checked-in corpus is the seed.

import { writeFileSync } from 'node:fs';
import { createServer, connect as netConnect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/main/index.js';
import { dsnTarget } from '../support/fault-proxy.js';
import { testDsn } from '../support/server.js';

const capture = process.env.PGLOOM_CAPTURE_CORPUS === '1';
const corpusDir = fileURLToPath(new URL('../codec/fuzz/corpus/', import.meta.url));

const queries: Record<string, string> = {
  'scalars': `select 1::int2 a, 2::int4 b, 3::int8 c, 1.5::float4 d, 2.5::float8 e, true f, 'text'::text g, '\\x0102'::bytea h,
    12.345::numeric i, '2024-02-29'::date j, '12:34:56.789'::time k, '12:34:56+02'::timetz l,
    '2024-02-29 12:34:56.789'::timestamp m, '2024-02-29 12:34:56.789+00'::timestamptz n, '1 year 2 days 3 hours'::interval o,
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid p, null::int4 q, 'x'::"char" r, 42::oid s, '(1,2)'::tid t, '16/B374D848'::pg_lsn u,
    12.5::money v`,
  'containers': `select '{"a":[1,2]}'::json a, '{"b":null}'::jsonb b, array[1,null,3]::int4[] c, array['x','y z']::text[] d,
    '[1,10)'::int4range e, '{[1,2],[5,7)}'::int4multirange f, array[[1,2],[3,4]]::int8[] g, row(1,'a') h`,
  'network-geometry': `select '192.168.0.1/24'::inet a, '10.0.0.0/8'::cidr b, '08:00:2b:01:02:03'::macaddr c, '::1'::inet d,
    '(1,2)'::point e, '((0,0),(1,1))'::box f, '<(1,2),3>'::circle g, '[(0,0),(1,1),(2,0)]'::path h, '((0,0),(1,1),(2,0))'::polygon i,
    '{1,2,3}'::line j, '[(0,0),(1,1)]'::lseg k, B'1011'::bit(4) l, B'10110'::varbit m`,
  'text-search': `select 'a fat cat'::tsvector a, 'fat & (rat | cat)'::tsquery b, '$.a[*] ? (@ > 1)'::jsonpath c`,
  'many-rows': 'select i, i::text, i * 1.5::float8 from generate_series(1, 200) i',
  'error': 'select 1/0',
  'notice': `do $$ begin raise notice 'hello %', 42; end $$`,
};

describe('the fuzz seed corpus', () => {
  it.skipIf(!capture)('is recorded from the real server (set PGLOOM_CAPTURE_CORPUS=1 to rewrite it)', async () => {
    const recorded: Buffer[] = [];
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      const upstream = netConnect(dsnTarget(testDsn()));
      sockets.add(client).add(upstream);
      client.on('data', (chunk) => upstream.write(chunk));
      upstream.on('data', (chunk) => {
        recorded.push(chunk);
        client.write(chunk);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const url = new URL(testDsn());
    url.host = `127.0.0.1:${(proxy.address() as { port: number }).port}`;
    url.searchParams.set('sslmode', 'disable');
    const take = (name: string) => {
      writeFileSync(`${corpusDir}${name}.bin`, Buffer.concat(recorded));
      recorded.length = 0;
    };
    const db = await connect({ dsn: url.toString() });
    take('startup');
    for (const [name, sql] of Object.entries(queries)) {
      await db.fetch(sql).catch(() => undefined);
      take(name);
    }
    await db.execute('listen pgloom_corpus');
    await db.execute("notify pgloom_corpus, 'payload'");
    take('notification');
    await db.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    expect(Object.keys(queries).length).toBeGreaterThan(0);
  });
});
