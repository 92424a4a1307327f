// A connection's view of every type: built-in codecs, the record type, codecs built from
// introspected descriptions, and the user's codecs. One catalog may serve several connections to
// the same database (a pool worker shares one). `generation` changes whenever a type's codec may
// have changed, so prepared statements know to pick their codecs again.

import { InterfaceError } from '../../errors/client-errors.js';
import { mainEncodedCodec } from './pre-encoded.js';
import type { TypeCodec, TypeOptions } from '../codec.js';
import { arrayCodec } from '../containers/array.js';
import { builtinValuesMayBeArrays } from '../containers/register.js';
import { ARRAY_TYPE_OF, RECORD, RECORD_ARRAY } from '../oids.js';
import { builtinCodecNamed, codecFor as builtinCodecFor, typeNameFor } from '../registry.js';
import { buildCodec, rebrand, type BuildContext } from './build.js';
import { compositeCodec, recordCodec } from './composite.js';
import { customCodec, rangeTupleForm, type TupleForm, type TypeCodecSpec } from './custom.js';
import { dependenciesOf, FIRST_INTROSPECTED_OID, type TypeDescription } from './description.js';
import { hstoreCodec } from './hstore.js';

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
    return codec !== undefined && codec.format !== 'text' ? 1 : 0;
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
    this.generationCount++;
  }

  /** The binary codec of `oid`: the user's unless it is a text codec, else the default one. */
  binaryCodecFor(oid: number): TypeCodec | undefined {
    return this.partCodec(oid);
  }

  /** A codec for `oid` as part of another type (array element, attribute, bound): binary only. */
  private partCodec(oid: number): TypeCodec | undefined {
    const custom = this.customs.get(oid);
    return custom !== undefined && custom.format !== 'text' ? custom : this.defaultCodec(oid);
  }

  private defaultCodec(oid: number): TypeCodec | undefined {
    if (oid === RECORD) return this.record;
    if (oid === RECORD_ARRAY) return this.recordArray;
    const element = ELEMENT_OF.get(oid);
    // A built-in array whose element has a user codec: arrays of it use that codec too.
    if (element === undefined || !this.customs.has(element)) {
      const builtin = builtinCodecFor(oid, this.options);
      if (builtin !== undefined || oid < FIRST_INTROSPECTED_OID) return builtin;
    }
    const cached = this.built.get(oid);
    if (cached !== undefined) return cached ?? undefined;
    // Marked before building, so a type that (wrongly) contains itself ends instead of recursing.
    this.built.set(oid, null);
    const codec = element !== undefined ? this.builtinArrayOf(oid, element) : this.buildIntrospected(oid);
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
