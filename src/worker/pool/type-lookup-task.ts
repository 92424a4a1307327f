// pool.setTypeCodec & co. need a type's OID and description: a worker finds them on one of its
// connections (the main thread has none).

import { lookupType } from '../type-lookup.js';
import type { CallEnv } from './call-env.js';
import type { Lease } from './connection-slots.js';
import { cancelledError, serializeError, type TypeLookupCall, type TypeLookupReply } from './contract.js';
import type { RunningCall } from './running-call.js';

export async function runTypeLookupCall(call: TypeLookupCall, running: RunningCall, env: CallEnv): Promise<TypeLookupReply> {
  let lease: Lease | undefined;
  try {
    lease = await env.slots.acquire();
    if (!running.runOn(lease.connection)) throw cancelledError(running.givenUp!);
    if (call.types !== undefined) env.slots.catalog.applyWireSettings(call.types);
    const oid = await lookupType(lease.connection, call.typeName, call.schema);
    return { ok: true, oid, types: env.slots.catalog.closure([oid]) };
  } catch (error) {
    return { ok: false, error: serializeError(running.givenUp !== undefined ? cancelledError(running.givenUp) : error) };
  } finally {
    await running.finish();
    if (lease !== undefined) env.slots.release(lease);
  }
}
