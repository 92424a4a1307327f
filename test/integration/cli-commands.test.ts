// The parts of `pgloom` a shell script relies on: exit codes (0 done, 1 failed at run time, 2 the
// command line is wrong), messages without passwords, the connection from --dsn, DATABASE_URL or
// the PG* variables, and `copy` moving a table between servers as columns.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-runner.js';
import { testDsn, uniqueTable, withConnection } from '../support/server.js';

const dir = mkdtempSync(join(tmpdir(), 'pgloom-cli-commands-'));
const source = uniqueTable('cli_copy_source');
const target = uniqueTable('cli_copy_target');
const columnsSql = 'id int4, big int8, f8 float8, num numeric, t text, b bool, d date, ts timestamptz, bin bytea, j jsonb, u uuid, arr int4[]';

beforeAll(async () => {
  await withConnection(async (db) => {
    await db.execute(`create table ${source} (${columnsSql})`);
    await db.execute(`create table ${target} (${columnsSql})`);
    await db.execute(`insert into ${source} select i, i::int8 << 40, case i % 4 when 0 then 'NaN' when 1 then '-Infinity' else i / 3.0 end, (i::numeric / 7)::numeric(30, 20),
      case when i % 5 = 0 then null when i % 7 = 0 then '' else 'línea ' || i || E'\\n,"' end, i % 2 = 0, date '2000-01-01' + i, timestamptz '2000-01-01' + i * interval '1.000001 s',
      int4send(i), jsonb_build_object('i', i, 'a', jsonb_build_array(i, null)), md5(i::text)::uuid, array[i, null, -i] from generate_series(1, 5000) i`);
  });
}, 60_000);

afterAll(async () => {
  await withConnection((db) => db.execute(`drop table if exists ${source}; drop table if exists ${target}`));
  rmSync(dir, { recursive: true, force: true });
});

/** The test server's DSN as PG* variables (pgloom reads them when no DSN is given). */
function pgEnvironment(): Record<string, string | undefined> {
  const url = new URL(testDsn());
  return {
    DATABASE_URL: undefined, PGHOST: url.hostname, PGPORT: url.port, PGUSER: decodeURIComponent(url.username),
    PGPASSWORD: decodeURIComponent(url.password), PGDATABASE: url.pathname.slice(1), PGSSLMODE: url.searchParams.get('sslmode') ?? undefined,
  };
}

describe('pgloom copy', () => {
  it('moves a table between servers as columns, every value equal, in batches', async () => {
    const run = await runCli(['copy', '--from', testDsn(), '--to', testDsn(), '--table', target, '--query', `select * from ${source}`, '--batch-rows', '1000']);
    expect(run.stderr).toContain('copied 5000 rows');
    expect(run.code).toBe(0);
    const differing = await withConnection((db) => db.fetchval<bigint>(
      `select count(*) from ((table ${source} except all table ${target}) union all (table ${target} except all table ${source})) d`));
    expect(differing).toBe(0n);
    // EXCEPT compares NaN equal to NaN: the float8 specials are checked as text too.
    expect(await withConnection((db) => db.fetchval<bigint>(`select count(*) from ${target} where f8::text in ('NaN', '-Infinity')`))).toBe(2500n);
  });
});

describe('pgloom exit codes and messages', () => {
  it('exits 0 with usage for --help, and 2 for a usage error, naming it', async () => {
    const [help, missingOut, unknownOption, badFormat, unknownExtension, badBatch] = await Promise.all([
      runCli(['--help']),
      runCli(['export', 'select 1']),
      runCli(['export', 'select 1', '--out', 'x.csv', '--frobnicate']),
      runCli(['export', 'select 1', '--out', 'x.csv', '--format', 'xlsx']),
      runCli(['import', 'data.xyz', '--table', 't']),
      runCli(['export', 'select 1', '--out', 'x.csv', '--batch-rows', '0']),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('export');
    expect(help.stdout).toContain('Exit codes');
    expect(missingOut.code).toBe(2);
    expect(missingOut.stderr).toContain("required option '-o, --out <file>' not specified");
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("unknown option '--frobnicate'");
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('Allowed choices are csv, ndjson, arrow, parquet');
    expect(unknownExtension.code).toBe(2);
    expect(unknownExtension.stderr).toContain('cannot tell the format of "data.xyz"');
    expect(badBatch.code).toBe(2);
    expect(badBatch.stderr).toContain('expected a positive integer');
  });

  it('exits 1 for a server that cannot be reached, a missing file and bad SQL; never prints the password', async () => {
    const secret = 'sekrit-Pa55word';
    const closedPort = `postgresql://someone:${secret}@127.0.0.1:1/db?sslmode=disable`;
    const [unreachable, missingFile, badSql, malformedDsn] = await Promise.all([
      runCli(['export', 'select 1', '--out', join(dir, 'never.csv'), '--dsn', closedPort]),
      runCli(['import', join(dir, 'absent.csv'), '--table', 't', '--dsn', testDsn()]),
      runCli(['export', 'selec 1', '--out', join(dir, 'never.csv'), '--dsn', testDsn()]),
      runCli(['export', 'select 1', '--out', join(dir, 'never.csv'), '--dsn', `postgresql://someone:${secret}@127.0.0.1:notaport/db`]),
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^pgloom: error: .*127\.0\.0\.1:1/m);
    expect(missingFile.code).toBe(1);
    expect(missingFile.stderr).toContain(`cannot read ${join(dir, 'absent.csv')}: no such file`);
    expect(badSql.code).toBe(1);
    expect(badSql.stderr).toContain('syntax error at or near "selec" (SQLSTATE 42601)');
    expect(malformedDsn.code).toBe(2);
    for (const run of [unreachable, malformedDsn]) {
      expect(run.stderr).not.toContain(secret);
      expect(run.stdout).not.toContain(secret);
    }
  });

  it('connects through DATABASE_URL, or through the PG* variables when neither --dsn nor DATABASE_URL is set', async () => {
    const [fromUrl, fromPg] = await Promise.all([
      runCli(['export', 'select 41 + 1 as answer', '--out', '-', '--format', 'csv'], { DATABASE_URL: testDsn() }),
      runCli(['export', 'select current_user as who', '--out', '-', '--format', 'ndjson'], pgEnvironment()),
    ]);
    expect(fromUrl.code).toBe(0);
    expect(fromUrl.stdout).toBe('answer\n42\n');
    expect(fromPg.code).toBe(0);
    expect(JSON.parse(fromPg.stdout)).toEqual({ who: pgEnvironment().PGUSER });
  });

  it('writes no progress bar when not on a terminal: stdout holds only the data', async () => {
    const run = await runCli(['export', `select id from ${source} where id <= 2 order by id`, '--out', '-', '--format', 'csv', '--dsn', testDsn()]);
    expect(run.stdout).toBe('id\n1\n2\n');
    expect(run.stderr).not.toMatch(/rows\/s|ETA/);
  });
});
