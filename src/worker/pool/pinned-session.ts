// A pinned session: one connection held between calls until release() gives it back, driven
// call by call from the main thread over the data port. Each call carries an id, so that a
// cancel reaches that call only: the session's calls run one after another, each once the one
// before has ended and any CancelRequest for it has landed, so a cancel finds on the server the
// call it is for, never one made before or after it.

import type { BatchData } from '../../codec/batch/index.js';
import { ConnectionError, InterfaceError } from '../../codec/errors/client-errors.js';
import type { QueryOutcome } from '../operations/extended-query.js';
import { closeOnServer, fetchFromPortal, runQuery, runSimpleQuery } from '../requests.js';
import type { StatementDescription } from '../statement.js';
import type { PgConnection } from '../connection.js';
import { ReplySink } from './reply-sink.js';
import type { CallEnv } from './call-env.js';
import type { Lease } from './connection-slots.js';
import {
  cancelledError, giveUpError, notSentError, serializeError, unpackParams,
  type GiveUpReason, type WireRowBytes, type SessionNotification, type SessionQuery, type SessionReply, type SessionState,
} from './contract.js';
import { RunningCall } from './running-call.js';

/** asyncpg's reset: whatever the session left behind must not leak into the next one. */
export const DEFAULT_RESET = 'SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL';

type Outcome = Pick<QueryOutcome, 'command' | 'rowCount' | 'suspended'>;

export class PinnedSession {
  private readonly portals = new Map<string, StatementDescription>();
  /** Statements prepared by name on this session (PooledConnection.prepare). */
  private readonly statements = new Map<string, StatementDescription>();
  private readonly calls = new Map<number, RunningCall>();
  /** Settles once the last call made so far has ended, and any cancel of it has landed. */
  private lastCall: Promise<unknown> = Promise.resolve();
  private lease: Lease | undefined;
  private parametersSent = -1;

  private constructor(private readonly env: CallEnv) {}

  /** Take a connection and run `setup`; the reply says how the session starts (or the server's error). */
  static async open(env: CallEnv, running: RunningCall, begin?: string): Promise<{ session?: PinnedSession; reply: SessionReply }> {
    const session = new PinnedSession(env);
    let lease: Lease | undefined;
    try {
      lease = await env.slots.acquire();
      if (!running.runOn(lease.connection)) throw giveUpError(running.givenUp!, 'gave up before its connection was ready');
      if (env.config.setup !== undefined) await runSimpleQuery(lease.connection, env.config.setup);
      if (begin !== undefined) await runSimpleQuery(lease.connection, begin);
      await running.finish();
      session.lease = lease;
      return { session, reply: session.succeeded({ command: '', rowCount: null, suspended: false }, undefined, []) };
    } catch (error) {
      await running.finish();
      if (lease !== undefined) env.slots.release(lease);
      return { reply: { ok: false, error: serializeError(running.givenUp !== undefined ? cancelledError(running.givenUp) : error) } };
    }
  }

  query(callId: number, request: SessionQuery): Promise<SessionReply> {
    return this.run(callId, async (connection) => {
      if (request.types !== undefined) this.env.slots.catalog.applyWireSettings(request.types);
      if (request.simple) {
        const command = await runSimpleQuery(connection, request.sql);
        return this.succeeded({ command, rowCount: null, suspended: false }, undefined, []);
      }
      const batches: BatchData[] = [];
      const sink = request.results === 'batches' ? new ReplySink(this.limits, (batch) => batches.push(batch)) : undefined;
      const statement = request.statement === undefined ? undefined : this.statements.get(request.statement);
      if (request.statement !== undefined && statement === undefined) throw new InterfaceError(`no statement prepared as ${request.statement} on this connection`);
      const outcome = await runQuery(connection, {
        sql: request.sql,
        paramSets: request.paramSets.map(unpackParams),
        rowMode: 'none',
        sink,
        portal: request.portal,
        maxRows: request.maxRows,
        statement,
      });
      const rows = sink?.finish((batch) => batches.push(batch));
      if (request.portal !== undefined && outcome.suspended) this.portals.set(request.portal, outcome.statement);
      return this.succeeded(outcome, outcome.statement, batches, rows);
    });
  }

  fetchPortal(callId: number, portal: string, maxRows: number): Promise<SessionReply> {
    return this.run(callId, async (connection) => {
      const statement = this.portals.get(portal);
      if (statement === undefined) throw new InterfaceError(`no open cursor named ${portal}`);
      const batches: BatchData[] = [];
      const sink = new ReplySink(this.limits, (batch) => batches.push(batch));
      const outcome = await fetchFromPortal(connection, portal, statement, maxRows, 'none', sink);
      const rows = sink.finish((batch) => batches.push(batch));
      if (!outcome.suspended) this.portals.delete(portal);
      return this.succeeded(outcome, statement, batches, rows);
    });
  }

  prepare(callId: number, sql: string, name: string, types: SessionQuery['types']): Promise<SessionReply> {
    return this.run(callId, async (connection) => {
      if (types !== undefined) this.env.slots.catalog.applyWireSettings(types);
      if (this.statements.has(name)) throw new InterfaceError(`a statement named ${name} is already prepared on this connection: close it first or choose another name`);
      const outcome = await runQuery(connection, { sql, paramSets: [], rowMode: 'none', prepareAs: name });
      this.statements.set(name, outcome.statement);
      const reply = this.succeeded({ command: '', rowCount: null, suspended: false }, outcome.statement, []);
      if (reply.ok) reply.parameterTypes = [...outcome.statement.paramOids];
      return reply;
    });
  }

  closeStatement(callId: number, name: string): Promise<SessionReply> {
    return this.run(callId, async (connection) => {
      this.statements.delete(name);
      await closeOnServer(connection, 'S', name);
      return this.succeeded({ command: '', rowCount: null, suspended: false }, undefined, []);
    });
  }

  closePortal(callId: number, portal: string): Promise<SessionReply> {
    return this.run(callId, async (connection) => {
      this.portals.delete(portal);
      await closeOnServer(connection, 'P', portal);
      return this.succeeded({ command: '', rowCount: null, suspended: false }, undefined, []);
    });
  }

  /** A COPY on the session's connection (see copy-task.ts), cancelled like the session's other calls. */
  copy(callId: number, body: (connection: PgConnection) => Promise<{ command: string; rowCount: number | null }>): Promise<SessionReply> {
    return this.run(callId, async (connection) => this.succeeded({ ...(await body(connection)), suspended: false }, undefined, []));
  }

  /** Whether `callId` is one of this session's calls still running. */
  runs(callId: number): boolean {
    return this.calls.has(callId);
  }

  cancel(callId: number, reason: GiveUpReason): void {
    this.calls.get(callId)?.giveUp(reason);
  }

  setNotificationHandler(onNotification: ((notification: SessionNotification) => void) | undefined): void {
    const connection = this.connection();
    connection.options.onNotification = onNotification === undefined
      ? undefined
      : (notification) => void onNotification({ processId: notification.processId, channel: notification.channel, payload: notification.payload });
  }

  /** Reset the session and give the connection back (`discard`: close it instead). */
  async release(discard: boolean): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    if (lease === undefined) return;
    await this.lastCall;
    const engine = lease.connection;
    const prepared = [...this.statements.keys()];
    this.statements.clear();
    if (discard) engine.destroy();
    else if (!engine.broken) {
      engine.options.onNotification = undefined;
      try {
        // The session's own statements go with it (not DEALLOCATE ALL: the statement cache's stay).
        await Promise.all(prepared.map((name) => closeOnServer(engine, 'S', name)));
        if (engine.transactionStatus !== 'idle') await runSimpleQuery(engine, 'ROLLBACK');
        const reset = this.env.config.reset ?? DEFAULT_RESET;
        if (reset !== '') await runSimpleQuery(engine, reset);
      } catch {
        // A session that cannot be reset is not handed to anyone else.
        engine.destroy();
      }
    }
    this.env.slots.release(lease);
  }

  private get limits() {
    return { maxRows: this.env.config.batchRows, maxBytes: this.env.config.batchBytes };
  }

  private connection(): PgConnection {
    if (this.lease === undefined) throw new InterfaceError('the session has no connection: it was released');
    return this.lease.connection;
  }

  private async run(callId: number, body: (connection: PgConnection) => Promise<SessionReply>): Promise<SessionReply> {
    const running = new RunningCall(this.env.config.cancelGracePeriod);
    const previous = this.lastCall;
    const ended = (async (): Promise<SessionReply> => {
      try {
        await previous;
        const connection = this.connection();
        if (!running.runOn(connection)) throw notSentError(running.givenUp!);
        return await body(connection);
      } catch (error) {
        // cancel() wants the server's own error (57014); a timeout or an abort, the caller's reason.
        // A closed connection stays itself: after a give-up it means the outcome is unknown (a COPY's).
        const givenUp = running.givenUp;
        const caller = givenUp !== undefined && givenUp !== 'cancel' && !(error instanceof ConnectionError);
        return { ok: false, error: serializeError(caller ? cancelledError(givenUp) : error), session: this.state() };
      } finally {
        await running.finish();
        this.calls.delete(callId);
      }
    })();
    this.calls.set(callId, running);
    this.lastCall = ended;
    return ended;
  }

  private state(): SessionState | undefined {
    const connection = this.lease?.connection;
    if (connection === undefined) return undefined;
    const state: SessionState = { processId: connection.processId, transactionStatus: connection.transactionStatus };
    if (connection.parametersVersion !== this.parametersSent) {
      this.parametersSent = connection.parametersVersion;
      state.parameters = [...connection.parameters];
    }
    return state;
  }

  private succeeded(outcome: Outcome, statement: StatementDescription | undefined, batches: BatchData[], rows?: WireRowBytes): SessionReply {
    const reply: SessionReply = {
      ok: true,
      command: outcome.command,
      rowCount: outcome.rowCount,
      ...(statement ? this.env.shapes.describe(statement) : { columns: [] }),
      batches,
      notices: this.lease!.notices.splice(0),
      suspended: outcome.suspended,
      session: this.state()!,
    };
    if (rows !== undefined) reply.wireRows = rows;
    return reply;
  }
}
