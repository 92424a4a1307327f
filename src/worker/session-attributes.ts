// target_session_attrs: whether a freshly opened session is the kind of server asked for. Servers
// from PostgreSQL 14 report in_hot_standby and default_transaction_read_only at startup; older
// ones are asked, as libpq does.

import type { TargetSessionAttrs } from './config/connection-options.js';
import type { PgConnection } from './connection.js';
import { runQuery } from './requests.js';

export interface SessionKind {
  standby: boolean;
  readOnly: boolean;
}

export async function sessionKind(engine: PgConnection): Promise<SessionKind> {
  const hotStandby = engine.parameters.get('in_hot_standby');
  const readOnly = engine.parameters.get('default_transaction_read_only');
  if (hotStandby !== undefined && readOnly !== undefined) return { standby: hotStandby === 'on', readOnly: readOnly === 'on' || hotStandby === 'on' };
  const outcome = await runQuery(engine, { sql: "select pg_is_in_recovery(), current_setting('transaction_read_only') = 'on'", paramSets: [[]], rowMode: 'array' });
  const [recovery, transactionReadOnly] = outcome.rows[0] as [boolean, boolean];
  return { standby: recovery, readOnly: recovery || transactionReadOnly };
}

/** Why a session of `kind` does not satisfy `wanted`, or undefined when it does. */
export function mismatch(kind: SessionKind, wanted: TargetSessionAttrs): string | undefined {
  switch (wanted) {
    case 'any':
      return undefined;
    case 'read-write':
      return kind.readOnly ? 'the session is read-only' : undefined;
    case 'read-only':
      return kind.readOnly ? undefined : 'the session is read-write';
    case 'primary':
      return kind.standby ? 'the server is a standby' : undefined;
    case 'standby':
    case 'prefer-standby':
      return kind.standby ? undefined : 'the server is not a standby';
  }
}
