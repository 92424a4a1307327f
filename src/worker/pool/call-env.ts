// What every call handler in a worker is given: the configuration, the connections, and the way
// out to the main thread.

import type { ConnectionSlots } from './connection-slots.js';
import type { DataEvent, WorkerConfig } from './contract.js';

export interface CallEnv {
  config: WorkerConfig;
  slots: ConnectionSlots;
  /** Queue an event for the main thread; events leave in order, several to a message. */
  emit(event: DataEvent, transfer?: readonly ArrayBuffer[]): void;
}
