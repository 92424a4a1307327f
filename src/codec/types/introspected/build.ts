// Builds the binary codec of an introspected type from its description and the codecs of the
// types it is made of. No codec (undefined) means the type travels as text: a type without binary
// I/O, a base type pgloom has no codec for, or a container of such a type (the server cannot send
// a composite or array in binary when one of its parts has no binary form).

import type { TypeCodec, TypeOptions } from '../codec.js';
import { arrayCodec } from '../containers/array.js';
import { multirangeCodec } from '../containers/multirange.js';
import type { Range } from '../containers/range.js';
import { rangeCodec } from '../containers/range.js';
import { boundFromTextFor, builtinAcceptsTypedArrays, builtinValuesMayBeArrays } from '../containers/register.js';
import { compositeCodec, type CompositeField } from './composite.js';
import type { TypeDescription } from './description.js';
import { enumCodec, textLikeCodec } from './enum.js';
import { hstoreCodec } from './hstore.js';

/** What building needs from the catalog: dependency codecs (binary only) and descriptions. */
export interface BuildContext {
  codec(oid: number): TypeCodec | undefined;
  description(oid: number): TypeDescription | undefined;
  options: TypeOptions;
}

/** Base types recognised by their binary send function, wherever their extension was installed. */
function baseCodec(description: TypeDescription, options: TypeOptions): TypeCodec | undefined {
  switch (description.send) {
    case 'hstore_send':
      return hstoreCodec(description.oid, description.name, options.hstore ?? 'object');
    case 'citextsend':
    case 'textsend':
      return textLikeCodec(description.oid, description.name);
    default:
      return undefined;
  }
}

/** A domain is its base type on the wire, but arrays and records name it by its own OID. */
export function rebrand(base: TypeCodec, oid: number, name: string): TypeCodec {
  return { ...base, oid, name };
}

/** Follow domains down to the type that decides how values look in JS. */
function rootOf(oid: number, context: BuildContext): { oid: number; description: TypeDescription | undefined } {
  let description = context.description(oid);
  for (let depth = 0; description?.kind === 'domain' && description.baseOid !== undefined && depth < 32; depth++) {
    oid = description.baseOid;
    description = context.description(oid);
  }
  return { oid, description };
}

export function buildCodec(description: TypeDescription, context: BuildContext): TypeCodec | undefined {
  const { oid, name } = description;
  if (!description.binary) return undefined;
  switch (description.kind) {
    case 'enum':
      return enumCodec(oid, name);
    case 'domain': {
      const base = description.baseOid === undefined ? undefined : context.codec(description.baseOid);
      return base && rebrand(base, oid, name);
    }
    case 'composite': {
      const fields: CompositeField[] = [];
      for (const attribute of description.attributes ?? []) {
        const codec = context.codec(attribute.typeOid);
        if (codec === undefined) return undefined;
        fields.push({ name: attribute.name, typeOid: attribute.typeOid, codec });
      }
      return compositeCodec({ oid, name, fields });
    }
    case 'array': {
      const element = description.elementOid === undefined ? undefined : context.codec(description.elementOid);
      if (element === undefined) return undefined;
      const root = rootOf(description.elementOid!, context);
      const mayBeArrays = root.description === undefined ? builtinValuesMayBeArrays(root.oid, context.options) : root.description.kind === 'multirange';
      const typed = root.description === undefined && builtinAcceptsTypedArrays(root.oid);
      return arrayCodec({ oid, name, element, elementsMayBeArrays: mayBeArrays, acceptsTypedArrays: typed });
    }
    case 'range': {
      const subtype = description.subtypeOid === undefined ? undefined : context.codec(description.subtypeOid);
      if (subtype === undefined) return undefined;
      return rangeCodec({ oid, name, subtype, boundFromText: boundFromTextFor(rootOf(description.subtypeOid!, context).oid) });
    }
    case 'multirange': {
      const range = description.rangeOid === undefined ? undefined : context.codec(description.rangeOid);
      return range && multirangeCodec({ oid, name, range: range as TypeCodec<Range> });
    }
    case 'base':
      return baseCodec(description, context.options);
    default:
      return undefined;
  }
}
