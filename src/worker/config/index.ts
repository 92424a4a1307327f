// Connection configuration: user options, DSNs, environment and password file → ConnectionPlan.

export type { ChannelBindingMode, ConnectionOptions } from './connection-options.js';
export type { Conninfo, ConninfoKey } from './conninfo.js';
export { parseDsn, redactDsn, type ParsedDsn } from './dsn.js';
export { readEnvironment } from './environment.js';
export { defaultPgpassFile, lookupPgpass, type PgpassOptions } from './pgpass.js';
export { parseRequireAuth } from './require-auth.js';
export { resolveConnectionPlan, type ResolveDefaults } from './resolve.js';
export { SSL_MODES, parseSslMode, resolveTls, type ResolvedTls, type TlsSettings } from './tls-options.js';
