// libpq's environment variables, read from an injectable env object (tests pass their own).

import type { Conninfo, ConninfoKey } from './conninfo.js';

const VARIABLES: Record<string, ConninfoKey> = {
  PGHOST: 'host',
  PGPORT: 'port',
  PGUSER: 'user',
  PGPASSWORD: 'password',
  PGDATABASE: 'dbname',
  PGSSLMODE: 'sslmode',
  PGAPPNAME: 'application_name',
  PGTARGETSESSIONATTRS: 'target_session_attrs',
  PGLOADBALANCEHOSTS: 'load_balance_hosts',
  PGCONNECT_TIMEOUT: 'connect_timeout',
  PGSSLROOTCERT: 'sslrootcert',
  PGSSLCERT: 'sslcert',
  PGSSLKEY: 'sslkey',
  PGCHANNELBINDING: 'channel_binding',
  PGPASSFILE: 'passfile',
  PGREQUIREAUTH: 'require_auth',
  PGOPTIONS: 'options',
};

/** The connection parameters set in the environment; empty variables count as unset, as in libpq. */
export function readEnvironment(env: NodeJS.ProcessEnv): Conninfo {
  const result: Conninfo = {};
  for (const [name, key] of Object.entries(VARIABLES)) {
    const value = env[name];
    if (value !== undefined && value !== '') result[key] = value;
  }
  return result;
}
