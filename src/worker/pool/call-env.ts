// What every call handler in a worker is given: the configuration, the connections, and the way
// out to the main thread.

import type { ConnectionSlots } from './connection-slots.js';
import type { DataEvent, WorkerConfig } from './contract.js';
import type { ResultShapes } from './result-shapes.js';

export interface CallEnv {
  config: WorkerConfig;
  slots: ConnectionSlots;
  /** Results' columns go to the main thread once per statement (data-port events only). */
  shapes: ResultShapes;
  /** Queue an event for the main thread; events leave in order, several to a message. */
  emit(event: DataEvent, transfer?: readonly ArrayBuffer[]): void;
}
