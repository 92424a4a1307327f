// The reg* object-identifier types (regclass, regtype, regproc, …). In binary they are plain
// OIDs — the names their text form shows need a catalog lookup — so the JS value is the OID as a
// number. To pass a name, cast text in SQL instead: `$1::text::regclass`.

import type { BufferWriter } from '../buffer/writer.js';
import type { TypeCodec } from './codec.js';
import { badLength, rejectValue } from './describe.js';
import {
  REGCLASS, REGCOLLATION, REGCONFIG, REGDICTIONARY, REGNAMESPACE, REGOPER, REGOPERATOR, REGPROC, REGPROCEDURE, REGROLE, REGTYPE,
} from './oids.js';

const ACCEPTS = 'an OID: an integer from 0 to 4294967295 (number or bigint); to pass a name, write $n::text::<regtype> in SQL';

function regCodec(oid: number, name: string): TypeCodec<number> {
  return {
    oid,
    name,
    decode(_bytes: Uint8Array, view: DataView, start: number, length: number): number {
      if (length !== 4) throw badLength(name, 4, length);
      return view.getUint32(start);
    },
    encode(value: unknown, out: BufferWriter): void {
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 4294967295) {
        out.u32(value);
      } else if (typeof value === 'bigint' && value >= 0n && value <= 4294967295n) {
        out.u32(Number(value));
      } else {
        throw rejectValue(ACCEPTS, value);
      }
    },
  };
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
