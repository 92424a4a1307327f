// A one-shot query through the pool: take a connection, run the statement with its rows decoded
// into batches, give the connection back, and reply with every batch buffer transferred.

import { buffersOf, type BatchData } from '../../codec/batch/index.js';
import { runQuery, runSimpleQuery } from '../requests.js';
import { ReplySink } from './reply-sink.js';
import type { CallEnv } from './call-env.js';
import type { Lease } from './connection-slots.js';
import { cancelledError, notSentError, serializeError, unpackParams, type QueryCall, type QueryReply } from './contract.js';
import type { RunningCall } from './running-call.js';

export interface ReplyWithBuffers {
  reply: QueryReply;
  transfer: ArrayBuffer[];
}

export async function runQueryCall(call: QueryCall, running: RunningCall, env: CallEnv): Promise<ReplyWithBuffers> {
  const { slots, config } = env;
  let lease: Lease | undefined;
  try {
    lease = slots.takeIdle() ?? (await slots.acquire());
    if (!running.runOn(lease.connection)) return failure(notSentError(running.givenUp!));
    if (call.types !== undefined) slots.catalog.applyWireSettings(call.types);
    if (call.simple) {
      const command = await runSimpleQuery(lease.connection, call.sql);
      return { reply: { ok: true, command, rowCount: null, columns: [], batches: [], notices: lease.notices }, transfer: [] };
    }
    const batches: BatchData[] = [];
    // Full batches of a large result go at once, ahead of the reply that ends it.
    const sendEarly = call.early === true;
    const limits = { maxRows: Math.min(config.batchRows, call.batchRows ?? Infinity), maxBytes: Math.min(config.batchBytes, call.batchBytes ?? Infinity) };
    const sink = call.results === 'batches'
      ? new ReplySink(limits, (batch) => {
        if (sendEarly) env.emit({ type: 'batch', id: call.id, ...env.shapes.describe(sink!.statement!), batch }, buffersOf(batch));
        else batches.push(batch);
      })
      : undefined;
    const outcome = await runQuery(lease.connection, { sql: call.sql, paramSets: call.paramSets.map(unpackParams), rowMode: 'none', sink });
    // The last, partial batch travels with the reply; a small result travels as its rows' bytes.
    const rows = sink?.finish((batch) => batches.push(batch));
    const reply: QueryReply = {
      ok: true,
      command: outcome.command,
      rowCount: outcome.rowCount,
      ...env.shapes.describe(outcome.statement),
      batches,
      notices: lease.notices,
    };
    if (rows !== undefined) reply.wireRows = rows;
    // Every batch buffer moves to the main thread: nothing is copied, and the worker's views detach.
    return { reply, transfer: batches.flatMap(buffersOf) };
  } catch (error) {
    return failure(running.givenUp !== undefined ? cancelledError(running.givenUp) : error);
  } finally {
    const cancelLanding = running.finish();
    if (cancelLanding !== undefined) await cancelLanding;
    if (lease !== undefined) slots.release(lease);
  }
}

function failure(error: unknown): ReplyWithBuffers {
  return { reply: { ok: false, error: serializeError(error) }, transfer: [] };
}
