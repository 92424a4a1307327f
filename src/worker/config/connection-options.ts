// The options a user gives to connect, named after libpq's connection parameters.

import type { SslMode } from '../transport.js';

export type ChannelBindingMode = 'disable' | 'prefer' | 'require';

export type TargetSessionAttrs = 'any' | 'read-write' | 'read-only' | 'primary' | 'standby' | 'prefer-standby';

/**
 * How to reach and authenticate to PostgreSQL. Every field is optional: explicit options win
 * over the DSN, which wins over the environment, which wins over libpq's defaults.
 */
export interface ConnectionOptions {
  /**
   * A connection string: a `postgres://` / `postgresql://` URI or a libpq keyword/value string
   * (`host=localhost dbname=app`). Query parameters that libpq does not know are sent to the
   * server as startup settings (like `serverSettings`).
   */
  dsn?: string;
  /**
   * Host name, IP address, or Unix socket directory (starting with `/`); several to try in
   * order. libpq `host`, env `PGHOST`. Default: `/var/run/postgresql` if it exists, else `localhost`.
   */
  host?: string | string[];
  /** TCP port (also names the Unix socket file): one for all hosts or one per host. libpq `port`, env `PGPORT`. Default 5432. */
  port?: number | number[];
  /** Database name. libpq `dbname`, env `PGDATABASE`. Default: the user name. */
  database?: string;
  /** Role to connect as. libpq `user`, env `PGUSER`. Default: the operating system user. */
  user?: string;
  /**
   * Password, or a function returning it (called for each connection, e.g. to fetch a
   * short-lived token). libpq `password`, env `PGPASSWORD`. Default: looked up in the passfile.
   */
  password?: string | (() => string | Promise<string>);
  /** TLS policy. libpq `sslmode`, env `PGSSLMODE`. Default `prefer`. */
  sslmode?: SslMode;
  /**
   * File of trusted CA certificates (PEM), or `system` for Node's built-in CAs (implies
   * verify-full). libpq `sslrootcert`, env `PGSSLROOTCERT`. Default `~/.postgresql/root.crt`.
   */
  sslrootcert?: string;
  /** Client certificate file (PEM). libpq `sslcert`, env `PGSSLCERT`. Default `~/.postgresql/postgresql.crt` if present. */
  sslcert?: string;
  /** Client private key file (PEM). libpq `sslkey`, env `PGSSLKEY`. Default `~/.postgresql/postgresql.key` if present. */
  sslkey?: string;
  /** Passphrase of the client key. libpq `sslpassword` (no env var). */
  sslpassword?: string;
  /** SCRAM channel binding policy. libpq `channel_binding`, env `PGCHANNELBINDING`. Default `prefer`. */
  channelBinding?: ChannelBindingMode;
  /** Reported in pg_stat_activity. libpq `application_name`, env `PGAPPNAME`. */
  applicationName?: string;
  /**
   * Seconds to wait for each host's connection (0: no limit; values below 2 count as 2, as in
   * libpq, which also applies it per host). libpq `connect_timeout`, env `PGCONNECT_TIMEOUT`.
   */
  connectTimeout?: number;
  /**
   * Which server of several hosts a session must reach (libpq 14+): `any` (default), `read-write`,
   * `read-only`, `primary`, `standby` or `prefer-standby` (a standby if any host is one, else
   * any). libpq `target_session_attrs`, env `PGTARGETSESSIONATTRS`.
   */
  targetSessionAttrs?: TargetSessionAttrs;
  /**
   * `disable` (default): try the hosts in order; `random`: in a random order per connection, which
   * spreads connections over them (libpq 16). libpq `load_balance_hosts`, env `PGLOADBALANCEHOSTS`.
   */
  loadBalanceHosts?: 'disable' | 'random';
  /**
   * Authentication methods to accept, comma-separated: `password`, `md5`, `scram-sha-256`,
   * `none`; or all prefixed with `!` to refuse those. libpq `require_auth`, env `PGREQUIREAUTH`.
   */
  requireAuth?: string;
  /** Extra settings sent at startup (e.g. `{ search_path: 'app' }`); no libpq equivalent. */
  serverSettings?: Record<string, string>;
  /**
   * Command-line options for the server (`-c geqo=off`). libpq `options`, env `PGOPTIONS`.
   */
  options?: string;
  /** Password file. libpq `passfile`, env `PGPASSFILE`. Default `~/.pgpass`. */
  passfile?: string;
}
