// COPY through a pool worker (Pool, PooledConnection, connect({ worker: true })). COPY FROM: this
// thread makes the chunks (records encoded here: see copy-records-placement in docs/copy.md) and
// sends them with their buffers transferred, at most CHUNKS_IN_FLIGHT ahead of what the worker has
// written to the server; a file path is read by the worker itself. COPY TO: the worker's chunks
// arrive transferred and are consumed here in order, each one consumed granting the next.

import { copyGivenUp, deserializeError, type CopyInCall, type CopyOutCall, type DataEvent } from '../../worker/pool/contract.js';
import type { TypeCatalog } from '../../codec/types/introspected/catalog.js';
import type { CallGuard, GuardOptions } from '../threads/call-guard.js';
import type { WorkerLink } from '../threads/worker-link.js';
import type { ColumnType, CopyInput, CopySession, CopySink, CopyTarget } from './copy-target.js';

const CHUNKS_IN_FLIGHT = 4;
const CHUNKS_AHEAD = 2;

type Reply = Extract<DataEvent, { type: 'reply' }>['reply'] & { ok: boolean; command?: string };

/** Where one COPY runs: a worker's link, and for a pinned connection its session. */
export interface WorkerCopyChannel {
  link: WorkerLink;
  session?: number;
  /** The call ended (its reply came, or the worker died): give its place back. */
  ended(): void;
}

export interface WorkerCopyHost {
  catalog: TypeCatalog;
  query(sql: string, params: unknown[]): Promise<{ rows: unknown[][]; columns: ColumnType[] }>;
  /** Run `fn` with calls pinned to one connection. */
  session<T>(fn: (session: CopySession) => Promise<T>): Promise<T>;
  nextId(): number;
  /** Checks the options and the host (closed, released), and starts the call's deadline. */
  startGuard(options: GuardOptions): CallGuard;
  /** A place to run one COPY (the pool waits for a free connection). */
  open(guard: CallGuard): Promise<WorkerCopyChannel>;
  /** Every reply, before it settles the call (a session takes its state from it). */
  onReply?(reply: Reply): void;
  /** Count the COPY as running until it settles (pool.close() waits for it). */
  track?(running: Promise<unknown>): void;
}

export function workerCopyTarget(host: WorkerCopyHost): CopyTarget {
  return {
    catalog: host.catalog,
    query: (sql, params) => host.query(sql, params),
    session: (fn) => host.session(fn),
    copyIn: (sql, input, options) => run(host, options, (id, channel) => copyInCall(id, sql, input, channel), 'in', input),
    copyOut: (sql, sink, options) => run(host, options, (id, channel) => copyOutCall(id, sql, sink, channel), 'out', undefined, sink),
  };
}

function copyInCall(id: number, sql: string, input: CopyInput, channel: WorkerCopyChannel): CopyInCall {
  const call: CopyInCall = { type: 'copy-in', id, sql };
  if (input.kind === 'file') call.file = input.path;
  if (channel.session !== undefined) call.session = channel.session;
  return call;
}

function copyOutCall(id: number, sql: string, sink: CopySink, channel: WorkerCopyChannel): CopyOutCall {
  const call: CopyOutCall = { type: 'copy-out', id, sql, highWaterMark: CHUNKS_AHEAD };
  if (sink.kind === 'file') call.file = sink.path;
  if (channel.session !== undefined) call.session = channel.session;
  return call;
}

async function run(
  host: WorkerCopyHost,
  options: GuardOptions,
  build: (id: number, channel: WorkerCopyChannel) => CopyInCall | CopyOutCall,
  direction: 'in' | 'out',
  input?: CopyInput,
  sink?: CopySink,
): Promise<string> {
  const guard = host.startGuard(options);
  let channel: WorkerCopyChannel;
  try {
    channel = await host.open(guard);
  } catch (error) {
    guard.dispose();
    await closeChunks(input);
    throw error;
  }
  const id = host.nextId();
  const { link } = channel;
  const call = build(id, channel);
  const copying = new Promise<string>((resolve, reject) => {
    let settled = false;
    let stopped = false;
    let credits = CHUNKS_IN_FLIGHT;
    let wake: (() => void) | undefined;
    /** Why this side ended the COPY (its source or output failed): reported instead of the server's answer. */
    let ownError: unknown;
    let consumed: Promise<void> = Promise.resolve();
    const stop = () => {
      stopped = true;
      const waiting = wake;
      wake = undefined;
      waiting?.();
    };
    const settle = (finish: () => void) => {
      stop();
      if (settled) return;
      settled = true;
      guard.dispose();
      finish();
    };
    guard.watch((reason) => {
      link.send({ type: 'cancel', id, reason });
      if (direction === 'out') return settle(() => reject(copyGivenUp(reason, 'out', guard.timeout)));
      // A COPY FROM stops with CopyFail unless all its data has gone (then it ends as the server
      // ends it): only the worker's reply tells which, so the caller hears it, within the grace period.
      stop();
    });
    link.send(call, {
      event: (event) => {
        if (event.type === 'copy-credit') {
          credits += event.chunks;
          const waiting = wake;
          wake = undefined;
          waiting?.();
          return;
        }
        if (event.type === 'copy-chunk') {
          if (stopped || ownError !== undefined) return;
          const consume = (sink as Extract<CopySink, { kind: 'consumer' }>).consume;
          consumed = consumed.then(async () => {
            if (ownError !== undefined || settled) return;
            try {
              await consume(event.chunk);
              link.send({ type: 'copy-credit', id, chunks: 1 });
            } catch (error) {
              // The output failed: the worker cancels the COPY and drains; its reply ends the call.
              ownError = error;
              link.send({ type: 'cancel', id, reason: 'abort' });
            }
          });
          return;
        }
        if (event.type !== 'reply') return;
        channel.ended();
        const reply = event.reply as Reply;
        host.onReply?.(reply);
        stop();
        void consumed.then(() => settle(() => {
          if (ownError !== undefined) return reject(ownError);
          if (reply.ok) return resolve(reply.command!);
          // After a give-up the worker's error says how the COPY ended: CopyFail, never sent, or unknown.
          reject(deserializeError((reply as Extract<Reply, { ok: false }>).error));
        }));
      },
      lost: (error) => {
        channel.ended();
        settle(() => reject(error));
      },
    });
    if (input?.kind === 'chunks') {
      void (async () => {
        const chunks = input.chunks;
        try {
          for (;;) {
            while (credits <= 0 && !stopped) await new Promise<void>((resolve) => (wake = resolve));
            if (stopped) return;
            const next = await chunks.next();
            if (stopped) return;
            if (next.done) {
              link.send({ type: 'copy-done', id });
              return;
            }
            credits--;
            // Chunks made here own their buffer and move; anything else (the caller's bytes) is copied first.
            const chunk = input.owned === true ? next.value : next.value.slice();
            link.send({ type: 'copy-data', id, chunk }, undefined, [chunk.buffer as ArrayBuffer]);
            // A turn of the event loop per chunk: the chunk leaves now (the link posts at
            // setImmediate, before this), and encoding the next never holds the loop for several.
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        } catch (error) {
          if (stopped) return;
          ownError = error;
          link.send({ type: 'copy-fail', id, reason: `the COPY source failed: ${error instanceof Error ? error.message : String(error)}` });
        } finally {
          if (stopped) await closeChunks(input);
        }
      })();
    }
  });
  host.track?.(copying.catch(() => undefined));
  return copying;
}

async function closeChunks(input: CopyInput | undefined): Promise<void> {
  if (input?.kind !== 'chunks') return;
  try {
    await (input.chunks as AsyncIterator<Uint8Array>).return?.();
  } catch {
    // A source that cannot close has nothing more to tell the caller.
  }
}
