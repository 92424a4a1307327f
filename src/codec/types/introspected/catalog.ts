// A connection's view of every type: built-in codecs, the record type, codecs built from
// introspected descriptions, and the user's codecs. One catalog may serve several connections to
// the same database (a pool worker shares one). `generation` changes whenever a type's codec may
// have changed, so prepared statements know to pick their codecs again.

import { InterfaceError } from '../../errors/client-errors.js';
import { mainEncodedCodec } from './pre-encoded.js';
import type { TypeCodec, TypeOptions } from '../codec.js';
import { arrayCodec } from '../containers/array.js';
import { multirangeCodec } from '../containers/multirange.js';
import { rangeCodec, type Range } from '../containers/range.js';
import { boundFromTextFor, builtinRangeParts, builtinValuesMayBeArrays } from '../containers/register.js';
import { plainTextForm, textArrayCodec } from '../containers/text-array.js';
import { ARRAY_TYPE_OF, BOX, BPCHAR, JSON as JSON_OID, NAME, RECORD, RECORD_ARRAY, TEXT, UNKNOWN, VARCHAR } from '../oids.js';
import { builtinCodecNamed, codecFor as builtinCodecFor, typeNameFor } from '../registry.js';
import { buildCodec, rebrand, type BuildContext } from './build.js';
import { compositeCodec, recordCodec } from './composite.js';
import { customCodec, rangeTupleForm, type TupleForm, type TypeCodecSpec } from './custom.js';
import { dependenciesOf, FIRST_INTROSPECTED_OID, type TypeDescription } from './description.js';
import { hstoreCodec } from './hstore.js';

/** Built-in types whose binary form is their UTF-8 text. */
const BINARY_IS_TEXT_BUILTINS = new Set([TEXT, VARCHAR, BPCHAR, NAME, JSON_OID, UNKNOWN]);
/** Send functions of extension types that send their text (citext), besides enums. */
const BINARY_IS_TEXT_SENDS = new Set(['textsend', 'varcharsend', 'bpcharsend', 'namesend', 'citextsend', 'enum_send']);

/** Array type OID → element type OID of the built-in arrays. */
const ELEMENT_OF = new Map([...ARRAY_TYPE_OF].map(([element, array]) => [array, element]));

/** What a pool worker is told about the main thread's codecs: plain data, see TypeCatalog.applyWireSettings. */
export interface WireTypeSettings {
  /** Bumped by reloadSchemaState(): a worker that sees a new epoch drops its introspected types. */
  epoch: number;
  /** Types the main thread decodes from text (custom text codecs). */
  textOids: number[];
  /** Types the main thread decodes from binary with a codec the worker lacks. */
  binaryOids: number[];
  /** setBuiltinTypeCodec: type OID → built-in codec name. */
  aliases: [number, string][];
}

export class TypeCatalog {
  private generationCount = 0;
  private readonly descriptions = new Map<number, TypeDescription>();
  /** Codecs built from descriptions; null = built, and the type has none (text). */
  private readonly built = new Map<number, TypeCodec | null>();
  /** Text-format arrays (see textArrayOf); null = the array is exchanged in binary. */
  private readonly builtText = new Map<number, TypeCodec | null>();
  /** Users' text codecs of types whose binary form is text, as binary codecs (see partCodec). */
  private readonly binaryParts = new Map<number, TypeCodec>();
  private readonly customs = new Map<number, TypeCodec>();
  /** Result format forced per type (pool workers, from the main thread's codecs). */
  private readonly wireFormats = new Map<number, 0 | 1>();
  private wireKey = '';
  private epoch = 0;
  private readonly record: TypeCodec;
  private readonly recordArray: TypeCodec;
  private readonly context: BuildContext;

  constructor(readonly options: TypeOptions) {
    this.record = recordCodec(RECORD, (oid) => this.partCodec(oid));
    this.recordArray = arrayCodec({ oid: RECORD_ARRAY, name: '_record', element: this.record, elementsMayBeArrays: true, acceptsTypedArrays: false });
    this.context = { codec: (oid) => this.partCodec(oid), description: (oid) => this.descriptions.get(oid), options };
  }

  /** Changes whenever some type's codec or wire format may have changed. */
  get generation(): number {
    return this.generationCount;
  }

  /** The codec of `oid`'s values: the user's, a built-in one, or one built from introspection; undefined = text. */
  codecFor(oid: number): TypeCodec | undefined {
    return this.customs.get(oid) ?? this.defaultCodec(oid);
  }

  /** 1 (binary) or 0 (text): the format to request result columns of `oid` in. */
  resultFormat(oid: number): number {
    const forced = this.wireFormats.get(oid);
    if (forced !== undefined) return forced;
    const codec = this.codecFor(oid);
    return codec !== undefined && codec.format !== 'text' && codec.textResults !== true ? 1 : 0;
  }

  /** Whether pgloom must introspect `oid` before it can tell how to exchange its values. */
  needsIntrospection(oid: number): boolean {
    return oid >= FIRST_INTROSPECTED_OID && !this.descriptions.has(oid) && !this.customs.has(oid) && builtinCodecFor(oid, this.options) === undefined;
  }

  /** The OIDs among `oids` that need introspection, each once. */
  missing(oids: Iterable<number>): number[] {
    const result = new Set<number>();
    for (const oid of oids) if (this.needsIntrospection(oid)) result.add(oid);
    return [...result];
  }

  /** Record introspected types; `requested` OIDs the server did not return (dropped types) are read as text. */
  add(descriptions: readonly TypeDescription[], requested: readonly number[] = []): void {
    for (const description of descriptions) this.descriptions.set(description.oid, description);
    for (const oid of requested) {
      if (!this.descriptions.has(oid)) this.descriptions.set(oid, { oid, name: `oid ${oid}`, schema: '', kind: 'pseudo', binary: false, send: '' });
    }
    this.changed();
  }

  description(oid: number): TypeDescription | undefined {
    return this.descriptions.get(oid);
  }

  /** The descriptions needed to build the codecs of `oids` elsewhere (the pool's main thread). */
  closure(oids: Iterable<number>): TypeDescription[] {
    const found = new Map<number, TypeDescription>();
    const queue = [...oids];
    while (queue.length > 0) {
      const oid = queue.pop()!;
      const description = this.descriptions.get(oid);
      if (description === undefined || found.has(oid)) continue;
      found.set(oid, description);
      queue.push(...dependenciesOf(description));
    }
    return [...found.values()];
  }

  /** The type's name as PostgreSQL spells it, when known. */
  nameOf(oid: number): string | undefined {
    return this.customs.get(oid)?.name ?? typeNameFor(oid) ?? this.descriptions.get(oid)?.name;
  }

  /** Forget every introspected type (reloadSchemaState): they are introspected again on next use. */
  reset(): void {
    this.descriptions.clear();
    this.changed();
  }

  /** Use the user's codec for `oid` (which must be introspected already when it is not built in). */
  setCustomCodec<T>(oid: number, spec: TypeCodecSpec<T>): void {
    const description = this.descriptions.get(oid);
    const name = this.nameOf(oid) ?? `oid ${oid}`;
    if (description?.kind === 'domain') {
      throw new InterfaceError(`${name} is a domain, whose values are those of its base type ${this.nameOf(description.baseOid!) ?? ''}: set the codec on the base type`);
    }
    this.customs.set(oid, customCodec(oid, name, spec, spec.format === 'tuple' ? this.tupleForm(oid, name) : undefined));
    this.changed();
  }

  /** Exchange `oid` with the built-in codec named `codecName` (a type wire-compatible with it). */
  setBuiltinCodec(oid: number, codecName: string): void {
    const name = this.nameOf(oid) ?? `oid ${oid}`;
    const builtin = codecName === 'hstore' ? hstoreCodec(oid, name, this.options.hstore ?? 'object') : builtinCodecNamed(codecName, this.options);
    if (builtin === undefined) {
      throw new InterfaceError(`setBuiltinTypeCodec: pgloom has no built-in codec named '${codecName}': use a built-in type name such as 'text', 'int4', 'bytea' or 'hstore'`);
    }
    this.customs.set(oid, rebrand(builtin, oid, name));
    this.changed();
  }

  /** Back to the default codec of `oid`. */
  resetCodec(oid: number): void {
    if (this.customs.delete(oid)) this.changed();
  }

  /**
   * A pool worker takes the main thread's settings: formats to request, built-in aliases, and
   * the schema epoch. Cheap when nothing changed.
   */
  applyWireSettings(settings: WireTypeSettings): void {
    if (settings.epoch > this.epoch) {
      this.epoch = settings.epoch;
      this.reset();
    }
    const key = JSON.stringify([settings.textOids, settings.binaryOids, settings.aliases]);
    if (key === this.wireKey) return;
    this.wireKey = key;
    this.wireFormats.clear();
    for (const oid of settings.textOids) this.wireFormats.set(oid, 0);
    for (const oid of settings.binaryOids) this.wireFormats.set(oid, 1);
    this.customs.clear();
    // Their encoders are the main thread's functions: parameters of these types arrive encoded.
    for (const [oid, format] of this.wireFormats) this.customs.set(oid, mainEncodedCodec(oid, this.nameOf(oid) ?? `type ${oid}`, format === 0 ? 'text' : 'binary'));
    for (const [oid, codecName] of settings.aliases) {
      const builtin = codecName === 'hstore' ? hstoreCodec(oid, codecName, this.options.hstore ?? 'object') : builtinCodecNamed(codecName, this.options);
      if (builtin !== undefined) this.customs.set(oid, rebrand(builtin, oid, this.nameOf(oid) ?? codecName));
    }
    this.changed();
  }

  private changed(): void {
    this.built.clear();
    this.builtText.clear();
    this.binaryParts.clear();
    this.generationCount++;
  }

  /** The binary codec of `oid` (undefined: the type has none, it travels as text). */
  binaryCodecFor(oid: number): TypeCodec | undefined {
    return this.partCodec(oid);
  }

  /**
   * A codec for `oid` inside another type (array element, attribute, bound), which PostgreSQL
   * sends in binary: the user's binary codec; the user's text codec when the type's binary form is
   * its text (enums, text-like types); else the default binary codec.
   */
  private partCodec(oid: number): TypeCodec | undefined {
    const custom = this.customs.get(oid);
    if (custom === undefined || custom.format !== 'text') return custom ?? this.defaultBinaryCodec(oid);
    if (!this.binaryIsText(oid)) return this.defaultBinaryCodec(oid);
    let part = this.binaryParts.get(oid);
    if (part === undefined) {
      const { format: _format, text: _text, ...binary } = custom;
      part = binary;
      this.binaryParts.set(oid, part);
    }
    return part;
  }

  /** Whether the binary form of `oid` is its UTF-8 text, so a text codec can read it in binary. */
  private binaryIsText(oid: number): boolean {
    if (BINARY_IS_TEXT_BUILTINS.has(oid)) return true;
    const description = this.descriptions.get(oid);
    return description !== undefined && (description.kind === 'enum' || BINARY_IS_TEXT_SENDS.has(description.send));
  }

  /** A result column's or parameter's codec when the user set none for the type itself. */
  private defaultCodec(oid: number): TypeCodec | undefined {
    return this.textArrayOf(oid) ?? this.defaultBinaryCodec(oid);
  }

  /**
   * Arrays whose element can only be exchanged as text (a user's text codec on a type whose binary
   * form is not text, or a type without binary I/O) are exchanged as array literals.
   */
  private textArrayOf(oid: number): TypeCodec | undefined {
    const description = this.descriptions.get(oid);
    const elementOid = ELEMENT_OF.get(oid) ?? (description?.kind === 'array' ? description.elementOid : undefined);
    if (elementOid === undefined) return undefined;
    if (this.builtText.has(oid)) return this.builtText.get(oid) ?? undefined;
    const custom = this.customs.get(elementOid);
    let codec: TypeCodec | undefined;
    const spec = { oid, name: description?.name ?? typeNameFor(oid) ?? `_${this.nameOf(elementOid) ?? elementOid}`, delimiter: this.delimiterOf(elementOid) };
    if (custom?.text !== undefined && !this.binaryIsText(elementOid)) {
      codec = textArrayCodec({ ...spec, element: custom.text, elementsMayBeArrays: true });
    } else if ((description !== undefined || ELEMENT_OF.has(oid)) && this.defaultBinaryCodec(oid) === undefined) {
      // Also built-in arrays of text-only built-ins (aclitem has no binary I/O): strings, not one literal.
      codec = textArrayCodec({ ...spec, element: plainTextForm, elementsMayBeArrays: false });
    }
    this.builtText.set(oid, codec ?? null);
    return codec;
  }

  private delimiterOf(elementOid: number): string {
    return elementOid === BOX ? ';' : (this.descriptions.get(elementOid)?.delimiter ?? ',');
  }

  private defaultBinaryCodec(oid: number): TypeCodec | undefined {
    if (oid === RECORD) return this.record;
    if (oid === RECORD_ARRAY) return this.recordArray;
    const element = ELEMENT_OF.get(oid);
    const range = builtinRangeParts(oid);
    // A built-in array or range whose element or subtype has a user codec: it uses that codec too.
    const customised = (element !== undefined && this.customs.has(element)) || (range !== undefined && this.customs.has(range.subtypeOid));
    if (!customised) {
      const builtin = builtinCodecFor(oid, this.options);
      if (builtin !== undefined || oid < FIRST_INTROSPECTED_OID) return builtin;
    }
    const cached = this.built.get(oid);
    if (cached !== undefined) return cached ?? undefined;
    // Marked before building, so a type that (wrongly) contains itself ends instead of recursing.
    this.built.set(oid, null);
    let codec: TypeCodec | undefined;
    if (element !== undefined) codec = this.builtinArrayOf(oid, element);
    else if (range !== undefined) codec = this.builtinRangeOf(oid, range);
    else codec = this.buildIntrospected(oid);
    this.built.set(oid, codec ?? null);
    return codec;
  }

  private builtinArrayOf(oid: number, elementOid: number): TypeCodec | undefined {
    const element = this.partCodec(elementOid);
    const builtin = builtinCodecFor(oid, this.options);
    if (element === undefined) return builtin;
    // A user's element codec may produce JS arrays: nesting cannot then tell dimensions apart.
    const mayBeArrays = builtinValuesMayBeArrays(elementOid, this.options) || element.custom === true;
    return arrayCodec({ oid, name: builtin?.name ?? `_${element.name}`, element, elementsMayBeArrays: mayBeArrays, acceptsTypedArrays: false });
  }

  private builtinRangeOf(oid: number, parts: { name: string; subtypeOid: number; rangeOid?: number }): TypeCodec | undefined {
    if (parts.rangeOid !== undefined) {
      const range = this.defaultBinaryCodec(parts.rangeOid);
      return range && multirangeCodec({ oid, name: parts.name, range: range as TypeCodec<Range> });
    }
    const subtype = this.partCodec(parts.subtypeOid);
    if (subtype === undefined) return undefined;
    const boundFromText = subtype.custom === true ? this.customs.get(parts.subtypeOid)?.text?.parse : boundFromTextFor(parts.subtypeOid);
    return rangeCodec({ oid, name: parts.name, subtype, boundFromText });
  }

  private buildIntrospected(oid: number): TypeCodec | undefined {
    const description = this.descriptions.get(oid);
    return description === undefined ? undefined : buildCodec(description, this.context);
  }

  private tupleForm(oid: number, name: string): TupleForm {
    const description = this.descriptions.get(oid);
    if (description?.kind === 'composite') {
      const fields = (description.attributes ?? []).map((attribute) => ({ ...attribute, codec: this.partCodec(attribute.typeOid) }));
      const missing = fields.find((field) => field.codec === undefined);
      if (missing !== undefined) {
        throw new InterfaceError(`${name}.${missing.name} has a type without a binary codec, so ${name} cannot be exchanged as tuples: use format 'text'`);
      }
      const tuple = compositeCodec({ oid, name, fields: fields as { name: string; typeOid: number; codec: TypeCodec }[], asTuple: true });
      return { decode: (bytes, view, start, length) => tuple.decode(bytes, view, start, length) as unknown[], encode: (parts, out) => tuple.encode(parts, out) };
    }
    const range = this.defaultCodec(oid);
    if (description?.kind === 'range' || (range !== undefined && /range$/.test(range.name))) return rangeTupleForm(range!);
    throw new InterfaceError(`format 'tuple' is for composite and range types, and ${name} is neither: use 'text' or 'binary'`);
  }
}
