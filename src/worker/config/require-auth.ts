// libpq's require_auth: which authentication methods the client accepts from the server, so a
// server (or impostor) cannot talk the client into sending a cleartext password.

import { ConfigError } from '../../codec/errors/client-errors.js';
import type { AuthMethod } from '../operations/startup.js';

const ALL: readonly AuthMethod[] = ['trust', 'password', 'md5', 'scram-sha-256', 'scram-sha-256-plus'];

/** libpq method names to ours; SCRAM covers both with and without channel binding. */
const METHODS: Record<string, readonly AuthMethod[]> = {
  password: ['password'],
  md5: ['md5'],
  'scram-sha-256': ['scram-sha-256', 'scram-sha-256-plus'],
  none: ['trust'],
  // Methods pgloom cannot perform: accepted in the list, they just allow nothing more.
  gss: [],
  sspi: [],
  oauth: [],
};

/**
 * Parse a require_auth list ('scram-sha-256,md5' or '!password,!md5') into the allowed
 * methods; undefined for an empty or missing list (everything allowed).
 */
export function parseRequireAuth(list: string | undefined): readonly AuthMethod[] | undefined {
  if (list === undefined || list.trim() === '') return undefined;
  const entries = list.split(',').map((entry) => entry.trim());
  const negated = entries[0].startsWith('!');
  const named = new Set<string>();
  for (const entry of entries) {
    if (entry.startsWith('!') !== negated) {
      throw new ConfigError(`require_auth "${list}" mixes negated (!) and plain methods: use only one kind`);
    }
    const name = negated ? entry.slice(1) : entry;
    if (!(name in METHODS)) {
      throw new ConfigError(`unknown method "${name}" in require_auth: use ${Object.keys(METHODS).join(', ')}, optionally prefixed with !`);
    }
    if (named.has(name)) throw new ConfigError(`require_auth names "${name}" twice`);
    named.add(name);
  }
  const listed = new Set([...named].flatMap((name) => METHODS[name]));
  return negated ? ALL.filter((method) => !listed.has(method)) : ALL.filter((method) => listed.has(method));
}
