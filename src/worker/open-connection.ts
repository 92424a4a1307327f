// Connects to the first reachable server of a plan: transport (TCP/Unix, TLS per sslmode),
// then the startup exchange, all within the connect timeout. Follows libpq: a host that cannot
// be reached is skipped, but a server that refuses our credentials ends the attempt.

import type { ConnectionOptions } from 'node:tls';
import { ConnectionError } from '../codec/errors/client-errors.js';
import { PostgresError } from '../codec/errors/postgres-error.js';
import { PgConnection, type EngineOptions } from './connection.js';
import { Startup, type AuthMethod } from './operations/startup.js';
import { openTransport, type SslMode, type TransportTarget } from './transport.js';
import type { TargetSessionAttrs } from './config/connection-options.js';
import { mismatch, sessionKind } from './session-attributes.js';
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
  /** Which kind of server the session must reach (libpq's target_session_attrs); default 'any'. */
  targetSessionAttrs?: TargetSessionAttrs;
  /** 'random': try the hosts in a random order (libpq 16's load_balance_hosts). */
  loadBalanceHosts?: 'disable' | 'random';
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

/** A connected session that is not the kind of server asked for: the next host is tried. */
class WrongKindOfServer extends ConnectionError {
  override name = 'ConnectionError';
}

/** A server that answered but cannot take a session now (starting up, full): worth the next host. */
function busyServer(error: unknown): boolean {
  return error instanceof PostgresError && (error.code === '57P03' || error.code === '53300');
}

function describeTarget(target: TransportTarget): string {
  return target.socketPath ?? `${target.host}:${target.port}`;
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** Open a session on `target` and check it is the kind `wanted`; the connect timeout counts per host, as libpq's. */
async function openOn(plan: ConnectionPlan, target: TransportTarget, wanted: TargetSessionAttrs, options: EngineOptions): Promise<PgConnection> {
  const deadline = plan.connectTimeoutMs ? Date.now() + plan.connectTimeoutMs : Infinity;
  const engine = await connectTo(plan, target, options, deadline);
  if (wanted === 'any') return engine;
  try {
    const why = mismatch(await sessionKind(engine), wanted);
    if (why === undefined) return engine;
    throw new WrongKindOfServer(why);
  } catch (error) {
    engine.destroy();
    throw error;
  }
}

/**
 * Connect to the first host that answers and is the kind of server asked for, in order or at
 * random (loadBalanceHosts). An unreachable host or the wrong kind of server moves on to the
 * next; a server that refuses the credentials ends the attempt (libpq's rule). When no host
 * fits, the error names every host and why it was passed over.
 */
export async function openConnection(plan: ConnectionPlan, options: EngineOptions): Promise<PgConnection> {
  if (plan.targets.length === 0) throw new ConnectionError('no host to connect to: set host in the options, the DSN or PGHOST');
  const wanted = plan.targetSessionAttrs ?? 'any';
  const order = plan.loadBalanceHosts === 'random' ? shuffled(plan.targets) : plan.targets;
  // prefer-standby: a first pass for standbys, then any server (libpq's two passes).
  const passes: TargetSessionAttrs[] = wanted === 'prefer-standby' ? ['prefer-standby', 'any'] : [wanted];
  const failures: string[] = [];
  let last: unknown;
  for (const pass of passes) {
    for (const target of order) {
      try {
        return await openOn(plan, target, pass, options);
      } catch (error) {
        last = error;
        if (!(error instanceof ConnectionError) && !busyServer(error)) throw error;
        failures.push(`${describeTarget(target)}: ${(error as Error).message}`);
      }
    }
  }
  if (plan.targets.length === 1 && wanted === 'any') throw last;
  const wantedText = wanted === 'any' ? '' : ` with target_session_attrs=${wanted}`;
  throw new ConnectionError(`could not connect to any of ${plan.targets.length} host${plan.targets.length === 1 ? '' : 's'}${wantedText}: ${failures.join('; ')}`, { cause: last });
}
