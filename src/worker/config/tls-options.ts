// sslmode and the certificate options, turned into node:tls connect options as libpq applies them.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { ConfigError } from '../../codec/errors/client-errors.js';
import type { SslMode } from '../transport.js';

export const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

export interface TlsSettings {
  /** Undefined when no source set it (libpq then picks a default that depends on sslrootcert). */
  sslmode: string | undefined;
  sslrootcert?: string;
  sslcert?: string;
  sslkey?: string;
  sslpassword?: string;
  homedir: string;
}

export interface ResolvedTls {
  sslMode: SslMode;
  tls: TlsOptions;
}

export function parseSslMode(value: string): SslMode {
  if (!(SSL_MODES as readonly string[]).includes(value)) {
    throw new ConfigError(`invalid sslmode "${value}": use one of ${SSL_MODES.join(', ')}`);
  }
  return value as SslMode;
}

function readFile(path: string, option: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`cannot read ${option} file "${path}" (${code}): fix the path or the file's permissions`, { cause: error });
  }
}

export function resolveTls(settings: TlsSettings): ResolvedTls {
  const systemRoots = settings.sslrootcert === 'system';
  if (systemRoots && settings.sslmode !== undefined && settings.sslmode !== 'verify-full') {
    // libpq refuses this: trusting every public CA is only safe when the host name is checked too.
    throw new ConfigError(`sslrootcert=system requires sslmode=verify-full (got sslmode=${settings.sslmode})`);
  }
  let sslMode = parseSslMode(settings.sslmode ?? (systemRoots ? 'verify-full' : 'prefer'));
  if (sslMode === 'disable') return { sslMode, tls: {} };

  const tls: TlsOptions = {};
  const dotPostgresql = join(settings.homedir, '.postgresql');

  if (!systemRoots) {
    const defaultRoot = join(dotPostgresql, 'root.crt');
    const rootFile = settings.sslrootcert ?? (existsSync(defaultRoot) ? defaultRoot : undefined);
    if (rootFile !== undefined) tls.ca = readFile(rootFile, 'sslrootcert');
    // libpq: with a root certificate available, sslmode=require verifies the chain like verify-ca.
    if (sslMode === 'require' && rootFile !== undefined) sslMode = 'verify-ca';
    if ((sslMode === 'verify-ca' || sslMode === 'verify-full') && rootFile === undefined) {
      throw new ConfigError(`sslmode=${sslMode} needs a root certificate: set sslrootcert (or PGSSLROOTCERT) to the CA file, put it at ${defaultRoot}, or use sslrootcert=system for the public CAs`);
    }
  }

  const certFile = settings.sslcert ?? join(dotPostgresql, 'postgresql.crt');
  const keyFile = settings.sslkey ?? join(dotPostgresql, 'postgresql.key');
  // Explicit files must exist; the defaults are used only when present.
  if (settings.sslcert !== undefined || existsSync(certFile)) {
    tls.cert = readFile(certFile, 'sslcert');
    tls.key = readFile(keyFile, 'sslkey');
    if (settings.sslpassword !== undefined) tls.passphrase = settings.sslpassword;
  } else if (settings.sslkey !== undefined) {
    throw new ConfigError(`sslkey is set but there is no client certificate: set sslcert too (looked for ${certFile})`);
  }

  if (sslMode === 'verify-full' || sslMode === 'verify-ca') {
    tls.rejectUnauthorized = true;
    // verify-ca checks the chain only; Node checks the host name unless told not to.
    if (sslMode === 'verify-ca') tls.checkServerIdentity = () => undefined;
  } else {
    tls.rejectUnauthorized = false;
  }
  return { sslMode, tls };
}
