import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultPgpassFile, lookupPgpass } from '../../../src/worker/config/pgpass.js';

const dir = mkdtempSync(join(tmpdir(), 'pgloom-pgpass-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function passfile(name: string, text: string, mode = 0o600): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
}

const posix = process.platform !== 'win32';

describe('lookupPgpass', () => {
  const file = passfile('main', [
    '# comment line',
    'db.example.com:5432:app:alice:first',
    'db.example.com:*:*:alice:second',
    'we\\:ird:5432:*:bob:pa\\:ss\\\\word',
    'localhost:5432:*:carol:local',
    '*:*:*:*:fallback',
    '',
  ].join('\n'));

  it('returns the first matching line', async () => {
    expect(await lookupPgpass(file, 'db.example.com', 5432, 'app', 'alice')).toBe('first');
    expect(await lookupPgpass(file, 'db.example.com', 6000, 'other', 'alice')).toBe('second');
    expect(await lookupPgpass(file, 'elsewhere', 1, 'x', 'y')).toBe('fallback');
  });

  it('undoes escapes', async () => {
    expect(await lookupPgpass(file, 'we:ird', 5432, 'd', 'bob')).toBe('pa:ss\\word');
  });

  it('matches a socket directory as localhost', async () => {
    expect(await lookupPgpass(file, '/var/run/postgresql', 5432, 'd', 'carol')).toBe('local');
  });

  it('matches the socket directory itself', async () => {
    const sockets = passfile('sockets', '/tmp:5432:*:dave:viasocket\n');
    expect(await lookupPgpass(sockets, '/tmp', 5432, 'd', 'dave')).toBe('viasocket');
    expect(await lookupPgpass(sockets, '/tmp', 5433, 'd', 'dave')).toBeUndefined();
  });

  it('ignores a missing file', async () => {
    expect(await lookupPgpass(join(dir, 'missing'), 'h', 5432, 'd', 'u')).toBeUndefined();
  });

  it.runIf(posix)('skips a file others can read, with a warning', async () => {
    const open = passfile('open', '*:*:*:*:leaked\n', 0o644);
    const warnings: string[] = [];
    expect(await lookupPgpass(open, 'h', 5432, 'd', 'u', { warn: (m) => warnings.push(m) })).toBeUndefined();
    expect(warnings[0]).toMatch(/group or world access/);
    expect(warnings[0]).not.toContain('leaked');
    chmodSync(open, 0o600);
    expect(await lookupPgpass(open, 'h', 5432, 'd', 'u')).toBe('leaked');
  });

  it('ignores malformed lines', async () => {
    const short = passfile('short', 'h:5432:d\nh:5432:d:u:ok\r\n');
    expect(await lookupPgpass(short, 'h', 5432, 'd', 'u')).toBe('ok');
  });

  it('defaults to ~/.pgpass', () => {
    expect(defaultPgpassFile('/home/x', {}, 'linux')).toBe(join('/home/x', '.pgpass'));
  });
});
