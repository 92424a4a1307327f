// Options + DSN + environment + libpq defaults → the engine's ConnectionPlan.

import { statSync } from 'node:fs';
import { homedir as osHomedir, userInfo } from 'node:os';
import { ConfigError } from '../../codec/errors/client-errors.js';
import type { ConnectionPlan } from '../open-connection.js';
import type { TransportTarget } from '../transport.js';
import type { ConnectionOptions } from './connection-options.js';
import type { Conninfo } from './conninfo.js';
import { parseDsn } from './dsn.js';
import { readEnvironment } from './environment.js';
import { resolveKeepAlive } from './keepalive.js';
import { defaultPgpassFile, lookupPgpass } from './pgpass.js';
import { parseRequireAuth } from './require-auth.js';
import { resolveTls } from './tls-options.js';

const DEFAULT_PORT = 5432;
const DEFAULT_SOCKET_DIR = '/var/run/postgresql';
const CHANNEL_BINDING = ['disable', 'prefer', 'require'] as const;
const TARGET_SESSION_ATTRS = ['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby'] as const;
const LOAD_BALANCE_HOSTS = ['disable', 'random'] as const;

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(`invalid ${name} "${value}": use one of ${allowed.join(', ')}`);
  return value as T;
}
/** Startup parameters the connection itself depends on: serverSettings may not change them. */
const RESERVED_SETTINGS = new Set(['user', 'database', 'client_encoding', 'replication']);

/** Hooks for tests; production uses the real file system and OS user. */
export interface ResolveDefaults {
  /** The default host when none is set; default: /var/run/postgresql if it is a directory, else localhost. */
  defaultHost?: () => string;
  osUser?: () => string;
  warn?: (message: string) => void;
}

function defaultHost(): string {
  try {
    if (statSync(DEFAULT_SOCKET_DIR).isDirectory()) return DEFAULT_SOCKET_DIR;
  } catch {
    // No local socket directory: use TCP.
  }
  return 'localhost';
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    throw new ConfigError('no user name given and the operating system user is unknown: set user in the options, the DSN or PGUSER');
  }
}

function parsePort(text: string, where: string): number {
  const trimmed = text.trim();
  if (trimmed === '') return DEFAULT_PORT;
  const port = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || port < 1 || port > 65535) {
    throw new ConfigError(`invalid port "${text}" in ${where}: use an integer from 1 to 65535`);
  }
  return port;
}

function portList(options: ConnectionOptions, dsn: Conninfo, env: Conninfo): number[] | undefined {
  if (options.port !== undefined) {
    const ports = Array.isArray(options.port) ? options.port : [options.port];
    return ports.map((port) => parsePort(String(port), 'the port option'));
  }
  if (dsn.port !== undefined) return dsn.port.split(',').map((p) => parsePort(p, 'the DSN'));
  if (env.port !== undefined) return env.port.split(',').map((p) => parsePort(p, 'PGPORT'));
  return undefined;
}

function hostList(options: ConnectionOptions, dsn: Conninfo, env: Conninfo): string[] | undefined {
  if (options.host !== undefined) return Array.isArray(options.host) ? options.host : [options.host];
  return (dsn.host ?? env.host)?.split(',');
}

export function buildTargets(hosts: readonly string[] | undefined, ports: readonly number[] | undefined, fallbackHost: () => string): TransportTarget[] {
  const hostNames = hosts && hosts.length > 0 ? hosts : [''];
  const portNumbers = ports && ports.length > 0 ? ports : [DEFAULT_PORT];
  if (portNumbers.length !== 1 && portNumbers.length !== hostNames.length) {
    throw new ConfigError(`${hostNames.length} hosts but ${portNumbers.length} ports: give one port for all hosts or one per host`);
  }
  return hostNames.map((name, i) => {
    const host = name.trim() || fallbackHost();
    const port = portNumbers.length === 1 ? portNumbers[0] : portNumbers[i];
    // A host that is a path names the directory holding the server's socket.
    if (host.startsWith('/')) return { host, port, socketPath: `${host.replace(/\/+$/, '') || ''}/.s.PGSQL.${port}` };
    return { host, port };
  });
}

/** libpq connect_timeout: whole seconds, 0 or less for no limit, and at least 2 otherwise. */
export function parseConnectTimeout(value: number | string | undefined, where: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = typeof value === 'number' ? value : Number(value.trim());
  if (!Number.isFinite(seconds) || (typeof value === 'string' && !/^\s*-?\d+\s*$/.test(value))) {
    throw new ConfigError(`invalid connect timeout "${value}" in ${where}: use a number of seconds (0 for no limit)`);
  }
  if (seconds <= 0) return undefined;
  return Math.max(2, seconds) * 1000;
}

function parseChannelBinding(value: string | undefined): ConnectionPlan['channelBinding'] {
  if (value === undefined) return 'prefer';
  if (!(CHANNEL_BINDING as readonly string[]).includes(value)) {
    throw new ConfigError(`invalid channel binding "${value}": use one of ${CHANNEL_BINDING.join(', ')}`);
  }
  return value as ConnectionPlan['channelBinding'];
}

function checkSetting(name: string, value: unknown): string {
  if (typeof value !== 'string') throw new ConfigError(`server setting "${name}" must be a string`);
  if (name.includes('\0') || value.includes('\0')) throw new ConfigError(`server setting "${name}" contains a NUL character`);
  return value;
}

/** Turn user options into the plan the engine connects with. */
export function resolveConnectionPlan(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv = process.env,
  homedir: string = osHomedir(),
  defaults: ResolveDefaults = {},
): ConnectionPlan {
  const parsed = options.dsn !== undefined ? parseDsn(options.dsn) : { params: {}, serverSettings: {} };
  const dsn = parsed.params;
  const fromEnv = readEnvironment(env);
  // Options > DSN > environment, per parameter.
  const pick = (key: keyof Conninfo, option: string | undefined): string | undefined => option ?? dsn[key] ?? fromEnv[key];

  const targets = buildTargets(hostList(options, dsn, fromEnv), portList(options, dsn, fromEnv), defaults.defaultHost ?? defaultHost);
  const user = pick('user', options.user) || (defaults.osUser ?? osUser)();
  const database = pick('dbname', options.database) || user;

  const { sslMode, tls } = resolveTls({
    sslmode: pick('sslmode', options.sslmode),
    sslrootcert: pick('sslrootcert', options.sslrootcert),
    sslcert: pick('sslcert', options.sslcert),
    sslkey: pick('sslkey', options.sslkey),
    sslpassword: options.sslpassword ?? dsn.sslpassword,
    homedir,
  });

  const channelBinding = parseChannelBinding(pick('channel_binding', options.channelBinding));
  if (channelBinding === 'require' && sslMode === 'disable') {
    throw new ConfigError('channel_binding=require needs TLS, but sslmode=disable: choose another sslmode or relax channelBinding');
  }

  const connectTimeoutMs = options.connectTimeout !== undefined
    ? parseConnectTimeout(options.connectTimeout, 'the connectTimeout option')
    : parseConnectTimeout(dsn.connect_timeout ?? fromEnv.connect_timeout, dsn.connect_timeout !== undefined ? 'the DSN' : 'PGCONNECT_TIMEOUT');

  const allowedMethods = parseRequireAuth(pick('require_auth', options.requireAuth));
  const targetSessionAttrs = oneOf(pick('target_session_attrs', options.targetSessionAttrs), TARGET_SESSION_ATTRS, 'target_session_attrs', 'any');
  const loadBalanceHosts = oneOf(pick('load_balance_hosts', options.loadBalanceHosts), LOAD_BALANCE_HOSTS, 'load_balance_hosts', 'disable');

  const startupParameters: Record<string, string> = { user, database, client_encoding: 'UTF8', DateStyle: 'ISO, MDY' };
  const applicationName = pick('application_name', options.applicationName) ?? dsn.fallback_application_name;
  if (applicationName !== undefined) startupParameters.application_name = applicationName;
  const serverOptions = pick('options', options.options);
  if (serverOptions !== undefined) startupParameters.options = serverOptions;
  for (const [name, value] of Object.entries({ ...parsed.serverSettings, ...options.serverSettings })) {
    if (RESERVED_SETTINGS.has(name)) {
      throw new ConfigError(`server setting "${name}" cannot be set through serverSettings or DSN parameters${name === 'user' || name === 'database' ? `: use the ${name} option` : ''}`);
    }
    startupParameters[name] = checkSetting(name, value);
  }
  for (const [name, value] of Object.entries(startupParameters)) {
    if (value.includes('\0')) throw new ConfigError(`the startup parameter "${name}" contains a NUL character`);
  }

  return {
    targets,
    sslMode,
    tls,
    connectTimeoutMs,
    user,
    password: passwordSource(options, dsn, fromEnv, homedir, env, user, database, defaults.warn),
    startupParameters,
    channelBinding,
    allowedMethods,
    targetSessionAttrs,
    loadBalanceHosts,
    keepAlive: resolveKeepAlive(dsn),
  };
}

function passwordSource(
  options: ConnectionOptions,
  dsn: Conninfo,
  fromEnv: Conninfo,
  homedir: string,
  env: NodeJS.ProcessEnv,
  user: string,
  database: string,
  warn: ((message: string) => void) | undefined,
): ConnectionPlan['password'] {
  const given = options.password;
  if (typeof given === 'function') {
    return async () => {
      const value = await given();
      if (typeof value !== 'string') throw new ConfigError('the password function must return a string');
      return value;
    };
  }
  // libpq treats an empty password like none and goes on to the password file.
  const fixed = given || dsn.password || fromEnv.password;
  if (fixed) return () => Promise.resolve(fixed);
  const file = options.passfile ?? dsn.passfile ?? fromEnv.passfile ?? defaultPgpassFile(homedir, env);
  return (target) => lookupPgpass(file, target.host, target.port, database, user, { warn });
}
