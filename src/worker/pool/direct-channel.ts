// The worker's end of its direct channel: query tasks arrive several to a message and their
// replies leave the same way, gathered until the event loop's check phase, so that a burst of small
// queries costs a few thread wake-ups instead of two per query.

import type { MessagePort } from 'node:worker_threads';
import { transferableSymbol, valueSymbol } from 'piscina';
import { buffersOf } from '../../codec/batch/index.js';
import type { AttachOutcome, AttachTask, DirectMessage, DirectRequest, QueryReply, QueryTask } from './messages.js';
import type { EarlyBatches } from './query-task.js';

type Movable = { [key: symbol]: unknown };

let attached = false;

/** What runQueryTask resolves with: a reply, or piscina's movable wrapper of one and its buffers. */
function unwrap(result: unknown): { reply: QueryReply; transfer: ArrayBuffer[] } {
  if (typeof result === 'object' && result !== null && valueSymbol in result) {
    const movable = result as Movable;
    return { reply: movable[valueSymbol] as QueryReply, transfer: movable[transferableSymbol] as ArrayBuffer[] };
  }
  return { reply: result as QueryReply, transfer: [] };
}

export function serveDirectChannel(task: AttachTask, run: (query: QueryTask, early: EarlyBatches) => Promise<unknown>): Promise<AttachOutcome> {
  const port: MessagePort = task.port;
  if (attached) {
    port.close();
    return Promise.resolve('duplicate');
  }
  attached = true;
  let replies: { id: number; reply: QueryReply }[] = [];
  let transfer: ArrayBuffer[] = [];
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    const message: DirectMessage = { type: 'replies', replies };
    const buffers = transfer;
    replies = [];
    transfer = [];
    port.postMessage(message, buffers);
  };
  port.on('message', (request: DirectRequest) => {
    for (const query of request.tasks) {
      // Full batches of a large result go at once, ahead of the reply that ends it.
      const early: EarlyBatches = (batch, columns) => port.postMessage({ type: 'batch', id: query.id, columns, batch } satisfies DirectMessage, buffersOf(batch));
      void run(query, early).then((result) => {
        const { reply, transfer: buffers } = unwrap(result);
        replies.push({ id: query.id, reply });
        for (const buffer of buffers) transfer.push(buffer);
        if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      });
    }
  });
  port.postMessage({ type: 'ready' } satisfies DirectMessage);
  return new Promise((resolve) => {
    port.once('close', () => {
      attached = false;
      resolve('closed');
    });
  });
}
