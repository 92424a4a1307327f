// pool.setTypeCodec & co. need a type's OID and description: a worker finds them on one of its
// connections (the main thread has none).

import { serializeError } from '../../codec/errors/transport.js';
import { lookupType } from '../type-lookup.js';
import type { ConnectionSlots, Lease } from './connection-slots.js';
import type { TypeLookupReply, TypeLookupTask } from './messages.js';

export async function runTypeLookupTask(task: TypeLookupTask, slots: ConnectionSlots): Promise<TypeLookupReply> {
  let lease: Lease | undefined;
  try {
    lease = await slots.acquire();
    if (task.types !== undefined) slots.catalog.applyWireSettings(task.types);
    const oid = await lookupType(lease.connection, task.typeName, task.schema);
    return { ok: true, oid, types: slots.catalog.closure([oid]) };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  } finally {
    if (lease !== undefined) slots.release(lease);
  }
}
