// The plain-data description of a type found by introspection (pg_type and friends). Both the
// engine (which introspects) and the pool's main thread (which decodes batches) build codecs from
// it, so it must survive structured clone: numbers, strings and arrays only.

/** How PostgreSQL classifies the type (pg_type.typtype, with arrays told apart from other base types). */
export type TypeKind = 'base' | 'array' | 'composite' | 'domain' | 'enum' | 'range' | 'multirange' | 'pseudo';

export interface TypeAttribute {
  name: string;
  typeOid: number;
}

export interface TypeDescription {
  oid: number;
  /** pg_type.typname, e.g. 'mood', '_mood'. */
  name: string;
  /** The schema (pg_namespace.nspname), e.g. 'public'. */
  schema: string;
  kind: TypeKind;
  /** The type has binary send and receive functions (typsend and typreceive are set). */
  binary: boolean;
  /** Name of the binary send function (pg_proc.proname), '' when none: tells extension types apart (hstore_send). */
  send: string;
  /** pg_type.typdelim, the element delimiter in array literals of this type, when not ','. */
  delimiter?: string;
  /** array: the element type. */
  elementOid?: number;
  /** domain: the base type. */
  baseOid?: number;
  /** range: the subtype. */
  subtypeOid?: number;
  /** multirange: its range type. */
  rangeOid?: number;
  /** composite: the live (not dropped) attributes in order. */
  attributes?: TypeAttribute[];
  /** enum: the labels in sort order. */
  labels?: string[];
}

/**
 * OIDs below this were assigned by genbki from pg_type.dat: built-in types. pgloom knows those it
 * has codecs for and reads the others as text, so only OIDs from here on need introspection
 * (initdb's information_schema types, extensions, user types).
 */
export const FIRST_INTROSPECTED_OID = 10_000;

/** The types a description's codec is built from. */
export function dependenciesOf(description: TypeDescription): number[] {
  const deps: number[] = [];
  for (const oid of [description.elementOid, description.baseOid, description.subtypeOid, description.rangeOid]) {
    if (oid !== undefined) deps.push(oid);
  }
  for (const attribute of description.attributes ?? []) deps.push(attribute.typeOid);
  return deps;
}
