import { describe, expect, it } from 'vitest';
import { defaultTypeOptions } from '../../../src/codec/types/codec.js';
import * as oids from '../../../src/codec/types/oids.js';
import { codecFor, typeNameFor } from '../../../src/codec/types/registry.js';

describe('registry', () => {
  it('has a codec for every scalar type it documents, under its own OID and name', () => {
    const expected: [number, string][] = [
      [16, 'bool'], [17, 'bytea'], [18, 'char'], [19, 'name'], [20, 'int8'], [21, 'int2'], [23, 'int4'], [25, 'text'],
      [26, 'oid'], [28, 'xid'], [29, 'cid'], [114, 'json'], [700, 'float4'], [701, 'float8'], [705, 'unknown'],
      [1042, 'bpchar'], [1043, 'varchar'], [1082, 'date'], [1083, 'time'], [1114, 'timestamp'], [1184, 'timestamptz'],
      [1186, 'interval'], [1266, 'timetz'], [1700, 'numeric'], [2950, 'uuid'], [3802, 'jsonb'],
    ];
    for (const [oid, name] of expected) {
      const codec = codecFor(oid, {});
      expect(codec?.oid, name).toBe(oid);
      expect(codec?.name).toBe(name);
      expect(typeNameFor(oid)).toBe(name);
    }
  });
  it('returns undefined for types without a binary codec', () => {
    expect(codecFor(1033 /* aclitem */, {})).toBeUndefined();
    expect(codecFor(1034 /* _aclitem: aclitem has no binary form */, {})).toBeUndefined();
    expect(codecFor(123456, {})).toBeUndefined();
    expect(typeNameFor(1034)).toBe('_aclitem');
    expect(typeNameFor(123456)).toBeUndefined();
  });
  it('reuses codecs across equal option sets and picks per option', () => {
    expect(codecFor(oids.INT8, {})).toBe(codecFor(oids.INT8, { ...defaultTypeOptions }));
    expect(codecFor(oids.INT8, { int8: 'number' })).toBe(codecFor(oids.INT8, { int8: 'number', json: 'parse' }));
    expect(codecFor(oids.INT8, { int8: 'number' })).not.toBe(codecFor(oids.INT8, {}));
    expect(codecFor(oids.TIMESTAMPTZ, { timestamp: 'string' })).not.toBe(codecFor(oids.TIMESTAMPTZ, {}));
  });
});
