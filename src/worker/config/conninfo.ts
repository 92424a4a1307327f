// The libpq connection keywords pgloom understands, shared by the DSN and environment readers:
// both produce raw strings, so one place (resolve.ts) validates them.

import { ConfigError } from '../../codec/errors/client-errors.js';

export const CONNINFO_KEYS = [
  'host', 'port', 'dbname', 'user', 'password', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey',
  'sslpassword', 'channel_binding', 'application_name', 'fallback_application_name',
  'connect_timeout', 'require_auth', 'passfile', 'options', 'target_session_attrs', 'load_balance_hosts',
  'keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count', 'tcp_user_timeout',
] as const;

export type ConninfoKey = (typeof CONNINFO_KEYS)[number];

/** libpq keyword → raw value. Host and port may be comma-separated lists. */
export type Conninfo = Partial<Record<ConninfoKey, string>>;

const KNOWN = new Set<string>(CONNINFO_KEYS);

/** libpq parameters that only tune compression or SNI: accepted and ignored. */
const IGNORED = new Set(['sslcompression', 'sslsni']);

/** libpq parameters pgloom does not implement, with the one value that means "not used". */
const UNSUPPORTED: Record<string, string | undefined> = {
  sslnegotiation: 'postgres',
  gssencmode: 'disable',
  hostaddr: undefined,
  service: undefined,
  krbsrvname: undefined,
  gsslib: undefined,
  gssdelegation: '0',
  sslcrl: undefined,
  sslcrldir: undefined,
  sslcertmode: undefined,
  sslkeylogfile: undefined,
  requirepeer: undefined,
  replication: undefined,
  ssl_min_protocol_version: undefined,
  ssl_max_protocol_version: undefined,
  min_protocol_version: undefined,
  max_protocol_version: undefined,
};

/**
 * Store one DSN parameter: a libpq keyword into `params`, anything else into `serverSettings`
 * (libpq would reject those; we pass them to the server at startup, as asyncpg does).
 */
export function storeParameter(key: string, value: string, params: Conninfo, serverSettings: Record<string, string>, where: string): void {
  if (KNOWN.has(key)) {
    params[key as ConninfoKey] = value;
  } else if (key === 'ssl') {
    // JDBC-style ssl=true, which libpq also accepts in URIs.
    if (value === 'true' || value === '1') params.sslmode = 'require';
    else throw new ConfigError(`invalid value for ssl in ${where}: use ssl=true, or sslmode`);
  } else if (IGNORED.has(key)) {
    // Nothing to do.
  } else if (key in UNSUPPORTED) {
    if (UNSUPPORTED[key] !== value) {
      throw new ConfigError(`the connection parameter ${key} is not supported by pgloom (in ${where})${UNSUPPORTED[key] ? `: only ${key}=${UNSUPPORTED[key]}` : ''}`);
    }
  } else {
    if (!key) throw new ConfigError(`empty parameter name in ${where}`);
    serverSettings[key] = value;
  }
}
