// A pinned session: one connection held by one long task, driven call by call from the main
// thread over the task's MessagePort (comlink), until release() gives it back.

import { expose, transfer, type Endpoint } from 'comlink';
import { buffersOf, type BatchData } from '../../codec/batch/index.js';
import { InterfaceError } from '../../codec/errors/client-errors.js';
import { serializeError } from '../../codec/errors/transport.js';
import { cancelRunningQuery } from '../cancel.js';
import { fetchFromPortal, closeOnServer, runQuery, runSimpleQuery } from '../requests.js';
import type { QueryOutcome } from '../operations/extended-query.js';
import type { StatementDescription } from '../statement.js';
import { BatchSink, columnInfoOf } from './batch-sink.js';
import type { ConnectionSlots, Lease } from './connection-slots.js';
import type { SessionApi, SessionQuery, SessionReply, SessionState, SessionTask, WorkerConfig } from './messages.js';
import { unpackParams } from './params.js';

/** asyncpg's reset: whatever the session left behind must not leak into the next one. */
const DEFAULT_RESET = 'SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL';

export async function runSessionTask(task: SessionTask, config: WorkerConfig, slots: ConnectionSlots): Promise<null> {
  let lease: Lease | undefined;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const portals = new Map<string, StatementDescription>();
  const limits = { maxRows: config.batchRows, maxBytes: config.batchBytes };

  const state = (): SessionState | undefined => lease && {
    processId: lease.connection.processId,
    transactionStatus: lease.connection.transactionStatus,
    parameters: [...lease.connection.parameters],
  };
  const failed = (error: unknown): SessionReply => ({ ok: false, error: serializeError(error), session: state() });
  const connection = () => {
    if (lease === undefined) throw new InterfaceError('the session has no connection: it was released');
    return lease.connection;
  };
  const succeeded = (outcome: Pick<QueryOutcome, 'command' | 'rowCount' | 'suspended'>, statement: StatementDescription | undefined, batches: BatchData[]) => {
    const reply: SessionReply = {
      ok: true,
      command: outcome.command,
      rowCount: outcome.rowCount,
      columns: statement ? columnInfoOf(statement, slots.catalog) : [],
      batches,
      notices: lease!.notices.splice(0),
      suspended: outcome.suspended,
      session: state()!,
    };
    return transfer(reply, batches.flatMap(buffersOf));
  };

  const api: SessionApi = {
    async open() {
      try {
        lease = await slots.acquire();
        if (config.setup !== undefined) await runSimpleQuery(lease.connection, config.setup);
        return succeeded({ command: '', rowCount: null, suspended: false }, undefined, []);
      } catch (error) {
        if (lease !== undefined) slots.release(lease);
        lease = undefined;
        release();
        return failed(error);
      }
    },

    async query(request: SessionQuery) {
      try {
        const engine = connection();
        if (request.types !== undefined) slots.catalog.applyWireSettings(request.types);
        if (request.simple) {
          const command = await runSimpleQuery(engine, request.sql);
          return succeeded({ command, rowCount: null, suspended: false }, undefined, []);
        }
        const batches: BatchData[] = [];
        const sink = request.results === 'batches' ? new BatchSink(limits, (batch) => batches.push(batch)) : undefined;
        const outcome = await runQuery(engine, {
          sql: request.sql,
          paramSets: request.paramSets.map(unpackParams),
          rowMode: 'none',
          sink,
          portal: request.portal,
          maxRows: request.maxRows,
        });
        sink?.flush();
        if (request.portal !== undefined && outcome.suspended) portals.set(request.portal, outcome.statement);
        return succeeded(outcome, outcome.statement, batches);
      } catch (error) {
        return failed(error);
      }
    },

    async fetchPortal(portal: string, maxRows: number) {
      try {
        const statement = portals.get(portal);
        if (statement === undefined) throw new InterfaceError(`no open cursor named ${portal}`);
        const batches: BatchData[] = [];
        const sink = new BatchSink(limits, (batch) => batches.push(batch));
        const outcome = await fetchFromPortal(connection(), portal, statement, maxRows, 'none', sink);
        sink.flush();
        if (!outcome.suspended) portals.delete(portal);
        return succeeded(outcome, statement, batches);
      } catch (error) {
        return failed(error);
      }
    },

    async closePortal(portal: string) {
      try {
        portals.delete(portal);
        await closeOnServer(connection(), 'P', portal);
        return succeeded({ command: '', rowCount: null, suspended: false }, undefined, []);
      } catch (error) {
        return failed(error);
      }
    },

    async cancel() {
      if (lease !== undefined) await cancelRunningQuery(lease.connection)?.catch(() => undefined);
    },

    async setNotificationHandler(onNotification) {
      const engine = connection();
      engine.options.onNotification = onNotification === undefined
        ? undefined
        : (notification) => void onNotification({ processId: notification.processId, channel: notification.channel, payload: notification.payload });
    },

    async release(discard?: boolean) {
      const engine = lease?.connection;
      if (engine !== undefined && discard) engine.destroy();
      else if (engine !== undefined && !engine.broken) {
        engine.options.onNotification = undefined;
        try {
          if (engine.transactionStatus !== 'idle') await runSimpleQuery(engine, 'ROLLBACK');
          const reset = config.reset ?? DEFAULT_RESET;
          if (reset !== '') await runSimpleQuery(engine, reset);
        } catch {
          // A session that cannot be reset is not handed to anyone else.
          engine.destroy();
        }
      }
      release();
    },
  };

  // Node's MessagePort is an EventTarget with MessageEvents: comlink can use it as it is.
  expose(api, task.port as unknown as Endpoint);
  await released;
  if (lease !== undefined) slots.release(lease);
  task.port.close();
  return null;
}
