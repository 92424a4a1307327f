// The password file (~/.pgpass): lines of host:port:database:username:password, as libpq reads it.

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface PgpassOptions {
  /** Told why a file was skipped (libpq prints a warning); never given the file's contents. */
  warn?: (message: string) => void;
  /** For tests: pretend to run on this platform. */
  platform?: NodeJS.Platform;
}

/** The default password file: `~/.pgpass` (`%APPDATA%\postgresql\pgpass.conf` on Windows). */
export function defaultPgpassFile(homedir: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'postgresql', 'pgpass.conf');
  return join(homedir, '.pgpass');
}

/** Split a line on unescaped ':' and undo the '\:' and '\\' escapes. */
function splitFields(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) current += line[++i];
    else if (c === ':') {
      fields.push(current);
      current = '';
    } else current += c;
  }
  fields.push(current);
  return fields;
}

function matches(pattern: string, values: readonly string[]): boolean {
  return pattern === '*' || values.includes(pattern);
}

/**
 * The password for a connection, from the first matching line of `file`; undefined if none
 * matches or the file is missing, unreadable, or (on POSIX) readable by group or others.
 * `host` is a host name or a Unix socket directory; a socket matches 'localhost' too.
 */
export async function lookupPgpass(file: string, host: string, port: number, database: string, user: string, options: PgpassOptions = {}): Promise<string | undefined> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) {
      options.warn?.(`password file "${file}" is not a plain file`);
      return undefined;
    }
    if ((options.platform ?? process.platform) !== 'win32' && (info.mode & 0o077) !== 0) {
      options.warn?.(`password file "${file}" has group or world access; permissions should be u=rw (0600) or less`);
      return undefined;
    }
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const hosts = host.startsWith('/') ? [host, 'localhost'] : [host];
  const portText = String(port);
  for (const raw of text.split(/\r?\n/)) {
    if (!raw || raw.startsWith('#')) continue;
    const fields = splitFields(raw);
    if (fields.length < 5) continue;
    const [h, p, d, u] = fields;
    if (matches(h, hosts) && matches(p, [portText]) && matches(d, [database]) && matches(u, [user])) {
      // libpq ends the password at the next unescaped ':' too.
      return fields[4];
    }
  }
  return undefined;
}
