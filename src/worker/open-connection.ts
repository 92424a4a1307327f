// Connects to the first reachable server of a plan: transport (TCP/Unix, TLS per sslmode),
// then the startup exchange, all within the connect timeout. Follows libpq: a host that cannot
// be reached is skipped, but a server that refuses our credentials ends the attempt.

import type { ConnectionOptions } from 'node:tls';
import { ConnectionError } from '../codec/errors/client-errors.js';
import { PostgresError } from '../codec/errors/postgres-error.js';
import { PgConnection, type EngineOptions } from './connection.js';
import { Startup, type AuthMethod } from './operations/startup.js';
import { openTransport, type SslMode, type TransportTarget } from './transport.js';
import type { KeepAlive } from './config/keepalive.js';

export interface ConnectionPlan {
  targets: readonly TransportTarget[];
  sslMode: SslMode;
  tls: ConnectionOptions;
  /** Undefined or 0: wait as long as the OS does. */
  connectTimeoutMs: number | undefined;
  user: string;
  /** Looked up per target (~/.pgpass matches on host and port). */
  password: (target: TransportTarget) => Promise<string | undefined>;
  startupParameters: Record<string, string>;
  channelBinding: 'disable' | 'prefer' | 'require';
  allowedMethods?: readonly AuthMethod[];
  /** TCP keep-alive (libpq keepalives, keepalives_idle); absent: on, with the OS's idle time. */
  keepAlive?: KeepAlive;
}

/** The server refused the session for lack (or presence) of encryption: worth retrying the other way. */
function rejectedForEncryption(error: unknown): boolean {
  return error instanceof PostgresError && error.code === '28000';
}

function withDeadline<T>(promise: Promise<T>, deadline: number, onTimeout: () => Error): Promise<T> {
  if (!Number.isFinite(deadline)) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function attempt(plan: ConnectionPlan, target: TransportTarget, useTls: boolean, options: EngineOptions, deadline: number): Promise<PgConnection> {
  const transport = await openTransport(target, plan.sslMode, plan.tls, deadline, useTls, plan.keepAlive);
  const engine = new PgConnection(transport.socket, options);
  engine.cancelRoute = {
    target,
    sslMode: plan.sslMode,
    useTls: transport.peerCertificate !== undefined,
    tls: plan.tls,
    connectTimeoutMs: plan.connectTimeoutMs,
  };
  try {
    const password = await plan.password(target);
    const started = new Promise<void>((resolve, reject) => engine.submit(new Startup({
      user: plan.user,
      password,
      startupParameters: plan.startupParameters,
      channelBinding: plan.channelBinding,
      peerCertificate: transport.peerCertificate,
      allowedMethods: plan.allowedMethods,
    }, resolve, reject)));
    const where = target.socketPath ?? `${target.host}:${target.port}`;
    await withDeadline(started, deadline, () => new ConnectionError(`timed out during startup with ${where}: the server accepted the connection but did not finish authentication; raise connectTimeout or check the server`));
    return engine;
  } catch (error) {
    engine.destroy(error instanceof Error ? error : undefined);
    throw error;
  }
}

async function connectTo(plan: ConnectionPlan, target: TransportTarget, options: EngineOptions, deadline: number): Promise<PgConnection> {
  const mode = plan.sslMode;
  // 'allow' tries plain first, 'prefer' TLS first; each falls back to the other when the server
  // refuses the session for its encryption (pg_hba hostssl / hostnossl), as libpq does.
  if (mode === 'allow' || mode === 'prefer') {
    const tlsFirst = mode === 'prefer';
    try {
      return await attempt(plan, target, tlsFirst, options, deadline);
    } catch (error) {
      if (!rejectedForEncryption(error)) throw error;
      return attempt(plan, target, !tlsFirst, options, deadline);
    }
  }
  return attempt(plan, target, mode !== 'disable', options, deadline);
}

export async function openConnection(plan: ConnectionPlan, options: EngineOptions): Promise<PgConnection> {
  const deadline = plan.connectTimeoutMs ? Date.now() + plan.connectTimeoutMs : Infinity;
  let lastError: unknown = new ConnectionError('no host to connect to: set host in the options, the DSN or PGHOST');
  for (const target of plan.targets) {
    try {
      return await connectTo(plan, target, options, deadline);
    } catch (error) {
      lastError = error;
      // Only an unreachable host moves on to the next one; a server that answered has spoken.
      if (!(error instanceof ConnectionError)) break;
    }
  }
  throw lastError;
}
