// COPY through a pool worker. COPY FROM: the main thread's chunks arrive over the data port (their
// buffers transferred) into a CopyInFeed, which the engine drains as the socket takes them; each
// chunk written grants the main thread one more, so only a few are ever in flight. COPY TO: the
// engine's chunks leave as 'copy-chunk' events, and the worker stops reading the socket while the
// main thread holds `highWaterMark` of them. A file path is read or written here, in the worker.

import { InterfaceError } from '../../codec/errors/client-errors.js';
import type { PgConnection } from '../connection.js';
import { runCopyIn } from '../operations/copy-in.js';
import { runCopyOut, type CopyConsumer } from '../operations/copy-out.js';
import { fileChunks, fileConsumer } from '../operations/copy-files.js';
import type { CallEnv } from './call-env.js';
import type { Lease } from './connection-slots.js';
import { cancelledError, copyGivenUp, notSentError, serializeError, type CopyInCall, type CopyOutCall, type DataEvent, type GiveUpReason, type QueryReply } from './contract.js';
import type { RunningCall } from './running-call.js';

/** The chunks of one COPY FROM, as the main thread sends them. */
export class CopyInFeed implements AsyncIterator<Uint8Array> {
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  /** Set while the COPY runs: ends it with CopyFail. */
  onGiveUp: ((reason: GiveUpReason) => void) | undefined;
  /** Why the caller gave up, if it did: a COPY given up before it started is never sent. */
  givenUp: GiveUpReason | undefined;
  /** Its reply already went (given up before it started): the one its run ends with is dropped. */
  answered = false;

  push(chunk: Uint8Array): void {
    if (this.ended) return;
    this.chunks.push(chunk);
    this.wakeUp();
  }

  done(): void {
    this.ended = true;
    this.wakeUp();
  }

  /** The main thread's source failed. */
  fail(reason: string): void {
    this.failure ??= new InterfaceError(reason);
    this.wakeUp();
  }

  /** Returns whether the COPY had started (a COPY not started yet never will be). */
  giveUp(reason: GiveUpReason): boolean {
    this.givenUp ??= reason;
    this.fail(reason === 'timeout' ? 'the COPY ran past its timeout' : 'the COPY was aborted');
    this.onGiveUp?.(reason);
    return this.onGiveUp !== undefined;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      const chunk = this.chunks.shift();
      if (chunk !== undefined) return { done: false, value: chunk };
      if (this.ended) return { done: true, value: undefined };
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.ended = true;
    this.chunks.length = 0;
    this.wakeUp();
    return { done: true, value: undefined };
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** The main thread's hold on one COPY TO's chunks: credits, and whether it still wants them. */
export class CopyOutFlow {
  private credits: number;
  private wake: (() => void) | undefined;
  private gone = false;
  /** Set while the COPY runs: stops the engine's deliveries (the RunningCall cancels it on the server). */
  onGiveUp: (() => void) | undefined;

  constructor(private readonly id: number, highWaterMark: number, private readonly env: CallEnv) {
    this.credits = highWaterMark;
  }

  /** Send one chunk; while the main thread holds all it may, the promise keeps the engine from reading on. */
  readonly consume: CopyConsumer = (chunk) => {
    if (this.gone) return;
    this.env.emit({ type: 'copy-chunk', id: this.id, chunk }, [chunk.buffer as ArrayBuffer]);
    if (--this.credits > 0) return;
    return new Promise<void>((resolve) => (this.wake = resolve));
  };

  credit(chunks: number): void {
    this.credits += chunks;
    if (this.credits > 0) this.wakeUp();
  }

  giveUp(): void {
    this.gone = true;
    this.onGiveUp?.();
    this.wakeUp();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** 'COPY 1000' → 1000. */
export function copyRowCount(tag: string): number | null {
  const match = /^COPY (\d+)$/.exec(tag);
  return match === null ? null : Number(match[1]);
}

/** Run a COPY FROM on `connection`; resolves with the command tag. */
export async function copyInOn(connection: PgConnection, call: CopyInCall, feed: CopyInFeed, env: CallEnv): Promise<string> {
  // Given up while it waited for its connection (or for the session's call before it).
  if (feed.givenUp !== undefined) throw notSentError(feed.givenUp);
  const source = call.file !== undefined ? fileChunks(call.file) : feed;
  const { done, operation } = runCopyIn(connection, call.sql, source, call.file === undefined ? () => env.emit({ type: 'copy-credit', id: call.id, chunks: 1 }) : undefined);
  feed.onGiveUp = (reason) => operation.giveUp(copyGivenUp(reason, 'in'), env.config.cancelGracePeriod);
  return done;
}

/** Run a COPY TO on `connection`; resolves with the command tag. */
export async function copyOutOn(connection: PgConnection, call: CopyOutCall, flow: CopyOutFlow): Promise<string> {
  if (call.file === undefined) {
    const { done, operation } = runCopyOut(connection, call.sql, flow.consume);
    flow.onGiveUp = () => operation.giveUp(new InterfaceError('the COPY was given up'), false);
    return done;
  }
  const file = fileConsumer(call.file);
  const { done, operation } = runCopyOut(connection, call.sql, file.consume);
  flow.onGiveUp = () => operation.giveUp(new InterfaceError('the COPY was given up'), false);
  try {
    const tag = await done;
    await file.finish();
    return tag;
  } catch (error) {
    file.abandon();
    throw error;
  }
}

/** A one-shot COPY (not in a session): take a connection, run it, give the connection back, reply. */
export async function runCopyCall(call: CopyInCall | CopyOutCall, running: RunningCall, env: CallEnv, feed: CopyInFeed | undefined, flow: CopyOutFlow | undefined): Promise<DataEvent> {
  let lease: Lease | undefined;
  try {
    lease = env.slots.takeIdle() ?? (await env.slots.acquire());
    // COPY FROM ends itself with CopyFail when given up; a COPY TO needs the RunningCall's CancelRequest.
    if (call.type === 'copy-out' ? !running.runOn(lease.connection) : running.givenUp !== undefined) {
      return failed(call.id, notSentError(running.givenUp!));
    }
    const command = call.type === 'copy-in' ? await copyInOn(lease.connection, call, feed!, env) : await copyOutOn(lease.connection, call, flow!);
    const reply: QueryReply = { ok: true, command, rowCount: copyRowCount(command), columns: [], batches: [], notices: lease.notices };
    return { type: 'reply', id: call.id, reply };
  } catch (error) {
    // A COPY FROM's own error says how it ended (CopyFail, the server's error, a closed connection).
    return failed(call.id, running.givenUp !== undefined && call.type === 'copy-out' ? cancelledError(running.givenUp) : error);
  } finally {
    const cancelLanding = running.finish();
    if (cancelLanding !== undefined) await cancelLanding;
    if (lease !== undefined) env.slots.release(lease);
  }
}

function failed(id: number, error: unknown): DataEvent {
  return { type: 'reply', id, reply: { ok: false, error: serializeError(error) } };
}
