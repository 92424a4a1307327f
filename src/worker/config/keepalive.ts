// TCP keep-alive from libpq's keepalives* parameters, as far as Node can set them: on by default
// (as libpq), so that a dead peer or a silently dropped route is noticed by the OS.

import { ConfigError } from '../../codec/errors/client-errors.js';
import type { Conninfo } from './conninfo.js';

export interface KeepAlive {
  enabled: boolean;
  /** ms a connection is idle before the first probe; 0 leaves the OS default. */
  idleMs: number;
}

/**
 * Node's socket.setKeepAlive(enable, initialDelay) sets only these two. keepalives_interval,
 * keepalives_count and tcp_user_timeout need TCP_KEEPINTVL, TCP_KEEPCNT and TCP_USER_TIMEOUT,
 * which Node cannot set: they are checked and otherwise left to the OS defaults.
 */
export function resolveKeepAlive(params: Conninfo): KeepAlive {
  const enabled = seconds(params, 'keepalives') ?? 1;
  const idle = seconds(params, 'keepalives_idle') ?? 0;
  for (const key of ['keepalives_interval', 'keepalives_count', 'tcp_user_timeout'] as const) seconds(params, key);
  return { enabled: enabled !== 0, idleMs: idle * 1000 };
}

/** A non-negative integer parameter, as libpq reads it. */
function seconds(params: Conninfo, key: 'keepalives' | 'keepalives_idle' | 'keepalives_interval' | 'keepalives_count' | 'tcp_user_timeout'): number | undefined {
  const raw = params[key];
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\s*\d+\s*$/.test(raw)) throw new ConfigError(`invalid ${key} "${raw}" in the DSN: use a whole number${key === 'keepalives' ? ' (1 on, 0 off)' : ' (0 for the OS default)'}`);
  return Number(raw);
}
