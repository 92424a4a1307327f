// A one-shot query through the pool: take a connection, run the statement with its rows decoded
// into batches, give the connection back, and reply with every batch buffer transferred.

import { move, transferableSymbol, valueSymbol } from 'piscina';
import { buffersOf, type BatchData } from '../../codec/batch/index.js';
import { QueryAbortedError, QueryTimeoutError } from '../../codec/errors/client-errors.js';
import { serializeError } from '../../codec/errors/transport.js';
import { runQuery, runSimpleQuery } from '../requests.js';
import { BatchSink, columnInfoOf } from './batch-sink.js';
import type { ConnectionSlots, Lease } from './connection-slots.js';
import type { ColumnInfo, QueryReply, QueryTask, WorkerConfig } from './messages.js';
import type { RowSink } from '../operations/extended-query.js';
import type { StatementDescription } from '../statement.js';
import { unpackParams } from './params.js';
import type { TaskRegistry } from './task-registry.js';

export function abortError(reason: 'abort' | 'timeout'): Error {
  return reason === 'timeout'
    ? new QueryTimeoutError('the query ran past its timeout and was cancelled on the server')
    : new QueryAbortedError('the query was aborted by its AbortSignal and cancelled on the server');
}

/** Receives each full batch as soon as it is built (with the columns), instead of the reply. */
export type EarlyBatches = (batch: BatchData, columns: ColumnInfo[]) => void;

export async function runQueryTask(task: QueryTask, config: WorkerConfig, slots: ConnectionSlots, registry: TaskRegistry, onEarlyBatch?: EarlyBatches): Promise<unknown> {
  const early = registry.start(task.id);
  if (early !== undefined) return failure(abortError(early));
  let lease: Lease | undefined;
  try {
    lease = await slots.acquire();
    const aborted = registry.attach(task.id, lease.connection);
    if (aborted !== undefined) return failure(abortError(aborted));
    if (task.types !== undefined) slots.catalog.applyWireSettings(task.types);
    if (task.simple) {
      const command = await runSimpleQuery(lease.connection, task.sql);
      return { ok: true, command, rowCount: null, columns: [], batches: [], notices: lease.notices } satisfies QueryReply;
    }
    const batches: BatchData[] = [];
    let statement: StatementDescription | undefined;
    const sendEarly = onEarlyBatch !== undefined && task.early === true;
    const sink = task.results === 'batches'
      ? new BatchSink({ maxRows: config.batchRows, maxBytes: config.batchBytes }, (batch) => (sendEarly ? onEarlyBatch(batch, columnInfoOf(statement!, slots.catalog)) : batches.push(batch)))
      : undefined;
    const rowSink: RowSink | undefined = sink && {
      row(described, bytes, view, start, end) {
        statement = described;
        sink.row(described, bytes, view, start, end);
      },
    };
    const outcome = await runQuery(lease.connection, { sql: task.sql, paramSets: task.paramSets.map(unpackParams), rowMode: 'none', sink: rowSink });
    // The last, partial batch travels with the reply.
    if (sendEarly) sink?.flushTo((batch) => batches.push(batch));
    else sink?.flush();
    const reply: QueryReply = {
      ok: true,
      command: outcome.command,
      rowCount: outcome.rowCount,
      columns: columnInfoOf(outcome.statement, slots.catalog),
      batches,
      notices: lease.notices,
    };
    // Every batch buffer moves to the main thread: nothing is copied, and the worker's views detach.
    return move({ [transferableSymbol]: batches.flatMap(buffersOf), [valueSymbol]: reply });
  } catch (error) {
    const aborted = registry.abortedFor(task.id);
    return failure(aborted !== undefined ? abortError(aborted) : error);
  } finally {
    await registry.finish(task.id);
    if (lease !== undefined) slots.release(lease);
  }
}

function failure(error: unknown): QueryReply {
  return { ok: false, error: serializeError(error) };
}
