// Which task runs on which connection in this worker, so that a cancel request from the main
// thread (broadcast to every worker) reaches the right backend.

import { BroadcastChannel } from 'node:worker_threads';
import { cancelRunningQuery } from '../cancel.js';
import type { PgConnection } from '../connection.js';
import type { ControlMessage } from './messages.js';

interface RunningTask {
  connection?: PgConnection;
  /** Set once the main thread gave up on the task. */
  abortedFor?: 'abort' | 'timeout';
  /** The cancel request in flight: the connection is reused only after the server took it. */
  cancelSent?: Promise<void>;
}

/** Cancels may arrive before their task reached this worker; remembered this long, in ms. */
const EARLY_CANCEL_MEMORY = 60_000;

export class TaskRegistry {
  private readonly running = new Map<number, RunningTask>();
  private readonly earlyCancels = new Map<number, { reason: 'abort' | 'timeout'; at: number }>();
  private readonly channel: BroadcastChannel;

  constructor(
    channelName: string,
    /** Close this worker's connections (the pool is closing). */
    private readonly onClose: () => Promise<void>,
    /** This worker's connections: open (or opening) and idle. */
    private readonly countConnections: () => { open: number; idle: number },
  ) {
    this.channel = new BroadcastChannel(channelName);
    this.channel.onmessage = (event) => this.onControl((event as { data: ControlMessage }).data);
    // The channel alone must not keep an idle worker alive.
    this.channel.unref();
  }

  /** Register a task; returns the reason if it was already cancelled. */
  start(taskId: number): 'abort' | 'timeout' | undefined {
    const early = this.earlyCancels.get(taskId);
    if (early !== undefined) {
      this.earlyCancels.delete(taskId);
      return early.reason;
    }
    this.running.set(taskId, {});
    return undefined;
  }

  /** The task now runs on `connection`: a cancel request would go to its backend. */
  attach(taskId: number, connection: PgConnection): 'abort' | 'timeout' | undefined {
    const task = this.running.get(taskId);
    if (task === undefined) return undefined;
    task.connection = connection;
    return task.abortedFor;
  }

  abortedFor(taskId: number): 'abort' | 'timeout' | undefined {
    return this.running.get(taskId)?.abortedFor;
  }

  /**
   * Forget the task, once any cancel request sent for it has been delivered: a late one would
   * otherwise cancel the connection's next query.
   */
  async finish(taskId: number): Promise<void> {
    const cancelSent = this.running.get(taskId)?.cancelSent;
    this.running.delete(taskId);
    if (cancelSent !== undefined) await cancelSent;
  }

  close(): void {
    this.channel.close();
  }

  private onControl(message: ControlMessage): void {
    if (message.type === 'close') {
      void this.onClose().then(() => this.channel.postMessage({ type: 'closed' } satisfies ControlMessage));
      return;
    }
    if (message.type === 'count-connections') {
      this.channel.postMessage({ type: 'connections', requestId: message.requestId, ...this.countConnections() } satisfies ControlMessage);
      return;
    }
    if (message.type === 'cancel') this.cancel(message.taskId, message.reason);
  }

  /** Cancel a task: its query is cancelled on the server and it fails with an abort error. */
  cancel(taskId: number, reason: 'abort' | 'timeout'): void {
    const task = this.running.get(taskId);
    if (task === undefined) {
      // Not here (yet): another worker may run it, or it is still queued for this one.
      this.forgetOldCancels();
      this.earlyCancels.set(taskId, { reason, at: Date.now() });
      return;
    }
    if (task.abortedFor !== undefined) return;
    task.abortedFor = reason;
    // A failed cancel leaves the query to finish on its own; its reply is then discarded.
    if (task.connection !== undefined) task.cancelSent = cancelRunningQuery(task.connection)?.catch(() => undefined);
  }

  private forgetOldCancels(): void {
    const cutoff = Date.now() - EARLY_CANCEL_MEMORY;
    for (const [id, cancel] of this.earlyCancels) {
      if (cancel.at >= cutoff) break;
      this.earlyCancels.delete(id);
    }
  }
}
