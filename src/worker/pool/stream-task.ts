// A streamed query: batches go to the main thread as they fill, and the worker stops reading the
// socket whenever it has used up the consumer's credits, so memory stays bounded however large
// the result. A consumer that leaves early cancels the query; the connection drains and goes back.

import { buffersOf } from '../../codec/batch/index.js';
import { runQuery } from '../requests.js';
import type { StatementDescription } from '../statement.js';
import { BatchSink } from './batch-sink.js';
import type { CallEnv } from './call-env.js';
import type { Lease } from './connection-slots.js';
import { cancelledError, notSentError, serializeError, unpackParams, type DataEvent, type StreamCall } from './contract.js';
import type { RunningCall } from './running-call.js';

/** The main thread's controls of one running stream. */
export class StreamFlow {
  private credits: number;
  private paused = false;
  private lease: Lease | undefined;
  consumerGone = false;

  constructor(highWaterMark: number) {
    this.credits = highWaterMark;
  }

  attach(lease: Lease): void {
    this.lease = lease;
  }

  credit(batches: number): void {
    this.credits += batches;
    if (this.credits > 0) this.resume();
  }

  /** The consumer left: read on (so the connection drains), send nothing more. */
  stop(): void {
    this.consumerGone = true;
    this.resume();
  }

  /** One batch sent: stop reading when the consumer holds all it may. */
  spend(): void {
    this.credits--;
    if (this.credits <= 0 && !this.paused && !this.consumerGone) {
      this.paused = true;
      this.lease?.connection.pauseReading();
    }
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.lease?.connection.resumeReading();
  }
}

/** Resolves with the stream's last event, sent once its connection is back. */
export async function runStreamCall(call: StreamCall, running: RunningCall, flow: StreamFlow, env: CallEnv): Promise<DataEvent> {
  const { slots, config } = env;
  let lease: Lease | undefined;
  try {
    lease = await slots.acquire();
    flow.attach(lease);
    if (!running.runOn(lease.connection)) return ended(call, notSentError(running.givenUp!));
    if (call.types !== undefined) slots.catalog.applyWireSettings(call.types);
    let statement: StatementDescription | undefined;
    const batches = new BatchSink({ maxRows: config.batchRows, maxBytes: config.batchBytes }, (batch) => {
      if (flow.consumerGone) return;
      env.emit({ type: 'batch', id: call.id, ...env.shapes.describe(statement!), batch }, buffersOf(batch));
      flow.spend();
    });
    const sink = {
      row(described: StatementDescription, bytes: Uint8Array, view: DataView, start: number, end: number) {
        statement = described;
        // Rows that arrive after the consumer left (before the cancel lands) are dropped undecoded.
        if (!flow.consumerGone) batches.row(described, bytes, view, start, end);
      },
    };
    const outcome = await runQuery(lease.connection, { sql: call.sql, paramSets: [unpackParams(call.params)], rowMode: 'none', sink });
    batches.flush();
    return { type: 'stream-end', id: call.id, ...env.shapes.describe(outcome.statement), command: outcome.command, rowCount: outcome.rowCount, notices: lease.notices };
  } catch (error) {
    return ended(call, running.givenUp !== undefined ? cancelledError(running.givenUp) : error);
  } finally {
    flow.resume();
    await running.finish();
    if (lease !== undefined) slots.release(lease);
  }
}

function ended(call: StreamCall, error: unknown): DataEvent {
  return { type: 'reply', id: call.id, reply: { ok: false, error: serializeError(error) } };
}
