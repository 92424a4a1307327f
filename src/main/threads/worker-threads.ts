// piscina's one role: it spawns the pool's worker threads, keeps their number, replaces one that
// dies, and runs on each its single serve task (concurrentTasksPerWorker 1, so each thread takes
// exactly one). Everything else — which call goes where, cancels, sessions — travels over the
// two ports each serve task is given (see contract.ts).

import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { proxy } from 'comlink';
import { InterfaceError } from '../../codec/errors/client-errors.js';
import { workerCrashed, type ServeTask, type WorkerConfig } from '../../worker/pool/contract.js';
import { workerScriptUrl } from '../worker-script.js';
import type { CallQueue } from './call-queue.js';
import { WorkerLink } from './worker-link.js';

export class WorkerThreads {
  private readonly piscina: Piscina<ServeTask, void>;
  private stopping = false;

  constructor(
    config: WorkerConfig,
    workers: number,
    private readonly queue: CallQueue,
    /** The pool's connect callback: each worker (respawned ones too) gets it as a comlink proxy. */
    private readonly connectArgs?: () => Promise<WorkerConfig['connection']>,
  ) {
    this.piscina = new Piscina<ServeTask, void>({
      filename: workerScriptUrl(),
      minThreads: workers,
      maxThreads: workers,
      concurrentTasksPerWorker: 1,
      // Workers own sockets: their event loops must keep running between tasks (no Atomics.wait).
      atomics: 'disabled',
      idleTimeout: Number.MAX_SAFE_INTEGER,
      workerData: config,
      // The serve tasks' durations mean nothing: the pool keeps its own histograms.
      recordTiming: false,
    });
    for (let i = 0; i < workers; i++) this.spawn(i);
  }

  /** Ask every worker to close its idle connections with Terminate, within `timeoutMs`. */
  async closeConnections(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    const closing = this.queue.workers.map((link) => Promise.race([link.control.closeAll(), link.gone]).catch(() => undefined));
    await Promise.race([Promise.all(closing), deadline]);
    clearTimeout(timer);
  }

  /** Run `ask` on every live worker's control API; a worker that dies meanwhile is skipped (its replacement starts afresh). */
  async onEveryWorker(ask: (control: WorkerLink['control']) => Promise<void>): Promise<void> {
    // The arguments were checked on this thread; a worker can only fail here by dying.
    await Promise.all(this.queue.workers.map((link) => Promise.race([ask(link.control), link.gone]).catch(() => undefined)));
  }

  /** Close the ports (the workers cut what is left) and stop the threads. */
  async stop(reason: Error): Promise<void> {
    this.stopping = true;
    for (const link of [...this.queue.workers]) {
      this.queue.remove(link);
      link.close(reason);
    }
    await this.piscina.destroy();
  }

  /** The piscina instance, for tests that kill a worker thread. @internal */
  get threads(): readonly { terminate(): Promise<number> }[] {
    return this.piscina.threads;
  }

  private spawn(index: number): void {
    if (this.stopping) return;
    const data = new MessageChannel();
    const control = new MessageChannel();
    const link = new WorkerLink(index, data.port1, control.port1);
    this.queue.add(link);
    if (this.connectArgs !== undefined) void link.control.setConnectArgsProvider(proxy(this.connectArgs)).catch(() => undefined);
    const task: ServeTask = { data: data.port2, control: control.port2 };
    this.piscina.run(task, { transferList: [data.port2, control.port2] as never }).then(
      () => {
        // The serve task ends when its data port closes: only when the pool stops.
        link.close(new InterfaceError('the pool is closed'));
      },
      (error: unknown) => {
        this.queue.remove(link);
        link.close(workerCrashed(error));
        this.spawn(index);
      },
    );
  }
}
