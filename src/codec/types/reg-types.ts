// The reg* object-identifier types (regclass, regtype, regproc, …). In binary they are plain
// OIDs — the names their text form shows need a catalog lookup — so the JS value is the OID as a
// number. To pass a name, cast text in SQL instead: `$1::text::regclass`.

import type { TypeCodec } from './codec.js';
import { uint32Codec } from './integers.js';
import {
  REGCLASS, REGCOLLATION, REGCONFIG, REGDICTIONARY, REGNAMESPACE, REGOPER, REGOPERATOR, REGPROC, REGPROCEDURE, REGROLE, REGTYPE,
} from './oids.js';

const ACCEPTS = 'an OID: an integer from 0 to 4294967295 (number or bigint); to pass a name, write $n::text::<regtype> in SQL';

function regCodec(oid: number, name: string): TypeCodec<number> {
  return uint32Codec(oid, name, ACCEPTS);
}

export const regCodecs: readonly TypeCodec<number>[] = [
  regCodec(REGPROC, 'regproc'),
  regCodec(REGPROCEDURE, 'regprocedure'),
  regCodec(REGOPER, 'regoper'),
  regCodec(REGOPERATOR, 'regoperator'),
  regCodec(REGCLASS, 'regclass'),
  regCodec(REGTYPE, 'regtype'),
  regCodec(REGCONFIG, 'regconfig'),
  regCodec(REGDICTIONARY, 'regdictionary'),
  regCodec(REGNAMESPACE, 'regnamespace'),
  regCodec(REGROLE, 'regrole'),
  regCodec(REGCOLLATION, 'regcollation'),
];
