// A streamed query: batches go to the main thread over the task's own port as they fill, and
// the worker stops reading the socket whenever the consumer holds `highWaterMark` batches it has
// not yet asked more for, so memory stays bounded however large the result.

import { buffersOf } from '../../codec/batch/index.js';
import { serializeError } from '../../codec/errors/transport.js';
import { runQuery } from '../requests.js';
import type { StatementDescription } from '../statement.js';
import { BatchSink, columnInfoOf } from './batch-sink.js';
import type { ConnectionSlots, Lease } from './connection-slots.js';
import type { StreamControl, StreamMessage, StreamTask, WorkerConfig } from './messages.js';
import { unpackParams } from './params.js';
import { abortError } from './query-task.js';
import type { TaskRegistry } from './task-registry.js';

export async function runStreamTask(task: StreamTask, config: WorkerConfig, slots: ConnectionSlots, registry: TaskRegistry): Promise<null> {
  const port = task.port;
  const post = (message: StreamMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  let credits = task.highWaterMark;
  let paused = false;
  let consumerGone = false;
  let lease: Lease | undefined;
  const early = registry.start(task.id);

  port.on('message', (control: StreamControl) => {
    if (control.type === 'credit') {
      credits += control.batches;
      if (paused && credits > 0) {
        paused = false;
        lease?.connection.resumeReading();
      }
    } else if (control.type === 'cancel') {
      // The consumer stopped early: cancel on the server, and read on so the connection drains.
      consumerGone = true;
      registry.cancel(task.id, 'abort');
      if (paused) {
        paused = false;
        lease?.connection.resumeReading();
      }
    }
  });

  try {
    if (early !== undefined) throw abortError(early);
    lease = await slots.acquire();
    const connection = lease.connection;
    const aborted = registry.attach(task.id, connection);
    if (aborted !== undefined) throw abortError(aborted);
    if (task.types !== undefined) slots.catalog.applyWireSettings(task.types);
    let columnsSent = false;
    const sendColumns = (statement: StatementDescription) => {
      if (columnsSent) return;
      columnsSent = true;
      post({ type: 'columns', columns: columnInfoOf(statement, slots.catalog) });
    };
    const batches = new BatchSink({ maxRows: config.batchRows, maxBytes: config.batchBytes }, (batch) => {
      if (consumerGone) return;
      post({ type: 'batch', batch }, buffersOf(batch));
      credits--;
      if (credits <= 0 && !paused) {
        paused = true;
        connection.pauseReading();
      }
    });
    const sink = {
      row(statement: StatementDescription, bytes: Uint8Array, view: DataView, start: number, end: number) {
        sendColumns(statement);
        batches.row(statement, bytes, view, start, end);
      },
    };
    const outcome = await runQuery(connection, { sql: task.sql, paramSets: [unpackParams(task.params)], rowMode: 'none', sink });
    batches.flush();
    sendColumns(outcome.statement);
    post({ type: 'end', command: outcome.command, rowCount: outcome.rowCount, notices: lease.notices });
  } catch (error) {
    const aborted = registry.abortedFor(task.id);
    if (!consumerGone) post({ type: 'error', error: serializeError(aborted !== undefined ? abortError(aborted) : error) });
  } finally {
    if (paused) lease?.connection.resumeReading();
    await registry.finish(task.id);
    if (lease !== undefined) slots.release(lease);
    port.close();
  }
  return null;
}
