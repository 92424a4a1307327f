// The entry point of a pool worker thread (loaded by piscina, which runs one serve task per
// thread for the thread's whole life). It owns this worker's connections and serves the main
// thread over the two ports of contract.ts.

import { setPriority } from 'node:os';
import { workerData } from 'piscina';
import type { ServeTask, WorkerConfig } from './contract.js';
import { WorkerServer } from './worker-server.js';

const config = workerData as WorkerConfig;
// On Linux a nice value belongs to the thread (elsewhere it would be the whole process's).
if (process.platform === 'linux' && config.nice !== 0) setPriority(0, config.nice);

export default function serve(task: ServeTask): Promise<void> {
  return new WorkerServer(config, task).served;
}
