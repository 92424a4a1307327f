// Connection strings as libpq reads them: postgres:// URIs and keyword/value strings.

import { ConfigError } from '../../codec/errors/client-errors.js';
import { storeParameter, type Conninfo } from './conninfo.js';

export interface ParsedDsn {
  /** libpq keywords with their raw values; host and port may be comma-separated lists. */
  params: Conninfo;
  /** Parameters libpq does not know: sent to the server as startup settings. */
  serverSettings: Record<string, string>;
}

const URI_PREFIX = /^postgres(?:ql)?:\/\//;

/** The DSN with its password replaced by '***', fit for error messages. */
export function redactDsn(dsn: string): string {
  const uri = /^[a-z][a-z0-9+.-]*:\/\//i.exec(dsn);
  if (!uri) {
    // An unquoted value ends at whitespace, but a mistyped password may hold spaces: redact up to the next keyword.
    return dsn.replace(/(\bpassword\s*=\s*)(?:'(?:\\.|[^'\\])*'?|.*?(?=\s+[A-Za-z_][A-Za-z0-9_]*\s*=|$))/gs, '$1***');
  }
  let rest = dsn.slice(uri[0].length);
  const query = rest.indexOf('?');
  let head = query < 0 ? rest : rest.slice(0, query);
  let tail = query < 0 ? '' : rest.slice(query);
  // Over-redact rather than leak: everything between the first ':' and the last '@' before the query.
  const at = head.lastIndexOf('@');
  const colon = head.indexOf(':');
  if (at >= 0 && colon >= 0 && colon < at) head = `${head.slice(0, colon + 1)}***${head.slice(at)}`;
  tail = tail.replace(/([?&]password=).*?(?=&[^&=]+=|$)/gs, '$1***');
  rest = head + tail;
  return uri[0] + rest;
}

function decode(text: string, what: string, dsn: string): string {
  try {
    const value = decodeURIComponent(text);
    if (value.includes('\0')) throw new URIError('NUL');
    return value;
  } catch {
    // Name the part, unless it is the password itself.
    const part = what === 'password' ? 'the password' : `${what} "${text}"`;
    throw new ConfigError(`invalid percent-encoding in ${part} of the DSN ${redactDsn(dsn)}`);
  }
}

function parseUri(dsn: string, prefixLength: number): ParsedDsn {
  const params: Conninfo = {};
  const serverSettings: Record<string, string> = {};
  let rest = dsn.slice(prefixLength);
  const queryStart = rest.indexOf('?');
  const query = queryStart < 0 ? '' : rest.slice(queryStart + 1);
  if (queryStart >= 0) rest = rest.slice(0, queryStart);

  // A '@' marks user info; take the last one so an unencoded '@' or '/' in the password still parses.
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userInfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userInfo.indexOf(':');
    const user = colon < 0 ? userInfo : userInfo.slice(0, colon);
    if (user) params.user = decode(user, 'user name', dsn);
    if (colon >= 0) params.password = decode(userInfo.slice(colon + 1), 'password', dsn);
  }

  const slash = rest.indexOf('/');
  const hostList = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  if (path) params.dbname = decode(path, 'database name', dsn);

  if (hostList) {
    const hosts: string[] = [];
    const ports: string[] = [];
    for (const entry of hostList.split(',')) {
      let host: string;
      let port = '';
      if (entry.startsWith('[')) {
        const close = entry.indexOf(']');
        if (close < 0) throw new ConfigError(`unterminated IPv6 address "${entry}" in the DSN ${redactDsn(dsn)}: close it with ']'`);
        host = entry.slice(1, close);
        const after = entry.slice(close + 1);
        if (after && !after.startsWith(':')) throw new ConfigError(`unexpected "${after}" after the IPv6 address [${host}] in the DSN ${redactDsn(dsn)}`);
        port = after.slice(1);
      } else {
        const colon = entry.indexOf(':');
        host = colon < 0 ? entry : entry.slice(0, colon);
        port = colon < 0 ? '' : entry.slice(colon + 1);
        host = decode(host, 'host', dsn);
      }
      hosts.push(host);
      ports.push(decode(port, 'port', dsn));
    }
    if (hosts.some((h) => h)) params.host = hosts.join(',');
    if (ports.some((p) => p)) params.port = ports.join(',');
  }

  if (query) {
    for (const pair of query.split('&')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      if (eq < 0) throw new ConfigError(`a query parameter lacks '=' in the DSN ${redactDsn(dsn)}: write key=value, and percent-encode '&' in values`);
      const key = decode(pair.slice(0, eq), 'parameter name', dsn);
      const value = decode(pair.slice(eq + 1), key === 'password' ? 'password' : `value of ${key}`, dsn);
      storeParameter(key, value, params, serverSettings, `the DSN ${redactDsn(dsn)}`);
    }
  }
  return { params, serverSettings };
}

/** libpq keyword/value form: `host=localhost dbname='my db' password=it\'s`. */
function parseKeywordValue(dsn: string): ParsedDsn {
  const params: Conninfo = {};
  const serverSettings: Record<string, string> = {};
  let i = 0;
  const n = dsn.length;
  const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);
  while (i < n) {
    while (isSpace(dsn[i])) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && dsn[i] !== '=' && !isSpace(dsn[i])) i++;
    const key = dsn.slice(keyStart, i);
    while (isSpace(dsn[i])) i++;
    if (dsn[i] !== '=') throw new ConfigError(`missing '=' after a keyword in the connection string ${redactDsn(dsn)}: write key=value, and quote values with spaces ('like this')`);
    i++;
    while (isSpace(dsn[i])) i++;
    let value = '';
    if (dsn[i] === "'") {
      i++;
      for (;;) {
        if (i >= n) throw new ConfigError(`unterminated quoted value for ${key} in the connection string ${redactDsn(dsn)}`);
        const c = dsn[i++];
        if (c === "'") break;
        if (c === '\\' && i < n) value += dsn[i++];
        else value += c;
      }
    } else {
      while (i < n && !isSpace(dsn[i])) {
        const c = dsn[i++];
        if (c === '\\' && i < n) value += dsn[i++];
        else value += c;
      }
    }
    storeParameter(key, value, params, serverSettings, `the connection string ${redactDsn(dsn)}`);
  }
  return { params, serverSettings };
}

/** Parse a `postgres://` / `postgresql://` URI or a libpq keyword/value string. */
export function parseDsn(dsn: string): ParsedDsn {
  const prefix = URI_PREFIX.exec(dsn);
  if (prefix) return parseUri(dsn, prefix[0].length);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(dsn)) {
    throw new ConfigError(`unsupported DSN scheme in ${redactDsn(dsn)}: use postgres:// or postgresql://`);
  }
  return parseKeywordValue(dsn);
}
