// The entry point of a pool worker thread (loaded by piscina). It owns this worker's connections
// and runs the tasks the main thread sends; every reply is plain data (see messages.ts).

import { setPriority } from 'node:os';
import { workerData } from 'piscina';
import { ConnectionSlots } from './connection-slots.js';
import type { WorkerConfig, WorkerTask } from './messages.js';
import { serveDirectChannel } from './direct-channel.js';
import { runQueryTask } from './query-task.js';
import { runSessionTask } from './session-task.js';
import { runStreamTask } from './stream-task.js';
import { TaskRegistry } from './task-registry.js';
import { runTypeLookupTask } from './type-lookup-task.js';

const config = workerData as WorkerConfig;
// On Linux a nice value belongs to the thread (elsewhere it would be the whole process's).
if (process.platform === 'linux' && config.nice !== 0) setPriority(0, config.nice);
const slots = new ConnectionSlots(config);
const registry = new TaskRegistry(config.controlChannel, () => slots.closeAll(), () => ({ open: slots.size, idle: slots.idleCount }));
slots.warm(config.minConnections);

export default async function handleTask(task: WorkerTask): Promise<unknown> {
  switch (task.kind) {
    case 'query':
      return runQueryTask(task, config, slots, registry);
    case 'stream':
      return runStreamTask(task, config, slots, registry);
    case 'session':
      return runSessionTask(task, config, slots);
    case 'lookup-type':
      return runTypeLookupTask(task, slots);
    case 'attach':
      return serveDirectChannel(task, (query, early) => runQueryTask(query, config, slots, registry, early));
    default:
      throw new Error(`unknown pool task kind ${(task as { kind: string }).kind}`);
  }
}
